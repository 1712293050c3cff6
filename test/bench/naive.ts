import { AgileClient, Version3Client } from 'jira.js';
import { Octokit } from 'octokit';
import pLimit from 'p-limit';
import { listBindings, listUnits } from '../../shared/org/index.js';
import type { OrgConfig } from '../../shared/org/index.js';

// The baseline a user would write without the product: each vendor's usual client with its default page sizes.
// GitHub: octokit.paginate (per_page 30) over every listing, reviews per pull request, statuses per deployment.
// Jira: jira.js enhanced search with its default page size (50) asking for the fields the product needs, the
// changelog endpoint for long histories, boards and sprints with defaults. MLflow: plain fetch with default
// max_results (runs/search 1,000; model-versions/search server default). Same bindings, same window, same
// concurrency as the product; every response is read, nothing is stored.

const FIELDS = ['status', 'issuetype', 'labels', 'created', 'updated', 'resolutiondate', 'parent', 'project'];

/** Runs the naive baseline over every binding of the org; returns items read per source. */
export async function runNaiveSync(org: OrgConfig, credentials: Readonly<Record<string, string>>, opts: { since: string; asOf: string }): Promise<Record<string, number>> {
  const items: Record<string, number> = { jira: 0, github: 0, mlflow: 0 };
  // `items.x += await …` would read the total before the await and lose other bindings' counts.
  const add = (source: string, n: number): void => {
    items[source] = (items[source] ?? 0) + n;
  };
  const units = new Map(listUnits(org).map((u) => [u.ref, u]));
  const limit = pLimit(org.settings.maxConcurrency);
  const gh = org.sources.github;
  const jira = org.sources.jira;
  const ml = org.sources.mlflow;
  // One client per source, as a script would have; throttling keeps octokit polite (10 in flight).
  const octokit = gh ? new Octokit({ auth: credentials[gh.auth.tokenEnv], baseUrl: gh.baseUrl, log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } }) : null;
  const jiraAuth = jira ? { basic: { email: credentials[jira.auth.emailEnv] ?? '', apiToken: credentials[jira.auth.tokenEnv] ?? '' } } : null;
  const v3 = jira && jiraAuth ? new Version3Client({ host: jira.baseUrl, authentication: jiraAuth }) : null;
  const agile = jira && jiraAuth ? new AgileClient({ host: jira.baseUrl, authentication: jiraAuth }) : null;
  const mlAuth = ml && ml.auth.kind === 'basic'
    ? `Basic ${Buffer.from(`${credentials[ml.auth.usernameEnv] ?? ''}:${credentials[ml.auth.passwordEnv] ?? ''}`).toString('base64')}`
    : null;

  const github = async (repos: string[], team: string | undefined): Promise<void> => {
    if (!octokit || !gh) return;
    const all = new Set(repos);
    if (team) for (const r of await octokit.paginate(octokit.rest.teams.listReposInOrg, { org: gh.org, team_slug: team })) all.add(r.full_name);
    for (const full of all) {
      const [owner, repo] = full.split('/') as [string, string];
      const pulls = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: 'all' });
      add('github', pulls.length);
      for (const pr of pulls) add('github', (await octokit.paginate(octokit.rest.pulls.listReviews, { owner, repo, pull_number: pr.number })).length);
      add('github', (await octokit.paginate(octokit.rest.repos.listCommits, { owner, repo, since: opts.since, until: opts.asOf })).length);
      add('github', (await octokit.paginate(octokit.rest.actions.listWorkflowRunsForRepo, { owner, repo })).length);
      const deployments = await octokit.paginate(octokit.rest.repos.listDeployments, { owner, repo });
      add('github', deployments.length);
      for (const d of deployments) add('github', (await octokit.paginate(octokit.rest.repos.listDeploymentStatuses, { owner, repo, deployment_id: d.id })).length);
      add('github', (await octokit.paginate(octokit.rest.repos.listReleases, { owner, repo })).length);
    }
  };

  const jql = (projects: string[]) => `project in (${projects.map((p) => `"${p}"`).join(', ')}) AND updated >= "${opts.since.slice(0, 16).replace('T', ' ')}"`;
  const jiraBinding = async (projects: string[]): Promise<void> => {
    if (!v3 || !agile) return;
    let token: string | undefined;
    for (;;) {
      const page = await v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql: jql(projects), fields: FIELDS, expand: 'changelog', ...(token ? { nextPageToken: token } : {}) });
      const issues = page.issues ?? [];
      add('jira', issues.length);
      for (const issue of issues) {
        const cl = issue.changelog;
        if (cl && (cl.total ?? 0) > (cl.histories?.length ?? 0)) {
          // The user follows up with the changelog endpoint (default page size) for the full history.
          let startAt = 0;
          for (;;) {
            const h = await v3.issues.getChangeLogs({ issueIdOrKey: issue.key ?? issue.id ?? '', startAt });
            add('jira', h.values?.length ?? 0);
            if (h.isLast !== false || (h.values?.length ?? 0) === 0) break;
            startAt += h.values?.length ?? 0;
          }
        }
      }
      if (!page.nextPageToken) break;
      token = page.nextPageToken;
    }
    for (const project of projects) {
      let startAt = 0;
      for (;;) {
        const boards = await agile.board.getAllBoards({ projectKeyOrId: project, type: 'scrum', startAt });
        for (const b of boards.values ?? []) {
          let s = 0;
          for (;;) {
            const sprints = await agile.board.getAllSprints({ boardId: b.id ?? 0, startAt: s });
            add('jira', sprints.values?.length ?? 0);
            if (sprints.isLast !== false || (sprints.values?.length ?? 0) === 0) break;
            s += sprints.values?.length ?? 0;
          }
        }
        if (boards.isLast !== false || (boards.values?.length ?? 0) === 0) break;
        startAt += boards.values?.length ?? 0;
      }
    }
  };

  const mlflowJson = async (path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${ml?.baseUrl ?? ''}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...(mlAuth ? { authorization: mlAuth } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`MLflow ${res.status} on ${path.split('?')[0] ?? ''}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const mlflowBinding = async (experiments: string[], models: string[]): Promise<void> => {
    if (!ml) return;
    const ids: string[] = [];
    for (const name of experiments) {
      const e = await mlflowJson(`/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`);
      ids.push((e.experiment as { experiment_id: string }).experiment_id);
    }
    if (ids.length > 0) {
      let token: string | undefined;
      for (;;) {
        const page = await mlflowJson('/api/2.0/mlflow/runs/search', { experiment_ids: ids, filter: `attributes.start_time >= ${Date.parse(opts.since)}`, ...(token ? { page_token: token } : {}) });
        add('mlflow', ((page.runs as unknown[] | undefined)?.length ?? 0));
        token = page.next_page_token as string | undefined;
        if (!token) break;
      }
    }
    for (const model of models) {
      let token: string | undefined;
      for (;;) {
        const q = new URLSearchParams({ filter: `name='${model}'`, ...(token ? { page_token: token } : {}) });
        const page = await mlflowJson(`/api/2.0/mlflow/model-versions/search?${q.toString()}`);
        add('mlflow', ((page.model_versions as unknown[] | undefined)?.length ?? 0));
        token = page.next_page_token as string | undefined;
        if (!token) break;
      }
      await mlflowJson(`/api/2.0/mlflow/registered-models/search?${new URLSearchParams({ filter: `name='${model}'` }).toString()}`);
    }
  };

  await Promise.all(
    listBindings(org).map((b) =>
      limit(async () => {
        const s = units.get(b.unit)?.sources;
        if (b.source === 'github' && s?.github) await github(s.github.repos ?? [], s.github.team);
        else if (b.source === 'jira' && s?.jira?.projects) await jiraBinding(s.jira.projects);
        else if (b.source === 'mlflow' && s?.mlflow) await mlflowBinding(s.mlflow.experiments ?? [], s.mlflow.models ?? []);
      }),
    ),
  );
  return items;
}
