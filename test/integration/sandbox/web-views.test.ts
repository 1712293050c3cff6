import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxes } from '../../../shared/sandbox/index.js';
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
});
