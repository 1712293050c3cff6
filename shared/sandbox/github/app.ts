import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { mountCopilotDownloads, mountCopilotReports, mountCopilotWeb } from '../copilot/app.js';
import type { CopilotWorld } from '../copilot/world.js';
import { faultMiddleware } from '../faults.js';
import type { FaultRegistry, FaultVariables } from '../faults.js';
import { executeGithubGraphql } from './graphql.js';
import type { GithubWorld, RepoRec } from './world.js';
import {
  commitJson, deploymentJson, eventJson, orgRepoJson, pullJson, releaseJson, reviewJson, runJson, statusJson,
} from './serialise.js';
import type { SerialiseContext } from './serialise.js';
import { registerGithubWeb } from './web.js';

// A GitHub REST simulator faithful to what connectors rely on (../../../../shared/API-FACTS.md §2): Link
// pagination, bearer auth, x-ratelimit-* headers with an exhaustible primary budget, secondary-limit 403s,
// ETag/If-None-Match with free 304s, and GitHub's error bodies.

type Env = { Variables: FaultVariables };
const DOCS = 'https://docs.github.com/rest';
/** GitHub's repository events feed stops at 300 events and covers only the past 30 days (REST docs, events). */
const EVENTS_CAP = 300;
const EVENTS_DAYS = 30;
/** A `created`-filtered (or otherwise filtered) runs listing returns at most 1,000 results (REST docs, list workflow runs). */
const RUNS_CAP = 1000;
/** Repo-scoped routes answer under both forms: GitHub's next links switch to `/repositories/{id}/…`. */
const REPO_PREFIXES = ['/repos/:owner/:repo', '/repositories/:rid'] as const;

function errorBody(status: number, message: string, doc = DOCS): string {
  return JSON.stringify({ message, documentation_url: doc, status: String(status) });
}

const STATUS_MESSAGES: Record<number, string> = {
  400: 'Bad Request', 401: 'Bad credentials', 403: 'Forbidden', 404: 'Not Found', 422: 'Validation Failed',
  500: 'Server Error', 502: 'Server Error', 503: 'Service Unavailable',
};

function jsonResponse(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

/** The origin the client used, so `url` fields and Link headers point back at this server. */
function apiBase(c: Context): string {
  const u = new URL(c.req.url);
  return `${u.protocol}//${u.host}`;
}

function intParam(v: string | undefined, dflt: number): number {
  const n = v === undefined ? NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : dflt;
}

/** `created` filter of the runs endpoint: search date syntax (`>=D`, `<=D`, `>D`, `<D`, `A..B`, `D`). */
function createdFilter(spec: string | undefined): ((iso: string) => boolean) | 'invalid' {
  if (!spec) return () => true;
  const t = (s: string): number => Date.parse(s);
  const range = /^(.+)\.\.(.+)$/.exec(spec);
  if (range) {
    const [a, b] = [range[1] as string, range[2] as string];
    const lo = a === '*' ? -Infinity : t(a);
    const hi = b === '*' ? Infinity : endOf(b);
    if (Number.isNaN(lo) || Number.isNaN(hi)) return 'invalid';
    return (iso) => t(iso) >= lo && t(iso) <= hi;
  }
  const cmp = /^(>=|<=|>|<)?(.+)$/.exec(spec);
  const op = cmp?.[1] ?? '';
  const v = cmp?.[2] ?? '';
  const at = t(v);
  if (Number.isNaN(at)) return 'invalid';
  switch (op) {
    case '>=': return (iso) => t(iso) >= at;
    case '>': return (iso) => t(iso) > endOf(v);
    case '<=': return (iso) => t(iso) <= endOf(v);
    case '<': return (iso) => t(iso) < at;
    default: return (iso) => t(iso) >= at && t(iso) <= endOf(v);
  }
}

/** A bare date means the whole day; a date-time means that instant. */
function endOf(v: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(v) + 86_399_999 : Date.parse(v);
}

/** Builds the GitHub simulator app over a world. */
export function buildGithubApp(world: GithubWorld, opts: { faults: FaultRegistry; token: string; copilot?: CopilotWorld }): Hono<Env> {
  const app = new Hono<Env>();

  const refreshBudget = (): void => {
    const now = Math.floor(Date.now() / 1000);
    if (now >= world.rateBudget.resetAt) world.rateBudget = { ...world.rateBudget, used: 0, resetAt: now + 3600 };
  };
  const rateHeaders = (): Record<string, string> => {
    const b = world.rateBudget;
    return {
      'x-ratelimit-limit': String(b.limit), 'x-ratelimit-remaining': String(Math.max(0, b.limit - b.used)),
      'x-ratelimit-used': String(b.used), 'x-ratelimit-reset': String(b.resetAt), 'x-ratelimit-resource': 'core',
    };
  };

  // Request log first, so faulted, unauthorised and 304 responses are all recorded.
  app.use('*', async (c, next) => {
    await next();
    const u = new URL(c.req.url);
    world.requestLog.push({
      method: c.req.method, path: u.pathname, query: u.search, hasAuthorization: !!c.req.header('authorization'),
      ifNoneMatch: !!c.req.header('if-none-match'), status: c.res.status,
    });
  });
  registerGithubWeb(app, world); // web views of PRs, commits, runs, releases and deployments, without the token (issue 17)
  if (opts.copilot) mountCopilotWeb(app, opts.copilot, world); // the Copilot usage dashboard's web view, likewise

  app.use('*', faultMiddleware('github', opts.faults, {
    rateLimit: (_c, fault) => {
      const retryAfter = fault.retryAfterSeconds ?? 60;
      if (fault.secondary) {
        return jsonResponse(403, errorBody(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits'),
        { ...rateHeaders(), 'retry-after': String(retryAfter) });
      }
      const reset = Math.floor(Date.now() / 1000) + retryAfter;
      return jsonResponse(429, errorBody(429, 'API rate limit exceeded for user. (But here\'s the good news: Authenticated requests get a higher rate limit.)',
        'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api'),
      { ...rateHeaders(), 'x-ratelimit-remaining': '0', 'x-ratelimit-used': String(world.rateBudget.limit), 'x-ratelimit-reset': String(reset), 'retry-after': String(retryAfter) });
    },
    error: (_c, status) => jsonResponse(status, errorBody(status, STATUS_MESSAGES[status] ?? 'Error')),
  }));

  // Copilot report files sit behind signed links (no Authorization), so they come before the bearer check.
  if (opts.copilot) mountCopilotDownloads(app, opts.copilot);

  // Bearer (or the older `token`) auth; GitHub answers 401 "Bad credentials" for a wrong or missing token.
  app.use('*', async (c, next) => {
    const m = /^(?:Bearer|token)\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
    if (!m || m[1] !== opts.token) {
      return jsonResponse(401, errorBody(401, 'Bad credentials'));
    }
    refreshBudget();
    if (c.req.path !== '/rate_limit' && world.rateBudget.used >= world.rateBudget.limit) {
      return jsonResponse(403, errorBody(403, `API rate limit exceeded for user ID ${world.orgId}. If you reach out to GitHub Support for help, please include the request ID.`,
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api'), rateHeaders());
    }
    return next();
  });

  /** Sends a 200 with ETag, or a 304 (free of the budget) when If-None-Match matches. */
  const respond = (c: Context, body: unknown, extra: Record<string, string> = {}): Response => {
    const text = JSON.stringify(body);
    const etag = `W/"${createHash('sha256').update(text).update(extra.link ?? '').digest('hex').slice(0, 32)}"`;
    const inm = c.req.header('if-none-match');
    const strip = (s: string): string => s.trim().replace(/^W\//, '');
    if (inm && inm.split(',').some((t) => strip(t) === strip(etag) || t.trim() === '*')) {
      return new Response(null, { status: 304, headers: { etag, ...rateHeaders() } });
    }
    world.rateBudget.used += 1;
    return jsonResponse(200, text, { etag, 'cache-control': 'private, max-age=60, s-maxage=60', ...rateHeaders(), ...extra });
  };

  const repoOf = (c: Context): RepoRec | undefined => {
    const rid = c.req.param('rid');
    if (rid !== undefined) return [...world.repos.values()].find((r) => String(r.id) === rid);
    const owner = c.req.param('owner');
    return owner === undefined ? undefined : world.repos.get(`${owner}/${c.req.param('repo')}`);
  };
  const ser = (c: Context): SerialiseContext => ({ api: apiBase(c), person: (login) => world.people.get(login), orgId: world.orgId });
  /** Registers a GET handler under both repo-scoped forms. */
  const repoGet = (suffix: string, handler: (c: Context<Env>) => Response | Promise<Response>): void => {
    for (const prefix of REPO_PREFIXES) app.get(`${prefix}${suffix}`, handler);
  };

  const notFound = (): Response => jsonResponse(404, errorBody(404, 'Not Found'), rateHeaders());

  /** Slices one page and builds GitHub's Link header (no next/last on the last page, no first/prev on page 1). */
  const paginate = <T>(c: Context<Env>, items: readonly T[], defaultPerPage = 30): { page: T[]; link: Record<string, string> } => {
    const perPage = Math.min(100, Math.max(1, intParam(c.req.query('per_page'), defaultPerPage)));
    const pageNo = Math.max(1, intParam(c.req.query('page'), 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const url = new URL(c.req.url);
    // Like api.github.com, repo-scoped next links use the numeric `/repositories/{id}/…` form.
    const repo = repoOf(c);
    if (repo) url.pathname = url.pathname.replace(/^\/repos\/[^/]+\/[^/]+/, `/repositories/${repo.id}`);
    const origin = world.linkOrigin ?? url.origin;
    const at = (n: number): string => {
      const u = new URL(`${url.pathname}${url.search}`, origin);
      u.searchParams.set('page', String(n));
      return u.toString();
    };
    const rels: string[] = [];
    if (c.get('repeatCursor')) rels.push(`<${at(pageNo)}>; rel="next"`, `<${at(last)}>; rel="last"`);
    else if (pageNo < last) rels.push(`<${at(pageNo + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
    if (pageNo > 1) rels.push(`<${at(1)}>; rel="first"`, `<${at(Math.min(pageNo - 1, last))}>; rel="prev"`);
    return { page: items.slice((pageNo - 1) * perPage, pageNo * perPage), link: rels.length ? { link: rels.join(', ') } : {} };
  };


  if (opts.copilot) mountCopilotReports(app, opts.copilot, world);

  app.get('/rate_limit', () => {
    const b = world.rateBudget;
    const core = { limit: b.limit, used: b.used, remaining: Math.max(0, b.limit - b.used), reset: b.resetAt, resource: 'core' };
    const search = { limit: 30, used: 0, remaining: 30, reset: Math.floor(Date.now() / 1000) + 60, resource: 'search' };
    return jsonResponse(200, JSON.stringify({ resources: { core, search }, rate: core }), rateHeaders());
  });

  // GitHub's GraphQL endpoint, executed against GitHub's published schema (./graphql.ts).
  app.post('/graphql', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return jsonResponse(400, errorBody(400, 'Problems parsing JSON', 'https://docs.github.com/graphql'));
    }
    const out = await executeGithubGraphql(world, body, apiBase(c));
    const g = world.graphqlBudget;
    return jsonResponse(out.status, JSON.stringify(out.json), {
      'x-ratelimit-limit': String(g.limit), 'x-ratelimit-remaining': String(Math.max(0, g.limit - g.used)), 'x-ratelimit-used': String(g.used),
      'x-ratelimit-reset': String(g.resetAt), 'x-ratelimit-resource': 'graphql',
    });
  });

  app.get('/orgs/:org/repos', (c) => {
    if (c.req.param('org') !== world.org) return notFound();
    const sort = c.req.query('sort') ?? 'created';
    const direction = c.req.query('direction') ?? (sort === 'full_name' ? 'asc' : 'desc');
    const key = (r: RepoRec): string => (sort === 'full_name' ? r.fullName : sort === 'updated' ? r.updated_at : sort === 'pushed' ? r.pushed_at : r.created_at);
    const repos = [...world.repos.values()].sort((a, b) => key(a).localeCompare(key(b)) || a.id - b.id);
    if (direction === 'desc') repos.reverse();
    const { page, link } = paginate(c, repos);
    return respond(c, page.map((r) => orgRepoJson(r, ser(c))), link);
  });

  app.get('/orgs/:org/teams/:slug/repos', (c) => {
    const names = c.req.param('org') === world.org ? world.teams.get(c.req.param('slug')) : undefined;
    if (!names) return notFound();
    const repos = names.map((n) => world.repos.get(n)).filter((r): r is RepoRec => !!r);
    const { page, link } = paginate(c, repos);
    return respond(c, page.map((r) => ({ ...orgRepoJson(r, ser(c)), role_name: 'write' })), link);
  });

  repoGet('', (c) => {
    const r = repoOf(c);
    return r ? respond(c, orgRepoJson(r, ser(c))) : notFound();
  });

  repoGet('/pulls', (c) => {
    const r = repoOf(c);
    if (!r) return notFound();
    const state = c.req.query('state') ?? 'open';
    const sort = c.req.query('sort') ?? 'created';
    const direction = c.req.query('direction') ?? (sort === 'created' ? 'desc' : 'asc');
    const key = sort === 'updated' ? 'updated_at' : 'created_at';
    const pulls = r.pulls
      .filter((p) => state === 'all' || p.state === state)
      .sort((a, b) => a[key].localeCompare(b[key]) || a.number - b.number);
    if (direction === 'desc') pulls.reverse();
    const { page, link } = paginate(c, pulls);
    return respond(c, page.map((p) => pullJson(r, p, ser(c))), link);
  });

  repoGet('/pulls/:number/reviews', (c) => {
    const r = repoOf(c);
    const pr = r?.pulls.find((p) => String(p.number) === c.req.param('number'));
    if (!r || !pr) return notFound();
    const { page, link } = paginate(c, r.reviews.get(pr.number) ?? []);
    return respond(c, page.map((rv) => reviewJson(r, pr, rv, ser(c))), link);
  });

  repoGet('/commits', (c) => {
    const r = repoOf(c);
    if (!r) return notFound();
    const since = c.req.query('since');
    const until = c.req.query('until');
    if ((since && Number.isNaN(Date.parse(since))) || (until && Number.isNaN(Date.parse(until)))) {
      return jsonResponse(422, JSON.stringify({ message: 'Invalid request.\n\nInvalid date', documentation_url: DOCS, status: '422' }), rateHeaders());
    }
    // An empty repository has no branch to list: GitHub answers 409 Conflict (OpenAPI: repos/list-commits 409).
    if (r.commits.length === 0) {
      return jsonResponse(409, JSON.stringify({ message: 'Git Repository is empty.', documentation_url: 'https://docs.github.com/rest/commits/commits#list-commits', status: '409' }), rateHeaders());
    }
    let commits = [...r.commits];
    const sha = c.req.query('sha');
    if (sha && sha !== 'main') {
      const idx = commits.findIndex((x) => x.sha === sha);
      if (idx < 0) return jsonResponse(404, errorBody(404, `No commit found for SHA: ${sha}`), rateHeaders());
      commits = commits.slice(0, idx + 1);
    }
    commits = commits.filter((x) => (!since || Date.parse(x.date) >= Date.parse(since)) && (!until || Date.parse(x.date) <= Date.parse(until)));
    commits.reverse();
    const { page, link } = paginate(c, commits);
    return respond(c, page.map((x) => commitJson(r, x, ser(c))), link);
  });

  repoGet('/deployments', (c) => {
    const r = repoOf(c);
    if (!r) return notFound();
    const q = c.req.query();
    const deployments = r.deployments
      .filter((d) => (!q.environment || d.environment === q.environment) && (!q.sha || d.sha === q.sha) && (!q.ref || d.ref === q.ref) && (!q.task || q.task === 'deploy'))
      .sort((a, b) => b.id - a.id);
    const { page, link } = paginate(c, deployments);
    return respond(c, page.map((d) => deploymentJson(r, d, ser(c))), link);
  });

  repoGet('/deployments/:id/statuses', (c) => {
    const r = repoOf(c);
    const d = r?.deployments.find((x) => String(x.id) === c.req.param('id'));
    if (!r || !d) return notFound();
    // GitHub documents no order for statuses; served oldest first so a client must sort to find the latest.
    const statuses = [...(r.statuses.get(d.id) ?? [])].sort((a, b) => a.id - b.id);
    const { page, link } = paginate(c, statuses);
    return respond(c, page.map((s) => statusJson(r, d, s, ser(c))), link);
  });

  repoGet('/actions/runs', (c) => {
    const r = repoOf(c);
    if (!r) return notFound();
    const created = createdFilter(c.req.query('created'));
    if (created === 'invalid') return jsonResponse(422, errorBody(422, 'Validation Failed'), rateHeaders());
    const q = c.req.query();
    const runs = r.runs
      .filter((x) => created(x.created_at) && (!q.event || x.event === q.event) && (!q.status || x.status === q.status || x.conclusion === q.status) && (!q.branch || x.head_branch === q.branch))
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
    // With any filter, GitHub returns at most 1,000 results per search; total_count still counts them all.
    const filtered = ['created', 'actor', 'branch', 'event', 'status', 'head_sha', 'check_suite_id'].some((k) => q[k] !== undefined);
    const { page, link } = paginate(c, filtered ? runs.slice(0, RUNS_CAP) : runs);
    return respond(c, { total_count: runs.length, workflow_runs: page.map((x) => runJson(r, x, ser(c))) }, link);
  });

  repoGet('/actions/runs/:runId', (c) => {
    const r = repoOf(c);
    const run = r?.runs.find((x) => String(x.id) === c.req.param('runId'));
    return r && run ? respond(c, runJson(r, run, ser(c))) : notFound();
  });

  repoGet('/deployments/:id', (c) => {
    const r = repoOf(c);
    const d = r?.deployments.find((x) => String(x.id) === c.req.param('id'));
    return r && d ? respond(c, deploymentJson(r, d, ser(c))) : notFound();
  });

  repoGet('/releases', (c) => {
    const r = repoOf(c);
    if (!r) return notFound();
    const releases = [...r.releases].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
    const { page, link } = paginate(c, releases);
    return respond(c, page.map((x) => releaseJson(r, x, ser(c))), link);
  });

  repoGet('/events', (c) => {
    const r = repoOf(c);
    if (!r) return notFound();
    const from = Date.now() - EVENTS_DAYS * 86_400_000;
    const events = r.events.filter((e) => Date.parse(e.created_at) >= from).reverse().slice(0, EVENTS_CAP);
    const { page, link } = paginate(c, events);
    return respond(c, page.map((e) => eventJson(r, e, ser(c))), { ...link, 'x-poll-interval': '60' });
  });

  app.notFound(() => notFound());
  return app;
}
