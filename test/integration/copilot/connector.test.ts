import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actorHasher } from '../../../shared/kernel/index.js';
import type { Activity, CollectOutcome, Cursor, RawPage } from '../../../shared/sources/contract.js';
import { createCopilotSource } from '../../../shared/sources/copilot/index.js';
import { SourceAuthError } from '../../../shared/sources/errors.js';
import { ANCHOR, TEST_TOKEN, startCopilotSandbox } from './copilot-sandbox.js';
import type { RunningCopilot } from './copilot-sandbox.js';

const DAY_MS = 86_400_000;
const source = createCopilotSource({ maxWaitSeconds: 5, retryBaseMs: 10 });
const day = (n: number): string => new Date(ANCHOR.getTime() - n * DAY_MS).toISOString().slice(0, 10);

let s: RunningCopilot;
beforeEach(async () => {
  s = await startCopilotSandbox();
});
afterEach(async () => {
  await s.close();
});

interface SyncResult {
  outcome: CollectOutcome;
  pages: RawPage[];
  activities: Activity[];
}

/** Runs collect the way the pipeline does: each page is normalised as soon as it arrives. */
async function sync(o: { cursor?: Cursor | null; asOf?: Date; sinceDays?: number; token?: string; run?: RunningCopilot } = {}): Promise<SyncResult> {
  const run = o.run ?? s;
  const asOf = o.asOf ?? ANCHOR;
  const pages: RawPage[] = [];
  const activities: Activity[] = [];
  const outcome = await source.collect({
    binding: run.binding, org: run.org, credentials: { RADAR_GITHUB_TOKEN: o.token ?? TEST_TOKEN }, cursor: o.cursor ?? null,
    asOf: asOf.toISOString(), since: new Date(asOf.getTime() - (o.sinceDays ?? 14) * DAY_MS).toISOString(),
    onPage: async (page) => {
      pages.push(page);
      activities.push(...source.normalise(page, { binding: run.binding, rawKey: `raw/${page.seq}`, hashActor: actorHasher('k'), baseUrl: run.url }));
    },
  });
  return { outcome, pages, activities };
}

const metadataDays = (r: RunningCopilot, report = 'users-1-day'): string[] =>
  r.copilot.requestLog.filter((e) => e.kind === 'metadata' && e.report === report).map((e) => e.day);

/** Active members of a pod's team on a day, counted straight from the simulator's rows (the test's oracle). */
function activeInTeam(r: RunningCopilot, team: string, d: string): number {
  const members = new Set((r.copilot.rows('user-teams-1-day', d) as { user_id: number; slug: string }[]).filter((x) => x.slug === team).map((x) => x.user_id));
  return (r.copilot.rows('users-1-day', d) as { user_id: number }[]).filter((u) => members.has(u.user_id)).length;
}

describe('Copilot usage connector over the sandbox', () => {
  it('reduces every day since the start of the window to one pod-level report in a full sync', async () => {
    const { pages, activities, outcome } = await sync();
    expect(pages.map((p) => (p.body as { day: string }).day)).toEqual(Array.from({ length: 14 }, (_, i) => day(14 - i)));
    expect(outcome.cursor).toEqual({ version: 1, through: day(1), pending: [] });
    // One activity per pod with a GitHub team (13 demo pods) per day.
    expect(activities).toHaveLength(14 * 13);
    const recsys = activities.find((a) => a.unit === 'pod:recsys' && a.attrs.day === day(3));
    const expected = activeInTeam(s, 'recsys', day(3));
    expect(expected).toBeGreaterThanOrEqual(5);
    expect(recsys).toMatchObject({ kind: 'copilot-day', source: 'copilot', bindingId: 'org/copilot', actor: null, attrs: { status: 'measured', activeUsers: expected } });
  });

  it('computes the acceptance figures of a pod as sums over its active members', async () => {
    const { activities } = await sync({ sinceDays: 3 });
    const d = day(3); // a Friday: weekends fall below the minimum group size
    const members = new Set((s.copilot.rows('user-teams-1-day', d) as { user_id: number; slug: string }[]).filter((x) => x.slug === 'support-bot').map((x) => x.user_id));
    type Row = { user_id: number; totals_by_feature: { feature: string; code_generation_activity_count: number; code_acceptance_activity_count: number }[] };
    const rows = (s.copilot.rows('users-1-day', d) as Row[]).filter((u) => members.has(u.user_id));
    const completion = (u: Row) => u.totals_by_feature.find((f) => f.feature === 'code_completion');
    const a = activities.find((x) => x.unit === 'pod:support-bot' && x.attrs.day === d);
    expect(a?.attrs).toMatchObject({
      suggestions: rows.reduce((n, u) => n + (completion(u)?.code_generation_activity_count ?? 0), 0),
      acceptances: rows.reduce((n, u) => n + (completion(u)?.code_acceptance_activity_count ?? 0), 0),
    });
  });

  it('never fetches a day twice: a rerun asks for nothing and a later as-of asks only for the new days', async () => {
    const earlier = new Date(ANCHOR.getTime() - 2 * DAY_MS);
    const first = await sync({ asOf: earlier });
    const afterFirst = metadataDays(s).length;
    const rerun = await sync({ cursor: first.outcome.cursor, asOf: earlier });
    expect(rerun.pages).toHaveLength(0);
    expect(metadataDays(s)).toHaveLength(afterFirst);
    const later = await sync({ cursor: rerun.outcome.cursor });
    expect(later.pages.map((p) => (p.body as { day: string }).day)).toEqual([day(2), day(1)]);
    const fetched = metadataDays(s);
    expect(new Set(fetched).size).toBe(fetched.length);
  });

  it('records a day without a report as pending and fetches only that day again on the next run', async () => {
    const gap = day(4);
    s.copilot.missingDays.add(gap);
    const first = await sync();
    expect(first.outcome.cursor).toEqual({ version: 1, through: day(1), pending: [gap] });
    expect(first.outcome.notes).toContain('copilot: 1 day report(s) not available yet (404); retried next run');
    expect(first.activities.some((a) => a.attrs.day === gap)).toBe(false);
    s.copilot.missingDays.delete(gap);
    const second = await sync({ cursor: first.outcome.cursor });
    expect(second.pages.map((p) => (p.body as { day: string }).day)).toEqual([gap]);
    expect(second.outcome.cursor).toEqual({ version: 1, through: day(1), pending: [] });
  });

  it('re-requests the download links once when a signed link has expired and then succeeds', async () => {
    s.copilot.expireNextLinks = 1;
    const { pages, outcome } = await sync({ sinceDays: 2 });
    expect(pages).toHaveLength(2);
    expect(outcome.notes).toContain('copilot: 1 expired download link set(s) re-requested');
    const refused = s.copilot.requestLog.filter((e) => e.kind === 'download' && e.status === 403);
    expect(refused).toHaveLength(1);
    expect(metadataDays(s, refused[0]!.report).filter((d) => d === refused[0]!.day)).toHaveLength(2);
  });

  it('fails with a typed auth error when the fresh links are refused too', async () => {
    s.copilot.expireNextLinks = 2;
    await expect(sync({ sinceDays: 2 })).rejects.toSatisfy((e: unknown) => e instanceof SourceAuthError && e.source === 'copilot' && /refused twice/.test(e.reason));
  });

  it('keeps no figures for a pod whose team has fewer active Copilot users than the minimum group size', async () => {
    const { activities } = await sync();
    const tiny = activities.filter((a) => a.unit === 'pod:visual-design-ai');
    expect(tiny).toHaveLength(14);
    for (const a of tiny) {
      expect(a.attrs).toMatchObject({ status: 'below-minimum', activeUsers: null, suggestions: null, acceptances: null, minGroupSize: 5 });
    }
    for (const a of activities.filter((x) => x.attrs.status === 'measured')) expect(a.attrs.activeUsers as number).toBeGreaterThanOrEqual(5);
  });

  it('keeps a team of fewer than 5 seats unmeasured even with a smaller minimum group size: GitHub leaves it out of the report', async () => {
    const small = await startCopilotSandbox({ minGroupSize: 2 });
    try {
      const { activities } = await sync({ run: small });
      const tiny = activities.filter((a) => a.unit === 'pod:visual-design-ai');
      expect(tiny.length).toBeGreaterThan(0);
      expect(tiny.every((a) => a.attrs.status === 'below-minimum')).toBe(true);
      expect(activities.some((a) => a.attrs.status === 'measured' && a.attrs.minGroupSize === 2)).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('fails with a typed auth error naming the variable, never the token, when the token is wrong', async () => {
    const wrong = 'ghp_wrongCanaryToken00000000000000000';
    const err = await sync({ token: wrong }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
    expect((err as SourceAuthError).message).toContain('RADAR_GITHUB_TOKEN');
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain(wrong);
  });

  it('fails with a typed auth error naming the missing Copilot metrics permission when GitHub answers 403 for the token', async () => {
    s.copilot.tokenLacksPermission = true;
    const err = await sync().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
    const message = (err as SourceAuthError).message;
    expect(message).toContain('RADAR_GITHUB_TOKEN');
    expect(message).toContain('View Organization Copilot Metrics');
    expect(message).toContain('read:org');
    expect(s.copilot.requestLog.filter((e) => e.status === 403)).toHaveLength(1);
  });

  it('hands the pipeline pages with no login, user id or per-user row in them', async () => {
    const { pages, activities, outcome } = await sync();
    const text = JSON.stringify({ pages, activities, outcome });
    const logins = [...s.github.people.keys()];
    expect(logins.length).toBeGreaterThan(50);
    for (const login of logins) expect(text).not.toContain(login);
    expect(text).not.toMatch(/user_id|user_login|"login"/);
    for (const p of pages) expect(Object.keys(p.body as object).sort()).toEqual(['day', 'kind', 'minGroupSize', 'org', 'pods']);
  });
});

describe('Copilot report routes of the GitHub sandbox', () => {
  const get = (path: string, auth = true): Promise<Response> =>
    fetch(`${s.url}${path}`, auth ? { headers: { authorization: `Bearer ${TEST_TOKEN}` } } : {});

  it('answers 404 on the closed legacy per-team metrics endpoint', async () => {
    const res = await get('/orgs/acme/team/recsys/copilot/metrics');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ message: 'Not Found' });
  });

  it('serves report metadata with signed links that download NDJSON without an Authorization header', async () => {
    const meta = (await (await get(`/orgs/acme/copilot/metrics/reports/organization-1-day?day=${day(2)}`)).json()) as { download_links: string[]; report_day: string };
    expect(meta.report_day).toBe(day(2));
    const link = meta.download_links[0]!;
    expect(new URL(link).searchParams.get('sig')).toMatch(/^[0-9a-f]{64}$/);
    const file = await fetch(link);
    expect(file.status).toBe(200);
    expect(JSON.parse((await file.text()).trim())).toMatchObject({ day: day(2), organization_id: String(s.github.orgId) });
  });

  it('refuses a tampered link like a shared-access signature and requires the token for metadata', async () => {
    const meta = (await (await get(`/orgs/acme/copilot/metrics/reports/users-1-day?day=${day(2)}`)).json()) as { download_links: string[] };
    const u = new URL(meta.download_links[0]!);
    u.searchParams.set('se', String(Number(u.searchParams.get('se')) + 60));
    expect((await fetch(u)).status).toBe(403);
    expect((await get(`/orgs/acme/copilot/metrics/reports/users-1-day?day=${day(2)}`, false)).status).toBe(401);
  });

  it('treats 204 No Content for a day as a day without data: no page, not pending, the binding is fine', async () => {
    // Before: the empty 204 body failed the metadata check and with it the whole binding, every day.
    const quiet = day(5);
    s.copilot.noContentDays.add(quiet);
    const { pages, outcome } = await sync();
    expect(pages.map((p) => (p.body as { day: string }).day)).not.toContain(quiet);
    expect(pages).toHaveLength(13);
    expect(outcome.cursor).toEqual({ version: 1, through: day(1), pending: [] });
    expect(outcome.notes).toContain('copilot: 1 day(s) without data (204 No Content)');
  });

  it('skips days GitHub refuses with 422 as older than a year when a backfill as-of reaches beyond it', async () => {
    // Before: the window was clamped to a year before the as-of, but GitHub counts the year from its own today,
    // so a backfill (as-of a month back, historyDays 400) got 422s and the binding failed on every run.
    const asOf = new Date(ANCHOR.getTime() - 30 * DAY_MS);
    const { outcome, pages } = await sync({ asOf, sinceDays: 400 });
    expect(s.copilot.requestLog.some((e) => e.status === 422)).toBe(true);
    expect(outcome.notes.some((n) => /day\(s\) older than the one year GitHub serves \(422\): skipped/.test(n))).toBe(true);
    expect(pages.length).toBeGreaterThan(0);
  });

  it('leaves teams with fewer than 5 seated users out of the user-teams report, as GitHub does', () => {
    const d = day(3);
    const rows = s.copilot.rows('user-teams-1-day', d) as { slug: string }[];
    const seats = new Map<string, number>();
    for (const r of rows) seats.set(r.slug, (seats.get(r.slug) ?? 0) + 1);
    expect([...seats.values()].every((n) => n >= 5)).toBe(true);
  });

  it('rejects days more than a year back and answers 404 for days not reported yet', async () => {
    expect((await get(`/orgs/acme/copilot/metrics/reports/users-1-day?day=${day(400)}`)).status).toBe(422);
    expect((await get(`/orgs/acme/copilot/metrics/reports/users-1-day?day=${day(0)}`)).status).toBe(404);
  });
});
