import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUnits } from '../../shared/org/index.js';
import type { OrgConfig } from '../../shared/org/index.js';
import { runScheduled } from '../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../shared/sandbox/index.js';
import { reliabilityDeps, subsetOrg } from '../helpers/fault-kit.js';
import { apiTexts, findLeaks, storedTexts } from '../helpers/fault-scan.js';
import { startLocalStores } from '../helpers/local-servers.js';
import type { LocalStores } from '../helpers/local-servers.js';
import {
  capturingLogger,
  harvestCopilotPeople,
  harvestGithubPeople,
  harvestJiraPeople,
  harvestMlflowPeople,
  harvestServedPeople,
  recordingFetch,
  type ServedBody,
} from '../helpers/served-people.js';

// Privacy against what the sandboxes really serve: every response the pipeline received is recorded, the people
// in it are harvested field by field (Jira account ids, display names, user-field changelog items, history
// metadata, emails in free text; MLflow user ids, the mlflow.user tag, emails in artifact locations, notebook paths
// and notes; Copilot logins; GitHub logins in every user object over REST and GraphQL, git names and emails in
// commits, runs' head commits and push events, commit signature payloads, Signed-off-by trailers, emails in pull
// request bodies, fork owners in head.label / head.repo), the sandboxes are also asked for every field they can serve, and then every stored
// byte (DynamoDB items, S3 objects gzip opened), every API response and every log line is searched for each of
// them. The test first proves the sandboxes served people in each of those fields, so it cannot pass vacuously.

const HARVESTERS = [harvestJiraPeople, harvestMlflowPeople, harvestCopilotPeople, harvestGithubPeople];
/** GitHub fields the sandbox must serve people in (REST as listed, plus GraphQL answers to the connector). */
const GITHUB_FIELDS = [
  'github user.login', 'github author.login', 'github committer.login', 'github creator.login', 'github actor.login',
  'github triggering_actor.login', 'github owner.login', 'github actor.display_login',
  'github graphql author.login', 'github graphql creator.login',
  'github commit.author.name', 'github commit.author.email', 'github commit.committer.name', 'github commit.committer.email',
  'github head_commit.author.name', 'github head_commit.author.email', 'github head_commit.committer.name', 'github head_commit.committer.email',
  'github payload.commits[].author.name', 'github payload.commits[].author.email',
  'github verification.payload author.name', 'github verification.payload author.email',
  'github verification.payload committer.name', 'github verification.payload committer.email',
  'github Signed-off-by.name', 'github Signed-off-by.email', 'github pull body email', 'github email (any field)',
  'github head.label fork owner', 'github head.repo.full_name fork owner', 'github head_repository fork owner',
];
/** Of those, the ones served to the connector itself (REST commits and runs, GraphQL pulls/reviews/deployments). */
const GITHUB_CONNECTOR_FIELDS = [
  'github graphql author.login', 'github graphql creator.login', 'github actor.login', 'github verification.payload author.email',
  'github Signed-off-by.email', 'github head_commit.author.email', 'github commit.author.name', 'github head_repository fork owner',
];

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');

let sandboxes: RunningSandboxes;
let local: LocalStores;
let org: OrgConfig;

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR, weeks: 8 });
  local = await startLocalStores();
  org = subsetOrg(await loadDemoOrg(), sandboxes.urls, { copilot: true });
});

afterAll(async () => {
  await local?.close();
  await sandboxes?.close();
});

/** Asks the GitHub sandbox for the REST listings the connector reads through GraphQL or only probes (pulls, reviews, deployments, statuses, events). */
async function probeGithub(get: (url: string, init: RequestInit) => Promise<string>): Promise<void> {
  const headers = { authorization: `token ${DEMO_CREDENTIALS.RADAR_GITHUB_TOKEN ?? ''}`, accept: 'application/vnd.github+json' };
  const base = sandboxes.urls.github;
  const repos = JSON.parse(await get(`${base}/orgs/acme/repos?per_page=100`, { headers })) as { full_name: string }[];
  for (const { full_name: repo } of repos.slice(0, 4)) {
    const pulls = JSON.parse(await get(`${base}/repos/${repo}/pulls?state=all&per_page=100`, { headers })) as { number: number }[];
    for (const { number } of pulls.slice(0, 3)) await get(`${base}/repos/${repo}/pulls/${number}/reviews`, { headers });
    const deployments = JSON.parse(await get(`${base}/repos/${repo}/deployments?per_page=100`, { headers })) as { id: number }[];
    for (const { id } of deployments.slice(0, 3)) await get(`${base}/repos/${repo}/deployments/${id}/statuses`, { headers });
    for (const listing of ['commits', 'actions/runs', 'events', 'releases']) await get(`${base}/repos/${repo}/${listing}?per_page=100`, { headers });
  }
}

/** Asks the Jira and MLflow sandboxes for everything they serve (all fields, every tag), as another client would. */
async function probeEverything(): Promise<ServedBody[]> {
  const jiraAuth = `Basic ${Buffer.from(`${DEMO_CREDENTIALS.RADAR_JIRA_EMAIL}:${DEMO_CREDENTIALS.RADAR_JIRA_TOKEN}`).toString('base64')}`;
  const out: ServedBody[] = [];
  const get = async (url: string, init: RequestInit): Promise<string> => {
    const res = await fetch(url, init);
    const text = await res.text();
    out.push({ url, text });
    return text;
  };
  for (const project of ['RECO', 'CHURN']) {
    const jql = encodeURIComponent(`project = ${project}`);
    await get(`${sandboxes.urls.jira}/rest/api/3/search/jql?jql=${jql}&fields=*navigable&expand=changelog&maxResults=100`, { headers: { authorization: jiraAuth } });
  }
  const mlAuth: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${DEMO_CREDENTIALS.RADAR_MLFLOW_USERNAME ?? ''}:${DEMO_CREDENTIALS.RADAR_MLFLOW_PASSWORD ?? ''}`).toString('base64')}`,
  };
  await get(`${sandboxes.urls.mlflow}/api/2.0/mlflow/experiments/get-by-name?experiment_name=recsys`, { headers: mlAuth });
  await get(`${sandboxes.urls.mlflow}/api/2.0/mlflow/runs/search`, {
    method: 'POST', headers: { ...mlAuth, 'content-type': 'application/json' }, body: JSON.stringify({ experiment_ids: ['1', '2'], max_results: 1000 }),
  });
  await probeGithub(get);
  return out;
}

describe('privacy of what the Jira, MLflow, GitHub and Copilot sandboxes serve', () => {
  it('stores, logs and serves none of the people the Jira, MLflow, GitHub and Copilot sandboxes served in any field', async () => {
    const env = { ...DEMO_CREDENTIALS };
    const recorder = recordingFetch();
    const { logger, lines } = capturingLogger();
    await runScheduled(reliabilityDeps(org, local.stores, env, { fetch: recorder.fetch, logger }), { asOf: '2026-11-23T00:00:00.000Z' });
    await runScheduled(reliabilityDeps(org, local.stores, env, { fetch: recorder.fetch, logger }), { asOf: '2026-11-30T00:00:00.000Z' });

    const served = [...recorder.served, ...(await probeEverything())];
    const people = harvestServedPeople(served, HARVESTERS);
    const fields = new Set([...people.values()].flatMap((s) => [...s]));
    const github = harvestServedPeople(served, [harvestGithubPeople]);
    const githubFields = new Set([...github.values()].flatMap((s) => [...s]));
    console.log(`privacy-served: GitHub ${github.size} person identifiers in ${githubFields.size} kinds of field: ${[...githubFields].sort().join(', ')}`);
    // Non-vacuous: the sandboxes served people in every field real payloads carry them in.
    for (const field of [
      'jira accountId', 'jira displayName', 'jira email (any field)', 'jira changelog tmp*AccountId', 'jira changelog user item from/to',
      'jira changelog user item display name', 'jira historyMetadata accountId',
      'mlflow user_id', 'mlflow tag mlflow.user', 'mlflow artifact_uri email', 'mlflow artifact_location email', 'mlflow source email',
      'mlflow free-text note email', 'copilot user_login',
      ...GITHUB_FIELDS,
    ]) {
      expect(fields.has(field), field).toBe(true);
    }
    // And the connectors were served the user-field changelog items themselves, not only the probe.
    const toConnector = harvestServedPeople(recorder.served, HARVESTERS);
    const connectorFields = new Set([...toConnector.values()].flatMap((s) => [...s]));
    for (const field of ['jira changelog tmp*AccountId', 'jira historyMetadata accountId', 'mlflow tag mlflow.user', 'mlflow artifact_uri email', 'copilot user_login', ...GITHUB_CONNECTOR_FIELDS]) {
      expect(connectorFields.has(field), `served to the connector: ${field}`).toBe(true);
    }
    console.log(`privacy-served: ${people.size} person identifiers served in ${fields.size} kinds of field`);

    const stored = await storedTexts(local.stores, { table: local.env.RADAR_TABLE, bucket: local.env.RADAR_BUCKET });
    const api = await apiTexts(local.stores, listUnits(org).map((u) => u.ref));
    expect(stored.some((s) => s.where.startsWith('s3 raw/jira'))).toBe(true);
    expect(stored.some((s) => s.where.startsWith('s3 raw/mlflow'))).toBe(true);
    expect(stored.some((s) => s.where.startsWith('s3 raw/github'))).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
    const leaks = findLeaks([...stored, ...api, ...lines], [...people.keys()]);
    expect(leaks.slice(0, 20)).toEqual([]);
  });
});
