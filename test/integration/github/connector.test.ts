import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actorHasher } from '../../../shared/kernel/index.js';
import { listBindings } from '../../../shared/org/index.js';
import type { Binding, OrgConfig } from '../../../shared/org/index.js';
import type { Activity, CollectOutcome, Cursor, RawPage } from '../../../shared/sources/contract.js';
import {
  MalformedPageError, RepeatingCursorError, SourceAuthError, SourceHttpError,
} from '../../../shared/sources/errors.js';
import { createGithubSource } from '../../../shared/sources/github/index.js';
import { ANCHOR, TEST_TOKEN, startGithubSandbox } from './github-sandbox.js';
import type { RunningGithub } from './github-sandbox.js';

const source = createGithubSource({ maxWaitSeconds: 5, retryBaseMs: 10 });
const SINCE = new Date(ANCHOR.getTime() - 120 * 86_400_000).toISOString();
const AS_OF = ANCHOR.toISOString();

let gh: RunningGithub;
beforeEach(async () => {
  gh = await startGithubSandbox({ weeks: 8 });
});
afterEach(async () => {
  await gh.close();
});

function bindingOf(org: OrgConfig, id: string): Binding {
  const b = listBindings(org).find((x) => x.id === id);
  if (!b) throw new Error(`no binding ${id}`);
  return b;
}

interface SyncResult {
  outcome: CollectOutcome;
  pages: RawPage[];
  activities: Activity[];
}

/** Runs collect like the pipeline does: every page is normalised as soon as it arrives. */
async function sync(o: { bindingId?: string; cursor?: Cursor | null; asOf?: string; token?: string; pagesOut?: RawPage[] } = {}): Promise<SyncResult> {
  const binding = bindingOf(gh.org, o.bindingId ?? 'pod:recsys/github');
  const pages: RawPage[] = o.pagesOut ?? [];
  const activities: Activity[] = [];
  const hashActor = actorHasher('test-key');
  const outcome = await source.collect({
    binding, org: gh.org, credentials: { RADAR_GITHUB_TOKEN: o.token ?? TEST_TOKEN }, cursor: o.cursor ?? null,
    asOf: o.asOf ?? AS_OF, since: SINCE,
    onPage: async (page) => {
      pages.push(page);
      activities.push(...source.normalise(page, { binding, rawKey: `raw/${page.seq}`, hashActor, baseUrl: gh.url }));
    },
  });
  return { outcome, pages, activities };
}

const ids = (acts: Activity[], kind: Activity['kind']): string[] => acts.filter((a) => a.kind === kind).map((a) => a.id).sort();

describe('GitHub connector over the sandbox', () => {
  it('reads every pull request, review, deployment and release of the binding\'s repos in a full sync', async () => {
    const { activities, outcome } = await sync();
    const repo = gh.world.repo('acme/recsys');
    expect(ids(activities, 'pull-request')).toEqual(repo.pulls.map((p) => `github:pr:acme/recsys#${p.number}`).sort());
    const reviews = [...repo.reviews.entries()].flatMap(([n, rs]) => rs.map((r) => `github:review:acme/recsys#${n}/${r.id}`));
    expect(ids(activities, 'review')).toEqual(reviews.sort());
    expect(ids(activities, 'deployment')).toEqual(repo.deployments.map((d) => `github:deployment:acme/recsys/${d.id}`).sort());
    expect(ids(activities, 'release')).toEqual(repo.releases.map((r) => `github:release:acme/recsys/${r.id}`).sort());
    expect(ids(activities, 'commit')).toEqual(repo.commits.map((c) => `github:commit:acme/recsys@${c.sha}`).sort());
    expect(ids(activities, 'workflow-run')).toEqual(repo.runs.map((r) => `github:run:acme/recsys/${r.id}`).sort());
    expect(outcome.requests).toBe(gh.world.requestLog.length);
  });

  it('sends the Authorization header on every request', async () => {
    await sync();
    expect(gh.world.requestLog.length).toBeGreaterThan(5);
    expect(gh.world.requestLog.every((r) => r.hasAuthorization)).toBe(true);
  });

  it('spends exactly one request, the GraphQL change probe, on a second sync of an unchanged repo', async () => {
    const first = await sync();
    gh.world.requestLog.length = 0;
    const second = await sync({ cursor: first.outcome.cursor, asOf: new Date(ANCHOR.getTime() + 3_600_000).toISOString() });
    expect(second.outcome.requests).toBe(1);
    expect(gh.world.requestLog).toEqual([expect.objectContaining({ method: 'POST', path: '/graphql', status: 200 })]);
    expect(second.activities).toEqual([]);
  });

  it('reads a pull request changed after world.addPull and its review with one GraphQL query, no per-PR requests', async () => {
    const first = await sync();
    const author = gh.world.repo('acme/recsys').pulls[0]?.user.login as string;
    const reviewer = gh.world.repo('acme/recsys').pulls[1]?.user.login as string;
    const at = new Date(ANCHOR.getTime() + 600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const pr = gh.world.addPull('acme/recsys', { author, createdAt: at });
    gh.world.addReview('acme/recsys', pr.number, { reviewer, submittedAt: at });
    gh.world.requestLog.length = 0;
    const second = await sync({ cursor: first.outcome.cursor, asOf: new Date(ANCHOR.getTime() + 3_600_000).toISOString() });
    expect(gh.world.requestLog.filter((r) => r.path.includes('/pulls'))).toEqual([]);
    // Pull requests and deployments: one GraphQL query each.
    expect(gh.world.requestLog.filter((r) => r.path === '/graphql')).toHaveLength(2);
    const review = gh.world.repo('acme/recsys').reviews.get(pr.number)?.[0];
    expect(ids(second.activities, 'review')).toContain(`github:review:acme/recsys#${pr.number}/${review?.id}`);
    expect(ids(second.activities, 'pull-request')).toContain(`github:pr:acme/recsys#${pr.number}`);
    expect(gh.world.requestLog.filter((r) => r.path.includes('/teams/'))).toEqual([]);
  });

  it('finds a deleted deployment in the reconciliation pass and reports it in removedIds and notes', async () => {
    const first = await sync();
    const gone = gh.world.repo('acme/recsys').deployments.at(-1)?.id as number;
    gh.world.deleteDeployment('acme/recsys', gone);
    const later = new Date(ANCHOR.getTime() + 8 * 86_400_000).toISOString();
    const second = await sync({ cursor: first.outcome.cursor, asOf: later });
    expect(second.outcome.removedIds).toContain(`github:deployment:acme/recsys/${gone}`);
    expect(second.outcome.notes.join('\n')).toMatch(/reconcile acme\/recsys: .*removed 1/);
  });

  it('waits out a 429 with Retry-After and then succeeds', async () => {
    gh.faults.add({ api: 'github', path: '/graphql', fault: { kind: 'rate-limit', retryAfterSeconds: 1 }, times: 1 });
    const { activities } = await sync();
    const statuses = gh.world.requestLog.filter((r) => r.path === '/graphql').map((r) => r.status);
    expect(statuses.slice(0, 2)).toEqual([429, 200]);
    expect(ids(activities, 'pull-request').length).toBe(gh.world.repo('acme/recsys').pulls.length);
  });

  it('honours a secondary rate limit 403 and then succeeds', async () => {
    gh.faults.add({ api: 'github', path: '/releases', fault: { kind: 'rate-limit', secondary: true, retryAfterSeconds: 1 }, times: 1 });
    await sync();
    const statuses = gh.world.requestLog.filter((r) => r.path === '/repos/acme/recsys/releases').map((r) => r.status);
    expect(statuses).toEqual([403, 200]);
  });

  it('fails the binding with a clear reason when the rate-limit wait exceeds the maximum', async () => {
    gh.faults.add({ api: 'github', path: '/graphql', fault: { kind: 'rate-limit', secondary: true, retryAfterSeconds: 600 } });
    const err = await sync().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceHttpError);
    expect((err as Error).message).toMatch(/wait of 600s exceeds the maximum of 5s/);
  });

  it('retries a server error and then succeeds', async () => {
    gh.faults.add({ api: 'github', path: '/commits', fault: { kind: 'status', status: 502 }, times: 1 });
    await sync();
    expect(gh.world.requestLog.filter((r) => r.path.endsWith('/commits')).map((r) => r.status)).toEqual([502, 200]);
  });

  it('turns a 401 into SourceAuthError naming the variable and never the token', async () => {
    const err = await sync({ token: 'ghp_wrongCanaryToken99999' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
    const text = `${(err as Error).message} ${JSON.stringify(err)}`;
    expect(text).toMatch(/RADAR_GITHUB_TOKEN/);
    expect(text).toMatch(/Bad credentials/);
    expect(text).not.toContain('ghp_wrongCanaryToken99999');
    expect(text).not.toContain(TEST_TOKEN);
  });

  it('fails the binding on a truncated page without handing that page on', async () => {
    gh.faults.add({ api: 'github', path: '/releases', method: 'GET', fault: { kind: 'truncated' }, times: 1 });
    const pages: RawPage[] = [];
    const err = await sync({ pagesOut: pages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedPageError);
    expect(pages.some((p) => p.stream.startsWith('pulls-graphql:'))).toBe(true);
    expect(pages.some((p) => p.stream.startsWith('releases:'))).toBe(false);
  });

  it('never normalises an HTML page served with status 200', async () => {
    gh.faults.add({ api: 'github', path: '/graphql', fault: { kind: 'html-200' }, times: 1 });
    let normalised = 0;
    const binding = bindingOf(gh.org, 'pod:recsys/github');
    const err = await source.collect({
      binding, org: gh.org, credentials: { RADAR_GITHUB_TOKEN: TEST_TOKEN }, cursor: null, asOf: AS_OF, since: SINCE,
      onPage: async (page) => {
        normalised += 1;
        source.normalise(page, { binding, rawKey: 'k', hashActor: actorHasher('k'), baseUrl: gh.url });
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedPageError);
    // Only the team listing came before the GraphQL change probe (the request answered with HTML).
    expect(normalised).toBe(1);
  });

  it('stops a Link that points back at the same page with RepeatingCursorError', async () => {
    gh.faults.add({ api: 'github', path: '/actions/runs', fault: { kind: 'repeat-cursor' } });
    const err = await sync().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepeatingCursorError);
  });

  it('puts no login, name or email of anyone in the world into normalised activities', async () => {
    const { activities } = await sync({ bindingId: 'network:mlops/github' });
    expect(activities.length).toBeGreaterThan(20);
    const text = JSON.stringify(activities).toLowerCase();
    for (const p of gh.world.people.values()) {
      for (const needle of [p.login, p.name, p.email]) expect(text).not.toContain(needle.toLowerCase());
    }
  });

  it('hands on raw pages with no login, name or email of anyone in the world (raw pages are stored)', async () => {
    const { pages } = await sync({ bindingId: 'network:mlops/github' });
    expect(pages.some((p) => p.stream.startsWith('pulls-graphql:'))).toBe(true);
    const text = JSON.stringify(pages).toLowerCase();
    for (const p of gh.world.people.values()) {
      for (const needle of [p.login, p.name, p.email]) expect(text).not.toContain(needle.toLowerCase());
    }
  });
});
