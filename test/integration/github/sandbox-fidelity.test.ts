import { Octokit, RequestError } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGithubSandbox, generateGithubWorld } from '../../../shared/sandbox/github/index.js';
import { FaultRegistry } from '../../../shared/sandbox/faults.js';
import { ANCHOR, TEST_TOKEN, demoOrgConfig, startGithubSandbox } from './github-sandbox.js';
import type { RunningGithub } from './github-sandbox.js';

let gh: RunningGithub;
let octokit: Octokit;

beforeAll(async () => {
  gh = await startGithubSandbox();
  octokit = new Octokit({ auth: TEST_TOKEN, baseUrl: gh.url });
});
afterAll(async () => {
  await gh.close();
});

async function rawGet(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gh.url}${path}`, { headers: { authorization: `Bearer ${TEST_TOKEN}`, ...headers } });
}

describe('GitHub sandbox fidelity (octokit paginate with default options)', () => {
  it('serves exactly the pull requests the generator made, across Link-paginated pages', async () => {
    const pulls = await octokit.paginate(octokit.rest.pulls.list, { owner: 'acme', repo: 'recsys', state: 'all' });
    const made = gh.world.repo('acme/recsys').pulls;
    expect(made.length).toBeGreaterThan(30);
    expect(pulls.map((p) => p.number).sort((a, b) => a - b)).toEqual(made.map((p) => p.number).sort((a, b) => a - b));
    const one = pulls.find((p) => p.number === made[0]?.number);
    expect(one?.user?.login).toBe(made[0]?.user.login);
    expect(one?.created_at).toBe(made[0]?.created_at);
    expect(one?.merged_at).toBe(made[0]?.merged_at);
  });

  it('serves exactly the commits and deployments the generator made', async () => {
    const commits = await octokit.paginate(octokit.rest.repos.listCommits, { owner: 'acme', repo: 'recsys' });
    expect(commits.map((c) => c.sha).sort()).toEqual(gh.world.repo('acme/recsys').commits.map((c) => c.sha).sort());
    const deployments = await octokit.paginate(octokit.rest.repos.listDeployments, { owner: 'acme', repo: 'recsys' });
    expect(deployments.map((d) => d.id).sort()).toEqual(gh.world.repo('acme/recsys').deployments.map((d) => d.id).sort());
  });

  it('serves workflow runs as {total_count, workflow_runs} and honours the created filter', async () => {
    const runs = await octokit.paginate(octokit.rest.actions.listWorkflowRunsForRepo, { owner: 'acme', repo: 'recsys' });
    expect(runs.length).toBe(gh.world.repo('acme/recsys').runs.length);
    const recent = await octokit.rest.actions.listWorkflowRunsForRepo({ owner: 'acme', repo: 'recsys', created: '>=2026-11-01', per_page: 100 });
    const expected = gh.world.repo('acme/recsys').runs.filter((r) => r.created_at >= '2026-11-01').length;
    expect(recent.data.total_count).toBe(expected);
    expect(recent.data.workflow_runs.every((r) => r.created_at >= '2026-11-01')).toBe(true);
  });

  it('omits next and last links on the last page and first and prev on the first page', async () => {
    const first = await rawGet('/repos/acme/recsys/pulls?state=all&per_page=20');
    expect(first.headers.get('link')).toMatch(/rel="next"/);
    expect(first.headers.get('link')).not.toMatch(/rel="(first|prev)"/);
    const lastUrl = /<([^>]+)>; rel="last"/.exec(first.headers.get('link') ?? '')?.[1] as string;
    const last = await fetch(lastUrl, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(last.headers.get('link')).not.toMatch(/rel="(next|last)"/);
    expect(last.headers.get('link')).toMatch(/rel="prev"/);
  });

  it('answers If-None-Match with a bodiless 304 that costs no budget', async () => {
    const first = await rawGet('/repos/acme/recsys');
    const etag = first.headers.get('etag') as string;
    const remaining = first.headers.get('x-ratelimit-remaining');
    const again = await rawGet('/repos/acme/recsys', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('x-ratelimit-remaining')).toBe(remaining);
  });

  it('answers unknown repos with GitHub\'s 404 body and bad tokens with 401 Bad credentials', async () => {
    const missing = await rawGet('/repos/acme/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: 'Not Found', status: '404' });
    const bad = await fetch(`${gh.url}/repos/acme/recsys`, { headers: { authorization: 'Bearer wrong' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ message: 'Bad credentials', status: '401' });
  });

  it('returns 403 with remaining 0 once the primary budget is exhausted, and 304s still pass', async () => {
    const saved = gh.world.rateBudget;
    try {
      gh.world.exhaustBudget(600);
      const res = await rawGet('/repos/acme/recsys/pulls');
      expect(res.status).toBe(403);
      expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(((await res.json()) as { message: string }).message).toMatch(/rate limit exceeded/i);
    } finally {
      gh.world.rateBudget = saved;
    }
  });

  it('injects a secondary rate limit as 403 with retry-after and GitHub\'s message', async () => {
    gh.faults.add({ api: 'github', path: '/releases', fault: { kind: 'rate-limit', secondary: true, retryAfterSeconds: 3 }, times: 1 });
    const res = await rawGet('/repos/acme/recsys/releases');
    expect(res.status).toBe(403);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(((await res.json()) as { message: string }).message).toMatch(/secondary rate limit/);
  });

  it('points the next link back at the same page under the repeat-cursor fault', async () => {
    gh.faults.add({ api: 'github', path: '/commits', fault: { kind: 'repeat-cursor' }, times: 1 });
    const res = await rawGet('/repos/acme/recsys/commits?per_page=5&page=2');
    expect(/<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1]).toMatch(/[?&]page=2(&|$)/);
  });

  it('rejects octokit requests without the token as RequestError 401', async () => {
    const anon = new Octokit({ baseUrl: gh.url, retry: { enabled: false } });
    await expect(anon.rest.repos.get({ owner: 'acme', repo: 'recsys' })).rejects.toBeInstanceOf(RequestError);
    const saw = gh.world.requestLog.at(-1);
    expect(saw).toMatchObject({ hasAuthorization: false, status: 401 });
  });

  it('lists a team\'s repos under its slug', async () => {
    const repos = await octokit.paginate(octokit.rest.teams.listReposInOrg, { org: 'acme', team_slug: 'recsys' });
    expect(repos.map((r) => r.full_name)).toEqual(['acme/recsys']);
  });
});

describe('GitHub demo generator', () => {
  it('makes the same world from the same seed and anchor', async () => {
    const org = await demoOrgConfig();
    const a = generateGithubWorld(org, ANCHOR, 6, 11);
    const b = generateGithubWorld(org, ANCHOR, 6, 11);
    const dump = (w: typeof a): string => JSON.stringify([...w.repos.values()].map((r) => [r.pulls, [...r.reviews], r.commits, r.deployments, r.runs]));
    expect(dump(a)).toBe(dump(b));
  });

  it('has reviewers from other pods on pod repos (cross-pod collaboration)', async () => {
    const w = generateGithubWorld(await demoOrgConfig(), ANCHOR, 26);
    const repo = w.repo('acme/recsys');
    const cross = [...repo.reviews.entries()].flatMap(([n, rs]) => rs.filter((r) => {
      const author = repo.pulls.find((p) => p.number === n)?.user.login as string;
      return w.people.get(r.user.login)?.homePod !== w.people.get(author)?.homePod;
    }));
    expect(cross.length).toBeGreaterThan(5);
  });

  it('gives shared toolkits pull requests from several pods', async () => {
    const w = generateGithubWorld(await demoOrgConfig(), ANCHOR, 26);
    const pods = new Set(w.repo('acme/mlops-toolkit').pulls.map((p) => w.people.get(p.user.login)?.homePod));
    expect(pods.size).toBeGreaterThan(2);
  });

  it('keeps the AI product design lab silent in the first half of the history', async () => {
    const weeks = 52;
    const w = generateGithubWorld(await demoOrgConfig(), ANCHOR, weeks);
    const halfway = ANCHOR.getTime() - (weeks / 2) * 7 * 86_400_000;
    const repo = w.repo('acme/ai-product-design-lab');
    expect(repo.pulls.length).toBeGreaterThan(0);
    expect(repo.pulls.every((p) => Date.parse(p.created_at) >= halfway)).toBe(true);
    expect(repo.deployments.every((d) => Date.parse(d.created_at) >= halfway)).toBe(true);
  });

  it('makes an improving pod review and merge faster at the end than at the start', async () => {
    const weeks = 52;
    const w = generateGithubWorld(await demoOrgConfig(), ANCHOR, weeks);
    const repo = w.repo('acme/recsys');
    const cut = ANCHOR.getTime() - (weeks / 2) * 7 * 86_400_000;
    const lead = (early: boolean): number => {
      const hrs = repo.pulls
        .filter((p) => p.merged_at && (Date.parse(p.created_at) < cut) === early)
        .map((p) => (Date.parse(p.merged_at as string) - Date.parse(p.created_at)) / 3.6e6);
      return hrs.reduce((a, b) => a + b, 0) / hrs.length;
    };
    expect(lead(false)).toBeLessThan(lead(true));
    const deploysEarly = repo.deployments.filter((d) => Date.parse(d.created_at) < cut).length;
    expect(repo.deployments.length - deploysEarly).toBeGreaterThan(deploysEarly);
  });

  it('refuses to build without the token named by the org config', async () => {
    const org = await demoOrgConfig();
    expect(() => buildGithubSandbox({ org, anchor: ANCHOR, faults: new FaultRegistry(), credentials: {} })).toThrow(/RADAR_GITHUB_TOKEN/);
  });
});
