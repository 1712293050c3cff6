import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startSandboxes } from '../../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../../shared/sandbox/index.js';
import type { JiraWorld } from '../../../shared/sandbox/jira/world.js';
import type { MlflowWorld } from '../../../shared/sandbox/mlflow/world.js';

// The sandboxes' web views: the demo's evidence links (built by the normalisers from each binding's base URL, at
// the vendor web UI's path shapes) must open a page that names the item, with no credentials.

let sb: RunningSandboxes;
beforeAll(async () => {
  sb = await startSandboxes({ port: 0, host: '127.0.0.1', anchor: new Date('2026-11-23T00:00:00.000Z') });
});
afterAll(async () => {
  await sb?.close();
});

async function page(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

describe('sandbox web views', () => {
  it('leaves API paths to the API: /repositories/{id}/deployments next pages answer JSON, not a web page', async () => {
    const auth = { authorization: `Bearer ${DEMO_CREDENTIALS.RADAR_GITHUB_TOKEN ?? ''}`, accept: 'application/vnd.github+json' };
    const repo = (await (await fetch(`${sb.urls.github}/repos/acme/recsys`, { headers: auth })).json()) as { id: number };
    for (const path of [`/repositories/${repo.id}/deployments?per_page=1&page=2`, `/repositories/${repo.id}/deployments`]) {
      const res = await fetch(`${sb.urls.github}${path}`, { headers: auth });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/application\/json/);
      expect(Array.isArray(await res.json()), path).toBe(true);
    }
    // Without the token the API answers 401 (it is not a web page that leaks the list).
    expect((await fetch(`${sb.urls.github}/repositories/${repo.id}/deployments`)).status).toBe(401);
  });

  it('opens a Jira issue at /browse/KEY without auth and names the issue', async () => {
    const world = sb.worlds.jira as JiraWorld;
    const issue = [...world.issues.values()][5];
    expect(issue).toBeDefined();
    const r = await page(`${sb.urls.jira}/browse/${issue?.key}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain(`<h1>${issue?.key}:`);
    expect(r.body).not.toMatch(/assignee|reporter/i);
  });

  it('still answers 401 on the Jira REST API without credentials', async () => {
    expect((await fetch(`${sb.urls.jira}/rest/api/3/search/jql?jql=`)).status).toBe(401);
  });

  it('answers 404 naming the key for a Jira issue that does not exist', async () => {
    const r = await page(`${sb.urls.jira}/browse/NOPE-999999`);
    expect(r.status).toBe(404);
    expect(r.body).toContain('Not found: issue NOPE-999999');
  });

  it('serves MLflow’s hash-routed UI root and the run and model version pages it loads, without auth', async () => {
    const world = sb.worlds.mlflow as MlflowWorld;
    const root = await page(`${sb.urls.mlflow}/`);
    expect(root.status).toBe(200);
    expect(root.body).toContain('sandbox-web');
    const run = world.runs[3];
    const r = await page(`${sb.urls.mlflow}/sandbox-web/experiments/${run?.info.experiment_id}/runs/${run?.info.run_id}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain(run?.info.run_id);
    const v = world.versions[0];
    const m = await page(`${sb.urls.mlflow}/sandbox-web/models/${encodeURIComponent(v?.name ?? '')}/versions/${v?.version}`);
    expect(m.status).toBe(200);
    expect(m.body).toContain(`${v?.name} version ${v?.version}`);
    expect((await fetch(`${sb.urls.mlflow}/api/2.0/mlflow/experiments/search`)).status).toBe(401);
  });

  it('opens GitHub pull requests, workflow runs and per-environment deployments at github.com path shapes without a token', async () => {
    const repo = [...sb.worlds.github.repos.values()].find((r) => r.pulls.length > 0 && r.runs.length > 0 && r.deployments.length > 0);
    expect(repo).toBeDefined();
    const pr = repo?.pulls[0];
    const p = await page(`${sb.urls.github}/${repo?.fullName}/pull/${pr?.number}`);
    expect(p.status).toBe(200);
    expect(p.body).toContain(`Pull request ${repo?.fullName}#${pr?.number}`);
    const run = repo?.runs[0];
    const w = await page(`${sb.urls.github}/${repo?.fullName}/actions/runs/${run?.id}`);
    expect(w.status).toBe(200);
    expect(w.body).toContain(`#${run?.id}`);
    const env = repo?.deployments[0]?.environment as string;
    const d = await page(`${sb.urls.github}/${repo?.fullName}/deployments/${env}`);
    expect(d.status).toBe(200);
    expect(d.body).toContain(`Deployments of ${repo?.fullName} to ${env}`);
    expect((await fetch(`${sb.urls.github}/repos/${repo?.fullName}/pulls`)).status).toBe(401);
  });

  it('opens every html_url and GraphQL url the GitHub sandbox serves for acme/recsys at its own origin, each page naming the item', async () => {
    const auth = { authorization: `Bearer ${DEMO_CREDENTIALS.RADAR_GITHUB_TOKEN as string}` };
    const api = async (path: string): Promise<unknown> => {
      const res = await fetch(`${sb.urls.github}${path}`, { headers: auth });
      expect(res.status, path).toBe(200);
      return res.json();
    };
    type Item = { html_url: string };
    const pulls = (await api('/repos/acme/recsys/pulls?state=all&per_page=5')) as Array<Item & { number: number }>;
    const commits = (await api('/repos/acme/recsys/commits?per_page=5')) as Array<Item & { sha: string }>;
    const runs = ((await api('/repos/acme/recsys/actions/runs?per_page=5')) as { workflow_runs: Array<Item & { id: number }> }).workflow_runs;
    const releases = (await api('/repos/acme/recsys/releases?per_page=5')) as Array<Item & { tag_name: string }>;
    const gql = await fetch(`${sb.urls.github}/graphql`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query { repository(owner: "acme", name: "recsys") { url pullRequests(first: 3) { nodes { number url } } } }' }),
    });
    const gqlPulls = ((await gql.json()) as { data: { repository: { pullRequests: { nodes: Array<{ number: number; url: string }> } } } }).data.repository.pullRequests.nodes;
    const expected: Array<[string, string]> = [
      ...pulls.map((p): [string, string] => [p.html_url, `Pull request acme/recsys#${p.number}`]),
      ...gqlPulls.map((p): [string, string] => [p.url, `Pull request acme/recsys#${p.number}`]),
      ...commits.map((c): [string, string] => [c.html_url, `Commit acme/recsys@${c.sha.slice(0, 7)}`]),
      ...runs.map((r): [string, string] => [r.html_url, `#${r.id} in acme/recsys`]),
      ...releases.map((r): [string, string] => [r.html_url, `Release ${r.tag_name} of acme/recsys`]),
    ];
    expect(pulls.length * commits.length * runs.length * releases.length * gqlPulls.length).toBeGreaterThan(0);
    for (const [url, name] of expected) {
      expect(new URL(url).origin, url).toBe(sb.urls.github);
      const r = await page(url);
      expect(r.status, url).toBe(200);
      expect(r.body, url).toContain(name);
    }
  });

  it('opens the Copilot usage dashboard of a team and day without a token, and answers 404 for an unknown team', async () => {
    const copilot = sb.worlds.copilot;
    expect(copilot).toBeDefined();
    const day = '2026-11-14';
    const r = await page(`${sb.urls.github}/orgs/${copilot?.org}/insights/copilot-usage?team=recsys&day=${day}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain(`<h1>Copilot usage of ${copilot?.org}/recsys on ${day}</h1>`);
    expect((await page(`${sb.urls.github}/orgs/${copilot?.org}/insights/copilot-usage?team=no-such-team&day=${day}`)).status).toBe(404);
    expect((await fetch(`${sb.urls.github}/orgs/${copilot?.org}/copilot/metrics/reports/users-1-day?day=${day}`)).status).toBe(401);
  });
});
