import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actorHasher } from '../../../shared/kernel/index.js';
import { listBindings } from '../../../shared/org/index.js';
import type { Activity, CollectOutcome, Cursor } from '../../../shared/sources/contract.js';
import { createGithubSource } from '../../../shared/sources/github/index.js';
import { fakeSha } from '../../../shared/sandbox/github/index.js';
import { ANCHOR, TEST_TOKEN, startGithubSandbox } from './github-sandbox.js';
import type { RunningGithub } from './github-sandbox.js';

// The GitHub change probe (shared/sources/github/probe.ts): one GraphQL query per binding decides which streams an
// incremental sync reads. One test per stream: a change made in the sandbox after the first sync is collected by
// the next incremental sync, and an unchanged binding costs that one query (1 rate-limit point).

const source = createGithubSource({ maxWaitSeconds: 5, retryBaseMs: 10 });
const SINCE = new Date(ANCHOR.getTime() - 120 * 86_400_000).toISOString();
const HOUR = 3_600_000;
const REPO = 'acme/recsys';
const ghTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const at = (hours: number): string => ghTime(ANCHOR.getTime() + hours * HOUR);

let gh: RunningGithub;
beforeEach(async () => {
  gh = await startGithubSandbox({ weeks: 6 });
});
afterEach(async () => {
  await gh.close();
});

async function sync(cursor: Cursor | null, asOf: string): Promise<{ outcome: CollectOutcome; activities: Activity[] }> {
  const binding = listBindings(gh.org).find((x) => x.id === 'pod:recsys/github');
  if (!binding) throw new Error('no binding');
  const activities: Activity[] = [];
  const hashActor = actorHasher('test-key');
  const outcome = await source.collect({
    binding, org: gh.org, credentials: { RADAR_GITHUB_TOKEN: TEST_TOKEN }, cursor, asOf, since: SINCE,
    onPage: async (page) => {
      activities.push(...source.normalise(page, { binding, rawKey: `raw/${page.seq}`, hashActor, baseUrl: gh.url }));
    },
  });
  return { outcome, activities };
}

/** The first (full) sync, then the request log emptied so the incremental sync's requests can be read alone. */
async function firstSync(): Promise<Cursor> {
  const { outcome } = await sync(null, ANCHOR.toISOString());
  gh.world.requestLog.length = 0;
  return outcome.cursor;
}

const lastOf = (acts: Activity[], id: string): Activity | undefined => acts.filter((a) => a.id === id).at(-1);
const login = (): string => gh.world.repo(REPO).pulls[0]!.user.login;

describe('GitHub change probe: an unchanged binding', () => {
  it('costs one GraphQL request of 1 rate-limit point for all the binding\'s repos and reads nothing else', async () => {
    gh.world.addRepo('acme/recsys-features', ghTime(ANCHOR.getTime() - 30 * 86_400_000));
    gh.world.teams.get('recsys')?.push('acme/recsys-features');
    const cursor = await firstSync();
    const pointsBefore = gh.world.graphqlBudget.used;
    const second = await sync(cursor, at(2));
    expect(second.outcome.requests).toBe(1);
    expect(gh.world.requestLog).toEqual([expect.objectContaining({ method: 'POST', path: '/graphql' })]);
    expect(gh.world.graphqlBudget.used - pointsBefore).toBe(1);
    expect(second.activities).toEqual([]);
  });

  it('reads only the repo that changed when a binding has several', async () => {
    gh.world.addRepo('acme/recsys-features', ghTime(ANCHOR.getTime() - 30 * 86_400_000));
    gh.world.teams.get('recsys')?.push('acme/recsys-features');
    const cursor = await firstSync();
    const c = gh.world.addCommit('acme/recsys-features', { author: login(), date: at(1) });
    const second = await sync(cursor, at(2));
    expect(second.activities.map((a) => a.id)).toContain(`github:commit:acme/recsys-features@${c.sha}`);
    expect(gh.world.requestLog.filter((r) => r.path.startsWith(`/repos/${REPO}/`))).toEqual([]);
  });
});

describe('GitHub change probe: each stream\'s change is collected by the next incremental sync', () => {
  it('pull requests: a new pull request', async () => {
    const cursor = await firstSync();
    const pr = gh.world.addPull(REPO, { author: login(), createdAt: at(1) });
    const { activities } = await sync(cursor, at(2));
    expect(activities.map((a) => a.id)).toContain(`github:pr:${REPO}#${pr.number}`);
  });

  it('reviews: a review submitted on a pull request already read', async () => {
    const cursor = await firstSync();
    const pr = gh.world.repo(REPO).pulls.at(-1)!;
    const reviewer = gh.world.repo(REPO).pulls.find((p) => p.user.login !== pr.user.login)?.user.login ?? login();
    const rv = gh.world.addReview(REPO, pr.number, { reviewer, submittedAt: at(1), state: 'CHANGES_REQUESTED' });
    const { activities } = await sync(cursor, at(2));
    expect(activities.map((a) => a.id)).toContain(`github:review:${REPO}#${pr.number}/${rv.id}`);
  });

  it('commits: a commit pushed to the default branch', async () => {
    const cursor = await firstSync();
    const c = gh.world.addCommit(REPO, { author: login(), date: at(1) });
    const { activities } = await sync(cursor, at(2));
    expect(activities.map((a) => a.id)).toContain(`github:commit:${REPO}@${c.sha}`);
  });

  it('workflow runs: a run started by a push', async () => {
    const cursor = await firstSync();
    const c = gh.world.addCommit(REPO, { author: login(), date: at(1) });
    const run = gh.world.addRun(REPO, { name: 'CI', event: 'push', conclusion: 'success', head_sha: c.sha, created_at: at(1), updated_at: at(1.1), actor: 'github-actions[bot]' });
    const { activities } = await sync(cursor, at(2));
    expect(lastOf(activities, `github:run:${REPO}/${run.id}`)?.attrs.conclusion).toBe('success');
  });

  it('workflow runs: a run read in progress that completed since, without any push', async () => {
    const run = gh.world.addRun(REPO, { name: 'train', event: 'workflow_dispatch', status: 'in_progress', conclusion: null, head_sha: fakeSha('t'), created_at: at(-1), updated_at: at(-1), actor: 'github-actions[bot]' });
    const cursor = await firstSync();
    const idle = await sync(cursor, at(0.5));
    expect(idle.outcome.requests).toBe(1);
    gh.world.completeRun(REPO, run.id, { conclusion: 'success', at: at(1) });
    const { activities } = await sync(idle.outcome.cursor, at(2));
    expect(lastOf(activities, `github:run:${REPO}/${run.id}`)?.attrs.conclusion).toBe('success');
  });

  it('workflow runs: a run read in progress that was completed and re-run since (same id) is read again', async () => {
    const run = gh.world.addRun(REPO, { name: 'CI', event: 'push', status: 'in_progress', conclusion: null, head_sha: fakeSha('r'), created_at: at(-1), updated_at: at(-1), actor: 'github-actions[bot]' });
    const cursor = await firstSync();
    gh.world.completeRun(REPO, run.id, { conclusion: 'failure', at: at(0.5) });
    gh.world.rerunRun(REPO, run.id, at(0.6));
    const second = await sync(cursor, at(1));
    expect(gh.world.requestLog.some((r) => r.path === `/repos/${REPO}/actions/runs/${run.id}`)).toBe(true);
    gh.world.completeRun(REPO, run.id, { conclusion: 'success', at: at(1.5) });
    const third = await sync(second.outcome.cursor, at(2));
    expect(lastOf(third.activities, `github:run:${REPO}/${run.id}`)?.attrs.conclusion).toBe('success');
  });

  it('releases: a release published on an old commit, behind the newest 100 releases by created_at', async () => {
    for (let i = 0; i < 100; i++) gh.world.addRelease(REPO, { by: login(), at: at(-2), tag: `v9.${i}` }).created_at = at(-2);
    const cursor = await firstSync();
    const rel = gh.world.addRelease(REPO, { by: login(), at: at(1), tag: 'v99.0.0' });
    rel.created_at = ghTime(ANCHOR.getTime() - 200 * 86_400_000);
    const { activities } = await sync(cursor, at(2));
    expect(activities.map((a) => a.id)).toContain(`github:release:${REPO}/${rel.id}`);
  });

  it('releases: a draft read at the last sync and published since', async () => {
    const draft = gh.world.addRelease(REPO, { by: login(), at: at(-3), tag: 'v98.0.0', draft: true });
    const cursor = await firstSync();
    gh.world.publishRelease(REPO, draft.id, at(1));
    const { activities } = await sync(cursor, at(2));
    expect(lastOf(activities, `github:release:${REPO}/${draft.id}`)?.at).toBe(new Date(at(1)).toISOString());
  });

  it('deployments: a new deployment', async () => {
    const cursor = await firstSync();
    const d = gh.world.addDeployment(REPO, { by: login(), createdAt: at(1) });
    gh.world.addDeploymentStatus(REPO, d.id, { state: 'success', at: at(1.2) });
    const { activities } = await sync(cursor, at(2));
    expect(lastOf(activities, `github:deployment:${REPO}/${d.id}`)?.attrs.state).toBe('success');
  });

  it('deployment statuses: a deployment read while open that succeeded since', async () => {
    const d = gh.world.addDeployment(REPO, { by: login(), createdAt: at(-1) });
    const cursor = await firstSync();
    const idle = await sync(cursor, at(0.5));
    expect(idle.outcome.requests).toBe(1);
    gh.world.addDeploymentStatus(REPO, d.id, { state: 'success', at: at(1) });
    const { activities } = await sync(idle.outcome.cursor, at(2));
    expect(lastOf(activities, `github:deployment:${REPO}/${d.id}`)?.attrs.state).toBe('success');
  });
});
