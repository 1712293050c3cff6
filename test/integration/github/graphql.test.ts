import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { actorHasher } from '../../../shared/kernel/index.js';
import { listBindings } from '../../../shared/org/index.js';
import { keepAllowed } from '../../../shared/sources/allow-list.js';
import type { Activity, RawPage } from '../../../shared/sources/contract.js';
import { pseudonymiser } from '../../../shared/sources/http/index.js';
import { createGithubSource } from '../../../shared/sources/github/index.js';
import { GITHUB_ALLOW_LISTS } from '../../../shared/sources/github/shapes.js';
import type { GithubStream } from '../../../shared/sources/github/shapes.js';
import { queryCost } from '../../../shared/sandbox/github/graphql.js';
import { ANCHOR, TEST_TOKEN, startGithubSandbox } from './github-sandbox.js';
import type { RunningGithub } from './github-sandbox.js';

const source = createGithubSource({ maxWaitSeconds: 5, retryBaseMs: 10 });
const KEY = 'k';
const REPO = 'acme/recsys';
let gh: RunningGithub;
beforeEach(async () => {
  gh = await startGithubSandbox({ weeks: 8 });
});
afterEach(async () => {
  await gh.close();
});

const binding = (): ReturnType<typeof listBindings>[number] => listBindings(gh.org).find((b) => b.id === 'pod:recsys/github')!;
const strip = (a: Activity): Omit<Activity, 'rawRef'> => {
  const { rawRef: _r, ...rest } = a;
  return rest;
};

async function restGet(path: string): Promise<unknown> {
  const res = await fetch(`${gh.url}${path}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  return res.json();
}

describe('GitHub pull requests, reviews and deployments through GraphQL', () => {
  it('normalises to the same activities (ids, times, actors, urls, attrs) as the REST reads they replace', async () => {
    const b = binding();
    const hashActor = actorHasher('test-key');
    const pseudo = pseudonymiser(KEY);
    const norm = (kind: GithubStream, target: string, body: unknown, parent?: Record<string, unknown>): Activity[] => {
      const allow = GITHUB_ALLOW_LISTS[kind];
      const page: RawPage = {
        source: 'github', bindingId: b.id, stream: `${kind}:${target}`, path: '/x', seq: 0, fetchedAt: ANCHOR.toISOString(), status: 200,
        body: keepAllowed(body, allow.body, pseudo), ...(parent && allow.parent ? { parent: keepAllowed(parent, allow.parent, pseudo) as Record<string, unknown> } : {}),
      };
      return source.normalise(page, { binding: b, rawKey: 'k', hashActor, baseUrl: gh.url });
    };
    // REST, the way the connector read them before: pulls, one reviews listing per PR, one statuses listing per deployment.
    const rest: Activity[] = [];
    const pulls = (await restGet(`/repos/${REPO}/pulls?state=all&per_page=100`)) as Array<{ number: number; user: unknown }>;
    rest.push(...norm('pulls', REPO, pulls));
    for (const pr of pulls) rest.push(...norm('reviews', `${REPO}#${pr.number}`, await restGet(`/repos/${REPO}/pulls/${pr.number}/reviews?per_page=100`), { number: pr.number, user: pr.user }));
    const deployments = (await restGet(`/repos/${REPO}/deployments?per_page=100`)) as Array<Record<string, unknown>>;
    for (const d of deployments) rest.push(...norm('deployment-statuses', `${REPO}/${String(d.id)}`, await restGet(`/repos/${REPO}/deployments/${String(d.id)}/statuses?per_page=100`), d));
    expect(pulls.length).toBeLessThan(100); // one REST page: the comparison covers every pull request

    const viaGraphql: Activity[] = [];
    await source.collect({
      binding: b, org: gh.org, credentials: { RADAR_GITHUB_TOKEN: TEST_TOKEN, RADAR_ACTOR_HASH_KEY: KEY }, cursor: null,
      asOf: ANCHOR.toISOString(), since: new Date(ANCHOR.getTime() - 400 * 86_400_000).toISOString(),
      onPage: async (page) => {
        if (page.stream.endsWith('-graphql:' + REPO)) viaGraphql.push(...source.normalise(page, { binding: b, rawKey: 'k', hashActor, baseUrl: gh.url }));
      },
    });
    const byId = (xs: Activity[]): Map<string, Omit<Activity, 'rawRef'>> => new Map(xs.map((a) => [a.id, strip(a)]));
    const want = byId(rest);
    const got = byId(viaGraphql);
    expect(want.size).toBeGreaterThan(50);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [id, a] of want) expect(got.get(id)).toEqual(a);
  });

  it('reports rateLimit cost by GitHub\'s formula: 100 pull requests with 100 reviews each cost 1 point', async () => {
    const q = (inner: string): string => `query { rateLimit { cost } repository(owner: "acme", name: "recsys") { ${inner} } }`;
    const post = async (query: string): Promise<{ data: { rateLimit: { cost: number } } }> => {
      const res = await fetch(`${gh.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      return res.json() as Promise<{ data: { rateLimit: { cost: number } } }>;
    };
    // 1 + 100 = 101 requests → 1; 1 + 100 + 100×100 = 10,101 → 101; 1 + 50 = 51 → 1 (rounded, never below 1).
    expect((await post(q('pullRequests(first: 100) { nodes { reviews(first: 100) { totalCount } } }'))).data.rateLimit.cost).toBe(1);
    expect((await post(q('pullRequests(first: 100) { nodes { reviews(first: 100) { nodes { comments(first: 100) { totalCount } } } } }'))).data.rateLimit.cost).toBe(101);
    expect(queryCost(parse('query { viewer { repositories(first: 50) { nodes { issues(first: 10) { totalCount } } } } }'), {})).toBe(1);
    expect(gh.world.graphqlBudget.used).toBe(102);
  });

  it('rejects a query GitHub\'s schema rejects, as github.com does', async () => {
    const res = await fetch(`${gh.url}/graphql`, {
      method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query { repository(owner: "acme", name: "recsys") { pullRequests(first: 1) { nodes { mergedAtt } } } }' }),
    });
    const body = (await res.json()) as { errors?: Array<{ message: string }>; data?: unknown };
    expect(body.errors?.[0]?.message).toMatch(/Cannot query field "mergedAtt" on type "PullRequest"/);
    expect(body.data).toBeUndefined();
  });
});
