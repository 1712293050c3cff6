import type { Context, Hono } from 'hono';
import type { FaultVariables } from '../faults.js';
import { itemResponse } from '../web/page.js';
import type { GithubWorld } from '../github/world.js';
import type { CopilotReportKind, CopilotWorld } from './world.js';

// The Copilot usage-metrics report routes of the GitHub simulator. Metadata lives on the REST API (bearer auth,
// counted in the rate budget); the NDJSON files live behind signed, expiring links that need no Authorization
// header, like the blob-storage URLs GitHub hands out. An expired or tampered link answers 403 the way a
// shared-access signature does. The legacy per-team metrics endpoint is closed (404), as on GitHub since April 2026.

type Env = { Variables: FaultVariables };
const REPORTS: ReadonlySet<string> = new Set<CopilotReportKind>(['users-1-day', 'user-teams-1-day', 'organization-1-day']);
const DOCS = 'https://docs.github.com/rest/copilot/copilot-usage-metrics';
const DOWNLOAD_PREFIX = '/copilot-reports';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

function githubError(status: number, message: string): Response {
  return json(status, { message, documentation_url: DOCS, status: String(status) });
}

function blobError(code: string, message: string): Response {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return new Response(body, { status: 403, headers: { 'content-type': 'application/xml' } });
}

function origin(c: Context): string {
  const u = new URL(c.req.url);
  return `${u.protocol}//${u.host}`;
}

/**
 * Serves the signed NDJSON downloads. Register before the API's auth middleware: the signature is the credential.
 */
export function mountCopilotDownloads(app: Hono<Env>, world: CopilotWorld): void {
  app.get(`${DOWNLOAD_PREFIX}/:org/:report/:day/:file`, (c) => {
    const { report, day, file } = c.req.param();
    const path = new URL(c.req.url).pathname;
    const expires = Number.parseInt(c.req.query('se') ?? '', 10);
    const sig = c.req.query('sig') ?? '';
    const kind = report as CopilotReportKind;
    const logged = (status: number): void => {
      world.requestLog.push({ kind: 'download', report: kind, day, status });
    };
    if (!Number.isFinite(expires) || !world.verify(path, expires, sig)) {
      logged(403);
      return blobError('AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of the signature is formed correctly.');
    }
    if (expires * 1000 < Date.now()) {
      logged(403);
      return blobError('AuthenticationFailed', 'Signed expiry time has passed; request a new download link.');
    }
    const part = /^part-(\d+)\.ndjson$/.exec(file);
    const files = REPORTS.has(report) && world.hasDay(day) ? world.reportFiles(kind, day) : [];
    const body = part ? files[Number.parseInt(part[1] as string, 10)] : undefined;
    if (body === undefined) {
      logged(404);
      return new Response('<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code></Error>', { status: 404, headers: { 'content-type': 'application/xml' } });
    }
    logged(200);
    return new Response(body, { status: 200, headers: { 'content-type': 'application/x-ndjson' } });
  });
}

/**
 * A minimal web view of the organisation's Copilot usage dashboard (GitHub's web UI: organisation → Insights →
 * Copilot usage), without the API's token, so demo evidence links open. It names the organisation, team and day the
 * link stands for; no person and no per-user figure is shown.
 */
export function mountCopilotWeb(app: Hono<Env>, world: CopilotWorld, github: GithubWorld): void {
  app.get('/orgs/:org/insights/copilot-usage', (c) => {
    const team = c.req.query('team');
    const day = c.req.query('day');
    const known = c.req.param('org') === world.org && (team === undefined || github.teams.has(team));
    const what = `Copilot usage of ${[c.req.param('org'), team].filter(Boolean).join('/')}${day ? ` on ${day}` : ''}`;
    if (!known || (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day))) return itemResponse(c, 'GitHub', null, what);
    const facts: [string, string][] = [['Organisation', world.org], ['Team', team ?? 'all'], ['Day', day ?? 'last 28 days']];
    if (day !== undefined) facts.push(['Report', world.hasDay(day) ? 'available' : 'not produced']);
    return itemResponse(c, 'GitHub', { title: what, facts }, what);
  });
}

/** Serves the report metadata endpoints (behind the API's bearer auth) and closes the legacy team endpoint. */
export function mountCopilotReports(app: Hono<Env>, world: CopilotWorld, github: GithubWorld): void {
  const rateHeaders = (): Record<string, string> => {
    const b = github.rateBudget;
    return {
      'x-ratelimit-limit': String(b.limit), 'x-ratelimit-remaining': String(Math.max(0, b.limit - b.used)),
      'x-ratelimit-used': String(b.used), 'x-ratelimit-reset': String(b.resetAt), 'x-ratelimit-resource': 'core',
    };
  };

  app.get('/orgs/:org/team/:slug/copilot/metrics', () => githubError(404, 'Not Found'));

  app.get('/orgs/:org/copilot/metrics/reports/:report', (c) => {
    const report = c.req.param('report');
    const day = c.req.query('day') ?? '';
    if (c.req.param('org') !== world.org || !REPORTS.has(report)) return githubError(404, 'Not Found');
    const kind = report as CopilotReportKind;
    const logged = (status: number): void => {
      world.requestLog.push({ kind: 'metadata', report: kind, day, status });
    };
    github.rateBudget.used += 1;
    if (world.tokenLacksPermission) {
      logged(403);
      return githubError(403, 'Resource not accessible by personal access token');
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
      logged(422);
      return githubError(422, 'Invalid request: `day` must be a date in the format YYYY-MM-DD.');
    }
    if (day < world.oldestServedDay()) {
      logged(422);
      return githubError(422, 'Invalid request: reports are available for up to one year back.');
    }
    if (world.noContentDays.has(day)) {
      logged(204);
      return new Response(null, { status: 204, headers: rateHeaders() });
    }
    if (!world.hasDay(day)) {
      logged(404);
      return githubError(404, 'Not Found');
    }
    const expired = world.expireNextLinks > 0;
    if (expired) world.expireNextLinks -= 1;
    const expiresAt = Math.floor((Date.now() + (expired ? -60_000 : world.linkTtlMs)) / 1000);
    const links = world.reportFiles(kind, day).map((_, i) => {
      const path = `${DOWNLOAD_PREFIX}/${world.org}/${kind}/${day}/part-${i}.ndjson`;
      return `${origin(c)}${path}?sv=2025-01-05&se=${expiresAt}&sp=r&sig=${world.sign(path, expiresAt)}`;
    });
    logged(200);
    return json(200, { download_links: links, report_day: day }, rateHeaders());
  });
}
