import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actorHasher } from '../../../shared/kernel/index.js';
import { listBindings } from '../../../shared/org/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';
import type { Activity, CollectOutcome, Cursor, RawPage } from '../../../shared/sources/contract.js';
import { GithubClient, createGithubSource } from '../../../shared/sources/github/index.js';
import { fakeSha } from '../../../shared/sandbox/github/index.js';
import { ANCHOR, TEST_TOKEN, startGithubSandbox } from './github-sandbox.js';
import type { RunningGithub } from './github-sandbox.js';

// One test per GitHub row of ../shared/REALITY.md, each over real HTTP against the sandbox (which now behaves as
// GitHub documents) and each failing on the connector as it was before issue 14.

const source = createGithubSource({ maxWaitSeconds: 5, retryBaseMs: 10 });
const SINCE = new Date(ANCHOR.getTime() - 120 * 86_400_000).toISOString();
const AS_OF = ANCHOR.toISOString();
const HOUR = 3_600_000;
const REPO = 'acme/recsys';

let gh: RunningGithub;
beforeEach(async () => {
  gh = await startGithubSandbox({ weeks: 8 });
});
afterEach(async () => {
  await gh.close();
});

interface SyncResult {
  outcome: CollectOutcome;
  pages: RawPage[];
  activities: Activity[];
}

async function sync(o: { cursor?: Cursor | null; asOf?: string; org?: OrgConfig } = {}): Promise<SyncResult> {
  const org = o.org ?? gh.org;
  const binding = listBindings(org).find((x) => x.id === 'pod:recsys/github');
  if (!binding) throw new Error('no binding');
  const pages: RawPage[] = [];
  const activities: Activity[] = [];
  const hashActor = actorHasher('test-key');
  const outcome = await source.collect({
    binding, org, credentials: { RADAR_GITHUB_TOKEN: TEST_TOKEN, RADAR_ACTOR_HASH_KEY: 'k' }, cursor: o.cursor ?? null,
    asOf: o.asOf ?? AS_OF, since: SINCE,
    onPage: async (page) => {
      pages.push(page);
      activities.push(...source.normalise(page, { binding, rawKey: `raw/${page.seq}`, hashActor, baseUrl: gh.url }));
    },
  });
  return { outcome, pages, activities };
}

const later = (hours: number): string => new Date(ANCHOR.getTime() + hours * HOUR).toISOString();
/** The last activity with this id (later reads of the same item replace earlier ones, as in the store). */
const lastOf = (acts: Activity[], id: string): Activity | undefined => acts.filter((a) => a.id === id).at(-1);
const ghTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('GitHub workflow runs as GitHub serves them', () => {
  it('reads every run of a window holding more than 1,000 runs by splitting the created range', async () => {
    const start = ANCHOR.getTime() - 20 * 86_400_000;
    for (let i = 0; i < 1100; i++) {
      gh.world.addRun(REPO, { name: 'CI', event: 'push', conclusion: 'success', head_sha: fakeSha(`bulk${i}`), created_at: ghTime(start + i * 60_000), updated_at: ghTime(start + i * 60_000 + 30_000), actor: 'github-actions[bot]' });
    }
    const { activities } = await sync();
    const runIds = new Set(activities.filter((a) => a.kind === 'workflow-run').map((a) => a.id));
    expect(runIds.size).toBe(gh.world.repo(REPO).runs.length);
    expect(gh.world.repo(REPO).runs.length).toBeGreaterThan(1100);
  });

  it('infers no deleted run at reconciliation when a listing hit the 1,000 cap', async () => {
    const second = ANCHOR.getTime() - 10 * 86_400_000;
    const burst = (n: number, tag: string): void => {
      for (let i = 0; i < n; i++) gh.world.addRun(REPO, { name: 'matrix', event: 'push', conclusion: 'success', head_sha: fakeSha(`${tag}${i}`), created_at: ghTime(second), updated_at: ghTime(second), actor: 'github-actions[bot]' });
    };
    burst(1001, 'a');
    const first = await sync();
    expect(first.outcome.notes.join(' ')).toMatch(/cap/);
    burst(5, 'b'); // pushes five already-listed runs out of the capped listing; none was deleted
    const reconcile = await sync({ cursor: first.outcome.cursor, asOf: later(8 * 24) });
    expect((reconcile.outcome.removedIds ?? []).filter((id) => id.startsWith('github:run:'))).toEqual([]);
  });

  it('reads a run seen in progress again on the next sync and stores its final conclusion', async () => {
    const run = gh.world.addRun(REPO, { name: 'train-model', event: 'workflow_dispatch', status: 'in_progress', conclusion: null, head_sha: fakeSha('train'), created_at: ghTime(ANCHOR.getTime() - HOUR), updated_at: ghTime(ANCHOR.getTime() - HOUR), actor: 'github-actions[bot]' });
    const first = await sync();
    const id = `github:run:${REPO}/${run.id}`;
    expect(lastOf(first.activities, id)?.attrs.conclusion).toBeNull();
    gh.world.completeRun(REPO, run.id, { conclusion: 'failure', at: later(1) });
    const second = await sync({ cursor: first.outcome.cursor, asOf: later(2) });
    expect(lastOf(second.activities, id)?.attrs.conclusion).toBe('failure');
  });

  it('follows a re-run (same id, queued again) until it completes again', async () => {
    const run = gh.world.addRun(REPO, { name: 'CI', event: 'push', status: 'in_progress', conclusion: null, head_sha: fakeSha('rr'), created_at: ghTime(ANCHOR.getTime() - 2 * HOUR), updated_at: ghTime(ANCHOR.getTime() - 2 * HOUR), actor: 'github-actions[bot]' });
    const first = await sync();
    gh.world.completeRun(REPO, run.id, { conclusion: 'failure', at: later(0.5) });
    gh.world.rerunRun(REPO, run.id, later(0.6));
    const second = await sync({ cursor: first.outcome.cursor, asOf: later(1) });
    expect(lastOf(second.activities, `github:run:${REPO}/${run.id}`)?.attrs.conclusion).toBeNull();
    gh.world.completeRun(REPO, run.id, { conclusion: 'success', at: later(1.5) });
    const third = await sync({ cursor: second.outcome.cursor, asOf: later(2) });
    expect(lastOf(third.activities, `github:run:${REPO}/${run.id}`)?.attrs.conclusion).toBe('success');
  });
});

describe('GitHub commits as GitHub serves them', () => {
  it('reads an empty repository (409 on commits) as no commits and keeps the binding', async () => {
    gh.world.addRepo('acme/empty-notebooks', ghTime(ANCHOR.getTime() - 5 * 86_400_000));
    gh.world.teams.get('recsys')?.push('acme/empty-notebooks');
    const { outcome, activities } = await sync();
    expect(outcome.notes.join(' ')).toMatch(/empty/);
    expect(activities.some((a) => a.kind === 'commit' && a.attrs.repo === REPO)).toBe(true);
    expect(gh.world.requestLog.some((r) => r.path === '/repos/acme/empty-notebooks/commits' && r.status === 409)).toBe(true);
  });

  it('reads commits whose account is null or {} and whose git author has no date', async () => {
    const repo = gh.world.repo(REPO);
    const shas = ['00a1', '01b2'].map((p) => `${p}${fakeSha(p).slice(4)}`); // first byte even → null, odd → {}
    for (const [i, sha] of shas.entries()) {
      repo.commits.push({ sha, message: 'bump', author: null, date: ghTime(ANCHOR.getTime() - (i + 1) * HOUR), parents: [] });
    }
    const { activities } = await sync();
    for (const sha of shas) expect(activities.find((a) => a.id === `github:commit:${REPO}@${sha}`)?.actor).toBeNull();
  });
});

describe('GitHub releases as GitHub serves them', () => {
  /** Releases published `hoursAgo` whose commits are dated `createdAt` (GitHub's created_at), enough to fill a page. */
  const manyReleases = (n: number, createdAt: string, hoursAgo: number, tag: string): void => {
    const login = gh.world.repo(REPO).pulls[0]!.user.login;
    for (let i = 0; i < n; i++) {
      const rel = gh.world.addRelease(REPO, { by: login, at: ghTime(ANCHOR.getTime() - hoursAgo * HOUR), tag: `${tag}.${i}` });
      rel.created_at = createdAt;
    }
  };

  it('reads a draft published after the last sync although its id is lower and it lists after releases already seen', async () => {
    const login = gh.world.repo(REPO).pulls[0]!.user.login;
    const draft = gh.world.addRelease(REPO, { by: login, at: ghTime(ANCHOR.getTime() - 30 * HOUR), tag: 'v9.0.0', draft: true });
    draft.created_at = ghTime(ANCHOR.getTime() - 30 * HOUR);
    manyReleases(100, ghTime(ANCHOR.getTime() - 2 * HOUR), 1, 'v9.1');
    const first = await sync();
    expect(first.activities.some((a) => a.id === `github:release:${REPO}/${draft.id}`)).toBe(false);
    gh.world.publishRelease(REPO, draft.id, later(1));
    const second = await sync({ cursor: first.outcome.cursor, asOf: later(2) });
    expect(lastOf(second.activities, `github:release:${REPO}/${draft.id}`)?.at).toBe(new Date(later(1)).toISOString());
  });

  it('reads a release published inside the window whose commit (created_at) predates the window', async () => {
    const beforeWindow = (days: number): string => ghTime(Date.parse(SINCE) - days * 86_400_000);
    gh.world.repo(REPO).releases.length = 0; // only the releases below, in a known listing order
    manyReleases(99, ghTime(ANCHOR.getTime() - 2 * HOUR), 1, 'v7.1');
    manyReleases(1, beforeWindow(10), 24 * 200, 'v0.1'); // published long ago: outside the window
    const login = gh.world.repo(REPO).pulls[0]!.user.login;
    const rel = gh.world.addRelease(REPO, { by: login, at: ghTime(ANCHOR.getTime() - 86_400_000), tag: 'v8.0.0' });
    rel.created_at = beforeWindow(30); // built from a commit older than the window, published inside it
    const { activities } = await sync();
    expect(activities.some((a) => a.id === `github:release:${REPO}/${rel.id}`)).toBe(true);
  });
});

describe('GitHub deployments as GitHub serves them', () => {
  it('takes the latest status by time although GitHub serves statuses in no documented order', async () => {
    const { activities } = await sync();
    const repo = gh.world.repo(REPO);
    const deployments = activities.filter((a) => a.kind === 'deployment');
    expect(deployments.length).toBeGreaterThan(3);
    for (const a of deployments) {
      const id = Number(a.id.split('/').pop());
      const latest = [...(repo.statuses.get(id) ?? [])].sort((x, y) => Date.parse(y.created_at) - Date.parse(x.created_at) || y.id - x.id)[0];
      expect(a.attrs.state).toBe(latest?.state);
    }
  });

  it('reads every status of a deployment with more than 100 (the latest on the second page) before taking the latest', async () => {
    const login = gh.world.repo(REPO).pulls[0]!.user.login;
    const d = gh.world.addDeployment(REPO, { by: login, createdAt: ghTime(ANCHOR.getTime() - 5 * HOUR) });
    for (let i = 0; i < 102; i++) gh.world.addDeploymentStatus(REPO, d.id, { state: 'in_progress', at: ghTime(ANCHOR.getTime() - 4 * HOUR + i * 1000) });
    gh.world.addDeploymentStatus(REPO, d.id, { state: 'success', at: ghTime(ANCHOR.getTime() - 2 * HOUR) });
    expect(gh.world.repo(REPO).statuses.get(d.id)?.length).toBe(104);
    const { activities, outcome } = await sync();
    expect(lastOf(activities, `github:deployment:${REPO}/${d.id}`)?.attrs.state).toBe('success');
    // Finished: nothing left open to re-read.
    const rc = (outcome.cursor as unknown as { repos: Record<string, { openDeployments: Array<{ id: number }> }> }).repos[REPO];
    expect(rc?.openDeployments.map((x) => x.id)).not.toContain(d.id);
  });

  it('treats a deployment tracked as open and since deleted (REST 404, GraphQL null node) as gone, not as a failed binding', async () => {
    const login = gh.world.repo(REPO).pulls[0]!.user.login;
    const d = gh.world.addDeployment(REPO, { by: login, createdAt: ghTime(ANCHOR.getTime() - HOUR) });
    const first = await sync();
    gh.world.addDeploymentStatus(REPO, d.id, { state: 'inactive', at: later(0.5) });
    gh.world.deleteDeployment(REPO, d.id);
    const second = await sync({ cursor: first.outcome.cursor, asOf: later(1) });
    expect(second.outcome.removedIds).toContain(`github:deployment:${REPO}/${d.id}`);
  });

  it('keeps no login of anyone (deployment creators included) in the saved cursor', async () => {
    const login = gh.world.repo(REPO).pulls[0]!.user.login;
    gh.world.addDeployment(REPO, { by: login, createdAt: ghTime(ANCHOR.getTime() - HOUR) }); // stays open → tracked
    const { outcome } = await sync();
    const text = JSON.stringify(outcome.cursor).toLowerCase();
    expect(text).toContain('opendeployments');
    for (const p of gh.world.people.values()) expect(text).not.toContain(p.login.toLowerCase());
  });
});

describe('GitHub transport safety', () => {
  it('refuses a next link to another origin and never sends the token there', async () => {
    const seen: Array<string | undefined> = [];
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    gh.world.linkOrigin = `http://localhost:${(other.address() as AddressInfo).port}`;
    for (let i = 0; i < 120; i++) gh.world.addCommit(REPO, { author: gh.world.repo(REPO).pulls[0]!.user.login, date: ghTime(ANCHOR.getTime() - (i + 1) * 60_000) });
    try {
      await expect(sync()).rejects.toMatchObject({ code: 'UNTRUSTED_URL', reason: expect.stringMatching(/outside the configured API origin/) });
      expect(seen).toEqual([]);
    } finally {
      await new Promise<void>((r) => other.close(() => r()));
    }
  });

  it('reads a 204 No Content answer as an empty listing', async () => {
    const server = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const client = new GithubClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: TEST_TOKEN, tokenEnv: 'RADAR_GITHUB_TOKEN', bindingId: 'b', retries: 0 });
      const res = await client.get('/orgs/acme/copilot/metrics/reports/organization-28-day/latest');
      expect({ status: res.status, data: res.data }).toEqual({ status: 204, data: [] });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refuses a plain-http base URL that is not loopback before any request', async () => {
    const org: OrgConfig = { ...gh.org, sources: { ...gh.org.sources, github: { ...gh.org.sources.github!, baseUrl: 'http://github.internal.example' } } };
    await expect(sync({ org })).rejects.toMatchObject({ code: 'UNTRUSTED_URL', reason: expect.stringMatching(/https:/) });
    expect(gh.world.requestLog).toEqual([]);
  });

  it('follows /repositories/{id}/ next links verbatim on the configured origin', async () => {
    for (let i = 0; i < 120; i++) gh.world.addCommit(REPO, { author: gh.world.repo(REPO).pulls[0]!.user.login, date: ghTime(ANCHOR.getTime() - (i + 1) * 60_000) });
    const { activities } = await sync();
    expect(gh.world.requestLog.some((r) => r.path === `/repositories/${gh.world.repo(REPO).id}/commits`)).toBe(true);
    expect(activities.filter((a) => a.kind === 'commit' && a.attrs.repo === REPO).length).toBeGreaterThan(120);
  });
});

describe('GitHub raw pages keep only what normalise reads', () => {
  it('stores no title, body, commit message, signature payload, head commit or fork repository', async () => {
    const { pages } = await sync();
    const text = JSON.stringify(pages.map((p) => [p.body, p.parent ?? null]));
    for (const key of ['"title"', '"body"', '"message"', '"verification"', '"head_commit"', '"head_repository"', '"head"', '"payload"', '"email"']) {
      expect(text).not.toContain(key);
    }
    for (const p of gh.world.people.values()) for (const who of [p.login, p.name, p.email]) expect(text).not.toContain(who);
    // …while the sandbox did serve them (so this cannot pass vacuously).
    const served = await fetch(`${gh.url}/repos/${REPO}/pulls?state=all&per_page=100`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    const pulls = (await served.json()) as Array<{ body: string; head: { label: string } }>;
    expect(pulls.some((p) => /@/.test(p.body))).toBe(true);
    const logins = new Set([...gh.world.people.keys()]);
    expect(pulls.some((p) => logins.has(p.head.label.split(':')[0] ?? ''))).toBe(true);
  });
});
