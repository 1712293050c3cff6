import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createJiraSource, jiraSource } from '../../../shared/sources/jira/index.js';
import type { Activity } from '../../../shared/sources/contract.js';
import { ANCHOR, startJiraSandbox, sync, type RunningJira } from './jira-sandbox.js';

// Each test here pins one row of ../shared/REALITY.md ("Jira Cloud") over real HTTP, against a sandbox that now
// behaves that way. Every one of them failed on the connector before issue 14 (reason in each comment).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const fast = createJiraSource({ http: { retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20, maxTotalWaitMs: 5_000 }, timeoutMs: 5_000 } });

let jira: RunningJira;
beforeAll(async () => {
  jira = await startJiraSandbox({ weeks: 8 });
});
afterAll(async () => {
  await jira.close();
});
afterEach(() => {
  jira.faults.clear();
  jira.world.indexLagMs = 0;
  jira.world.clock = () => ANCHOR;
});

const transitionsOf = (activities: Activity[], key: string): Activity[] => activities.filter((a) => a.kind === 'issue-transition' && a.attrs.issueKey === key);

describe('Jira connector against the real API behaviour', () => {
  it('ends paging on nextPageToken null and reads an empty result without an issues list', async () => {
    // Before: the schema required a string token and an issues array, so the last page failed the binding.
    const first = await sync(jiraSource, jira.org, 'pod:recsys/jira');
    const last = first.pages.filter((p) => p.stream === 'search').at(-1);
    expect(last?.body).toHaveProperty('nextPageToken', null);
    const again = await sync(jiraSource, jira.org, 'pod:recsys/jira', { cursor: first.outcome.cursor, asOf: new Date(ANCHOR.getTime() + DAY).toISOString() });
    const quiet = await sync(jiraSource, jira.org, 'pod:recsys/jira', { cursor: again.outcome.cursor, asOf: new Date(ANCHOR.getTime() + 2 * DAY).toISOString() });
    const empty = quiet.pages.find((p) => p.stream === 'search');
    expect(empty?.body).not.toHaveProperty('issues');
    expect(quiet.outcome.requests).toBe(1);
  });

  it('learns status categories from the site status list in one request, so non-English statuses and refetched changelogs keep them', async () => {
    // Before: categories were learned from the issues on the same page; a changelog page had none, and 已完成 with a
    // custom id is neither a default id nor a default name, so every category was null.
    jira.world.localiseStatuses({
      'To Do': { id: '10100', name: '待办' },
      'In Progress': { id: '10101', name: '进行中' },
      'In Review': { id: '10102', name: '审核中' },
      Done: { id: '10103', name: '已完成' },
    });
    try {
      const issue = jira.world.addIssue({ projectKey: 'RECO', created: new Date(ANCHOR.getTime() - 20 * DAY) });
      for (let i = 0; i < 44; i++) jira.world.transition(issue.key, i % 2 === 0 ? 'In Progress' : 'In Review', new Date(ANCHOR.getTime() - 19 * DAY + i * HOUR));
      jira.world.transition(issue.key, 'Done', new Date(ANCHOR.getTime() - 10 * DAY));
      const from = jira.world.requestLog.length;
      const { activities, pages } = await sync(jiraSource, jira.org, 'pod:recsys/jira');
      expect(pages.some((p) => p.stream === `changelog:${issue.key}`)).toBe(true);
      const moves = transitionsOf(activities, issue.key);
      expect(new Set(moves.map((a) => a.id)).size).toBe(45);
      expect(moves.every((a) => a.attrs.fromCategory !== null && a.attrs.toCategory !== null)).toBe(true);
      expect(moves.find((a) => a.attrs.toStatus === '已完成')?.attrs.toCategory).toBe('done');
      expect(moves.filter((a) => a.attrs.toStatus === '审核中').every((a) => a.attrs.toCategory === 'indeterminate')).toBe(true);
      expect(jira.world.requestLog.slice(from).filter((r) => r.path === '/rest/api/3/status')).toHaveLength(1);
      jira.world.deleteIssue(issue.key);
    } finally {
      jira.world.localiseStatuses({
        'To Do': { id: '10000', name: 'To Do' },
        'In Progress': { id: '3', name: 'In Progress' },
        'In Review': { id: '10002', name: 'In Review' },
        Done: { id: '10001', name: 'Done' },
      });
    }
  });

  it('loses no update when the search index lags several minutes behind it', async () => {
    // Before: each run re-read only one minute before the last bound, so an update indexed three minutes late was
    // older than the next window and lost for good.
    jira.world.indexLagMs = 5 * MINUTE;
    const t0 = ANCHOR.getTime() + 2 * HOUR;
    jira.world.clock = () => new Date(t0 - 30 * MINUTE);
    const first = await sync(jiraSource, jira.org, 'pod:recsys/jira', { asOf: new Date(t0 - 30 * MINUTE).toISOString() });
    const target = [...jira.world.issues.values()].find((i) => i.projectKey === 'RECO' && i.status !== 'Done');
    if (!target) throw new Error('no open RECO issue');
    jira.world.updateIssue(target.key, { labels: ['stage:pilot', 'late-indexed'], at: new Date(t0 - 3 * MINUTE) });
    jira.world.clock = () => new Date(t0);
    const second = await sync(jiraSource, jira.org, 'pod:recsys/jira', { cursor: first.outcome.cursor, asOf: new Date(t0).toISOString() });
    expect(second.activities.some((a) => a.kind === 'issue' && a.attrs.key === target.key)).toBe(false); // not indexed yet
    jira.world.clock = () => new Date(t0 + 10 * MINUTE);
    const third = await sync(jiraSource, jira.org, 'pod:recsys/jira', { cursor: second.outcome.cursor, asOf: new Date(t0 + 10 * MINUTE).toISOString() });
    const seen = third.activities.find((a) => a.kind === 'issue' && a.attrs.key === target.key);
    expect(seen?.attrs.labels).toEqual(['late-indexed', 'stage:pilot']);
  });

  it('treats a changelog 404 for an issue deleted after the search as that issue gone, and the binding as fine', async () => {
    // Before: the 404 was a SourceHttpError and failed the whole binding.
    const issue = jira.world.addIssue({ projectKey: 'RECO', created: new Date(ANCHOR.getTime() - 20 * DAY) });
    for (let i = 0; i < 42; i++) jira.world.transition(issue.key, i % 2 === 0 ? 'In Progress' : 'In Review', new Date(ANCHOR.getTime() - 19 * DAY + i * HOUR));
    const deleteOnChangelog: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes(`/issue/${issue.key}/changelog`) && jira.world.findIssue(issue.key)) jira.world.deleteIssue(issue.key);
      return fetch(input, init);
    };
    const { outcome, activities } = await sync(jiraSource, jira.org, 'pod:recsys/jira', { fetch: deleteOnChangelog });
    expect(outcome.removedIds).toContain(`jira:issue:${issue.id}`);
    expect(activities.some((a) => a.id === `jira:issue:${issue.id}` || a.attrs.issueKey === issue.key)).toBe(false);
    expect(outcome.notes.some((n) => /1 issue\(s\) deleted between search and changelog fetch/.test(n))).toBe(true);
  });

  it('reads sprints whose goal is null or absent and whose dates are absent', async () => {
    // Before: `goal` had to be a string when present, and the sandbox's goal-less sprints now serve null.
    const { pages, activities } = await sync(jiraSource, jira.org, 'pod:recsys/jira');
    const sprints = pages.filter((p) => p.stream.startsWith('sprints:')).flatMap((p) => (p.body as { values: Record<string, unknown>[] }).values);
    expect(sprints.some((s) => s.goal === null)).toBe(true);
    expect(sprints.some((s) => !('startDate' in s) && !('endDate' in s))).toBe(true);
    const sprintActs = activities.filter((a) => a.kind === 'sprint');
    expect(sprintActs.some((a) => a.attrs.hasGoal === false)).toBe(true);
    expect(sprintActs.some((a) => a.attrs.hasGoal === true)).toBe(true);
  });

  it('retries a truncated 200 body like a 5xx and completes', async () => {
    // Before: a truncated body failed the binding at once with MalformedPageError.
    jira.faults.add({ api: 'jira', path: '/search/jql', fault: { kind: 'truncated' }, times: 1 });
    const clean = await sync(fast, jira.org, 'pod:recsys/jira');
    jira.faults.add({ api: 'jira', path: '/search/jql', fault: { kind: 'malformed-json' }, times: 1 });
    const retried = await sync(fast, jira.org, 'pod:recsys/jira');
    expect(retried.activities.length).toBe(clean.activities.length);
    expect(retried.outcome.requests).toBe(retried.pages.length + 1);
  });

  it('stores no changelog item of a user field, and no history metadata naming the person it acted for', async () => {
    // Before: raw pages kept assignee items (account ids in from/to, display names in fromString/toString) and
    // historyMetadata ("on behalf of accountId=…"); the sandbox now serves them as real sites do.
    const res = await fetch(`${jira.url}/rest/api/3/search/jql?jql=${encodeURIComponent('project = RECO')}&fields=assignee&expand=changelog&maxResults=100`, {
      headers: { authorization: `Basic ${Buffer.from('canary-user@example.test:canary-jira-token-7f3a9c').toString('base64')}` },
    });
    const served = JSON.stringify(await res.json());
    expect(served).toMatch(/"fieldId":"assignee"/);
    expect(served).toMatch(/on behalf of accountId=/);
    expect(served).toMatch(/"tmpToAccountId":"5f/);
    const { pages } = await sync(jiraSource, jira.org, 'pod:recsys/jira');
    const stored = JSON.stringify(pages);
    expect(stored).not.toMatch(/assignee"?,"fieldtype|"fieldId":"assignee"|historyMetadata|on behalf of|tmpToAccountId|displayName|emailAddress/);
  });
});
