import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBindings } from '../../shared/org/index.js';
import type { Cursor } from '../../shared/sources/contract.js';
import { createGithubSource } from '../../shared/sources/github/index.js';
import { fakeSha } from '../../shared/sandbox/github/index.js';
import { ANCHOR, TEST_TOKEN, startGithubSandbox } from '../integration/github/github-sandbox.js';
import type { RunningGithub } from '../integration/github/github-sandbox.js';
import { operationId, validateResponse } from './github-openapi.js';

// Every GitHub REST response the connector reads, as the sandbox serves it, against the response schema of its
// operation in GitHub's OpenAPI description (@octokit/openapi 23, api.github.com.json; ajv 8 + ajv-formats). The
// syncs below take every path the connector has: full and incremental passes, Link pages in the
// `/repositories/{id}/` form, an empty repository (409), runs re-read one by one, open deployments re-read, commits
// without an account, draft releases.

interface Exchange {
  path: string;
  status: number;
  body: unknown;
}

const HOUR = 3_600_000;
const REPO = 'acme/recsys';
const ghTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
let gh: RunningGithub;
const exchanges: Exchange[] = [];

beforeAll(async () => {
  gh = await startGithubSandbox({ weeks: 8 });
  const w = gh.world;
  const login = w.repo(REPO).pulls[0]!.user.login;
  w.addRepo('acme/empty-notebooks', ghTime(ANCHOR.getTime() - 5 * 86_400_000));
  w.teams.get('recsys')?.push('acme/empty-notebooks');
  for (let i = 0; i < 120; i++) w.addCommit(REPO, { author: login, date: ghTime(ANCHOR.getTime() - (i + 1) * 60_000) });
  for (const p of ['00a1', '01b2']) w.repo(REPO).commits.push({ sha: `${p}${fakeSha(p).slice(4)}`, message: 'bump', author: null, date: ghTime(ANCHOR.getTime() - 3 * HOUR), parents: [] });
  const run = w.addRun(REPO, { name: 'train-model', event: 'pull_request', status: 'in_progress', conclusion: null, head_sha: fakeSha('t'), created_at: ghTime(ANCHOR.getTime() - HOUR), updated_at: ghTime(ANCHOR.getTime() - HOUR), actor: login, fromFork: true });
  const d = w.addDeployment(REPO, { by: login, createdAt: ghTime(ANCHOR.getTime() - HOUR) });
  w.addRelease(REPO, { by: login, at: ghTime(ANCHOR.getTime() - 2 * HOUR), tag: 'v9.9.9', draft: true });

  const source = createGithubSource({ maxWaitSeconds: 5, retryBaseMs: 10 });
  const binding = listBindings(gh.org).find((b) => b.id === 'pod:recsys/github')!;
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const text = await res.clone().text();
    const url = new URL(input instanceof Request ? input.url : String(input));
    exchanges.push({ path: url.pathname, status: res.status, body: text === '' ? null : JSON.parse(text) });
    return res;
  };
  const run1 = async (cursor: Cursor | null, asOf: string): Promise<Cursor> => (await source.collect({
    binding, org: gh.org, credentials: { RADAR_GITHUB_TOKEN: TEST_TOKEN }, cursor, asOf, since: new Date(ANCHOR.getTime() - 120 * 86_400_000).toISOString(),
    fetch: recording, onPage: async () => undefined,
  })).cursor;
  const first = await run1(null, ANCHOR.toISOString());
  w.completeRun(REPO, run.id, { conclusion: 'success', at: ghTime(ANCHOR.getTime() + HOUR) });
  w.addDeploymentStatus(REPO, d.id, { state: 'success', at: ghTime(ANCHOR.getTime() + HOUR) });
  w.addPull(REPO, { author: login, createdAt: ghTime(ANCHOR.getTime() + HOUR), fromFork: true });
  await run1(first, new Date(ANCHOR.getTime() + 2 * HOUR).toISOString());
}, 60_000);

afterAll(async () => {
  await gh.close();
});

describe('GitHub REST conformance: the sandbox against GitHub\'s OpenAPI description', () => {
  it('exercises every REST operation the connector reads', () => {
    // Pull requests with reviews, deployments with statuses and the change probe go through GraphQL (github-graphql.test.ts).
    const ops = new Set(exchanges.filter((e) => e.path !== '/graphql').map((e) => operationId(e.path)));
    expect([...ops].sort()).toEqual([
      'actions/get-workflow-run', 'actions/list-workflow-runs-for-repo',
      'repos/list-commits', 'repos/list-releases', 'teams/list-repos-in-org',
    ].sort());
    expect(exchanges.some((e) => e.path.startsWith('/repositories/'))).toBe(true);
    expect(exchanges.some((e) => e.status === 409)).toBe(true);
  });

  it('serves every response the connector reads exactly as its operation\'s response schema says', () => {
    const failures: string[] = [];
    for (const e of exchanges) {
      if (e.status === 304 || e.path === '/graphql') continue; // no body; GraphQL is held to its schema elsewhere
      const errors = validateResponse(e.path, e.status, e.body);
      if (errors === 'no-operation' || errors === 'no-schema') failures.push(`${e.status} ${e.path}: ${errors}`);
      else if (errors.length) failures.push(`${e.status} ${e.path}: ${errors.slice(0, 3).map((x) => `${x.instancePath} ${x.message}`).join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(exchanges.length).toBeGreaterThan(15);
  });

  it('fails conformance when one field of a served workflow run is renamed (conclusion → result)', () => {
    const runs = exchanges.find((e) => e.status === 200 && operationId(e.path) === 'actions/list-workflow-runs-for-repo'
      && ((e.body as { workflow_runs?: unknown[] }).workflow_runs?.length ?? 0) > 0);
    expect(runs).toBeDefined();
    const broken = structuredClone(runs!.body) as { workflow_runs: Array<Record<string, unknown>> };
    const first = broken.workflow_runs[0]!;
    first.result = first.conclusion;
    delete first.conclusion;
    const errors = validateResponse(runs!.path, 200, broken);
    expect(Array.isArray(errors) && errors.some((x) => x.message === "must have required property 'conclusion'")).toBe(true);
    expect(validateResponse(runs!.path, 200, runs!.body)).toEqual([]);
  });
});
