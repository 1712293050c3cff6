import { Version3Client } from 'jira.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, startJiraSandbox, type RunningJira } from './jira-sandbox.js';

// The sandbox must answer the way Jira Cloud does for a real client: jira.js 5.4.0 pages through enhanced
// search and reads exactly the generated issues; removed endpoints and bad JQL get Jira's own bodies.

let jira: RunningJira;
let auth: string;
beforeAll(async () => {
  jira = await startJiraSandbox();
  auth = `Basic ${Buffer.from(`${CREDENTIALS.RADAR_JIRA_EMAIL}:${CREDENTIALS.RADAR_JIRA_TOKEN}`).toString('base64')}`;
});
afterAll(async () => {
  await jira.close();
});

const get = (path: string, headers: Record<string, string> = { authorization: auth }): Promise<Response> => fetch(`${jira.url}${path}`, { headers });

describe('Jira sandbox fidelity', () => {
  it('lets jira.js 5.4.0 read exactly the generated issues across pages of enhanced search', async () => {
    const client = new Version3Client({ host: jira.url, authentication: { basic: { email: CREDENTIALS.RADAR_JIRA_EMAIL, apiToken: CREDENTIALS.RADAR_JIRA_TOKEN } } });
    const keys: string[] = [];
    let nextPageToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
        jql: 'project = RECO ORDER BY key ASC',
        fields: ['labels', 'status', 'issuetype'],
        maxResults: 40,
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      pages++;
      for (const issue of page.issues ?? []) {
        keys.push(issue.key as string);
        expect(['new', 'indeterminate', 'done']).toContain(issue.fields.status?.statusCategory?.key);
      }
      nextPageToken = page.nextPageToken;
      expect(page).not.toHaveProperty('total');
    } while (nextPageToken);
    const expected = [...jira.world.issues.values()].filter((i) => i.projectKey === 'RECO').map((i) => i.key);
    expect(keys).toEqual(expected.sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1])));
    expect(pages).toBe(Math.ceil(expected.length / 40));
  });

  it('lets jira.js POST enhanced search with the same results as GET', async () => {
    const client = new Version3Client({ host: jira.url, authentication: { basic: { email: CREDENTIALS.RADAR_JIRA_EMAIL, apiToken: CREDENTIALS.RADAR_JIRA_TOKEN } } });
    const page = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: 'project = CEDOM AND labels = objective', fields: ['labels'], maxResults: 100 });
    const expected = [...jira.world.issues.values()].filter((i) => i.projectKey === 'CEDOM' && i.labels.includes('objective')).map((i) => i.id);
    expect((page.issues ?? []).map((i) => i.id).sort()).toEqual(expected.sort());
  });

  it('returns only issue ids when no fields are asked for, and no total or startAt', async () => {
    const body = (await (await get('/rest/api/3/search/jql?jql=project%3DRECO&maxResults=3')).json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['isLast', 'issues', 'nextPageToken']);
    expect((body.issues as object[]).every((i) => Object.keys(i).join() === 'id')).toBe(true);
  });

  it('caps pages at 100 issues with fields and 5000 with ids only', async () => {
    const withFields = (await (await get('/rest/api/3/search/jql?jql=project%20in%20(RECO,CHURN,SUPBOT)&maxResults=1000&fields=labels')).json()) as { issues: unknown[] };
    expect(withFields.issues.length).toBe(100);
    const idsOnly = (await (await get('/rest/api/3/search/jql?jql=project%20in%20(RECO,CHURN,SUPBOT)&maxResults=1000&fields=id,key')).json()) as { issues: unknown[] };
    expect(idsOnly.issues.length).toBeGreaterThan(100);
  });

  it('answers the removed /rest/api/3/search with 410 and the CHANGE-2046 message', async () => {
    const res = await get('/rest/api/3/search?jql=project%3DRECO');
    expect(res.status).toBe(410);
    const body = (await res.json()) as { errorMessages: string[] };
    expect(body.errorMessages[0]).toContain('/rest/api/3/search/jql');
    expect(body.errorMessages[0]).toContain('CHANGE-2046');
  });

  it('refuses unbounded JQL with Jira\'s exact 400 body', async () => {
    const res = await get(`/rest/api/3/search/jql?jql=${encodeURIComponent('order by key')}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorMessages: ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'], errors: {} });
  });

  it('answers a JQL syntax error with 400 and an "Error in the JQL Query" message', async () => {
    const res = await get(`/rest/api/3/search/jql?jql=${encodeURIComponent('project in (RECO, CHURN')}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorMessages: ["Error in the JQL Query: Expecting ')' before the end of the query."], errors: {} });
  });

  it('inlines at most 40 histories newest first (JRACLOUD-96459), with total only when it cut some, and serves the rest from the changelog endpoint', async () => {
    const long = jira.world.addIssue({ projectKey: 'RECO' });
    while (long.histories.length <= 45) jira.world.transition(long.key, long.status === 'In Progress' ? 'In Review' : 'In Progress', new Date(long.updated + 60_000));
    const search = (await (await get(`/rest/api/3/search/jql?jql=${encodeURIComponent(`key = ${long.key}`)}&fields=status&expand=changelog`)).json()) as { issues: { changelog: { total?: number; histories: { id: string }[] } }[] };
    const cl = search.issues[0]?.changelog;
    expect(cl?.histories.length).toBe(40);
    expect(cl?.total).toBe(long.histories.length);
    expect(cl?.histories.map((h) => h.id)).toEqual(long.histories.slice(-40).reverse().map((h) => h.id));
    const full = (await (await get(`/rest/api/3/issue/${long.key}/changelog?startAt=0&maxResults=100`)).json()) as { values: unknown[]; isLast: boolean };
    expect(full.values.length).toBe(long.histories.length);
    expect(full.isLast).toBe(true);
    const short = jira.world.addIssue({ projectKey: 'RECO' });
    jira.world.transition(short.key, 'In Progress', new Date(short.updated + 60_000));
    const one = (await (await get(`/rest/api/3/search/jql?jql=${encodeURIComponent(`key = ${short.key}`)}&fields=status&expand=changelog`)).json()) as { issues: { changelog: Record<string, unknown> }[]; nextPageToken?: unknown };
    expect(one.issues[0]?.changelog).not.toHaveProperty('total');
    expect(one).toHaveProperty('nextPageToken', null);
    jira.world.deleteIssue(long.key);
    jira.world.deleteIssue(short.key);
  });

  it('formats timestamps the way Jira Cloud does', async () => {
    const body = (await (await get('/rest/api/3/search/jql?jql=project%3DRECO&maxResults=1&fields=created,updated')).json()) as { issues: { fields: { created: string } }[] };
    expect(body.issues[0]?.fields.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
  });

  it('answers 401 without credentials and 429 with Jira\'s rate-limit headers under the fault', async () => {
    expect((await get('/rest/api/3/search/jql?jql=project%3DRECO', {})).status).toBe(401);
    jira.faults.add({ api: 'jira', path: '/search/jql', fault: { kind: 'rate-limit', retryAfterSeconds: 3 }, times: 1 });
    const res = await get('/rest/api/3/search/jql?jql=project%3DRECO');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('ratelimit-reason')).toBe('jira-burst-based');
    expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
  });
});
