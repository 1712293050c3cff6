import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoPeople } from '../../../shared/sandbox/demo/profile.js';
import { jiraSource, createJiraSource } from '../../../shared/sources/jira/index.js';
import { MalformedPageError, RepeatingCursorError, SourceAuthError } from '../../../shared/sources/errors.js';
import type { Activity, RawPage } from '../../../shared/sources/contract.js';
import { ANCHOR, CREDENTIALS, startJiraSandbox, sync, type RunningJira } from './jira-sandbox.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const fast = createJiraSource({ http: { retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20, maxTotalWaitMs: 5_000 }, timeoutMs: 5_000 } });

let jira: RunningJira;
beforeAll(async () => {
  jira = await startJiraSandbox();
});
afterAll(async () => {
  await jira.close();
});
afterEach(() => {
  jira.faults.clear();
});

function recoIssues(): string[] {
  // Issues updated after the as-of are outside the collection window by design.
  return [...jira.world.issues.values()].filter((i) => i.projectKey === 'RECO' && i.updated <= ANCHOR.getTime()).map((i) => i.key).sort();
}

describe('Jira connector over the sandbox', () => {
  it('collects every issue of the bound project on a full sync and normalises each one once', async () => {
    const { activities, outcome, pages } = await sync(jiraSource, jira.org, 'pod:recsys/jira');
    const keys = activities.filter((a) => a.kind === 'issue').map((a) => a.attrs.key as string).sort();
    expect(keys).toEqual(recoIssues());
    expect(pages.filter((p) => p.stream === 'search').length).toBe(Math.ceil(recoIssues().length / 100));
    expect(outcome.requests).toBe(pages.length);
    const anyDone = activities.find((a) => a.kind === 'issue' && a.attrs.statusCategory === 'done');
    expect(anyDone?.url).toMatch(new RegExp(`^${jira.url}/browse/RECO-\\d+$`));
    expect(activities.some((a) => a.kind === 'sprint')).toBe(true);
    expect(outcome.notes.some((n) => n.startsWith('boards: 1'))).toBe(true);
  });

  it('fetches the full changelog of an issue with more than the 40 histories Jira inlines', async () => {
    const issue = jira.world.addIssue({ projectKey: 'RECO', labels: ['stage:prototyping'], created: new Date(ANCHOR.getTime() - 30 * DAY) });
    for (let i = 0; i < 45; i++) {
      jira.world.transition(issue.key, i % 2 === 0 ? 'In Progress' : 'In Review', new Date(ANCHOR.getTime() - 29 * DAY + i * HOUR));
    }
    const { activities, pages } = await sync(jiraSource, jira.org, 'pod:recsys/jira');
    expect(pages.some((p) => p.stream === `changelog:${issue.key}`)).toBe(true);
    const ids = new Set(activities.filter((a) => a.kind === 'issue-transition' && a.attrs.issueKey === issue.key).map((a) => a.id));
    expect(ids.size).toBe(45);
    jira.world.deleteIssue(issue.key);
  });

  it('makes one request for an unchanged binding on an incremental sync', async () => {
    const first = await sync(jiraSource, jira.org, 'pod:recsys/jira');
    const again = await sync(jiraSource, jira.org, 'pod:recsys/jira', { cursor: first.outcome.cursor, asOf: new Date(ANCHOR.getTime() + HOUR).toISOString() });
    expect(again.outcome.requests).toBe(1);
    expect(again.activities.filter((a) => a.kind === 'issue')).toEqual([]);
  });

  it('fetches only the issue that changed since the cursor', async () => {
    const first = await sync(jiraSource, jira.org, 'pod:recsys/jira');
    const target = recoIssues()[3] as string;
    jira.world.updateIssue(target, { labels: ['stage:monitoring', 'feedback'], at: new Date(ANCHOR.getTime() + HOUR) });
    const again = await sync(jiraSource, jira.org, 'pod:recsys/jira', { cursor: first.outcome.cursor, asOf: new Date(ANCHOR.getTime() + 2 * HOUR).toISOString() });
    const issues = again.activities.filter((a) => a.kind === 'issue');
    expect(issues.map((a) => a.attrs.key)).toEqual([target]);
    expect(issues[0]?.attrs.labels).toEqual(['feedback', 'stage:monitoring']);
  });

  it('reports a deleted issue as removed on the weekly reconciliation pass', async () => {
    const first = await sync(jiraSource, jira.org, 'pod:recsys/jira');
    const victim = jira.world.issues.get(recoIssues()[5] as string);
    if (!victim) throw new Error('no issue to delete');
    jira.world.deleteIssue(victim.key);
    const weekLater = new Date(ANCHOR.getTime() + 7 * DAY).toISOString();
    const again = await sync(jiraSource, jira.org, 'pod:recsys/jira', { cursor: first.outcome.cursor, asOf: weekLater });
    expect(again.outcome.removedIds).toEqual([`jira:issue:${victim.id}`]);
    expect(again.pages.some((p) => p.stream === 'reconcile' && p.path.includes('maxResults=5000') && p.path.includes('fields=id%2Ckey'))).toBe(true);
    expect(again.outcome.notes.some((n) => /reconciliation: \d+ issue\(s\) present, 1 deleted or moved/.test(n))).toBe(true);
  });

  it('does not reconcile when the last full pass is less than a week old', async () => {
    const first = await sync(jiraSource, jira.org, 'pod:recsys/jira');
    const again = await sync(jiraSource, jira.org, 'pod:recsys/jira', { cursor: first.outcome.cursor, asOf: new Date(ANCHOR.getTime() + 6 * DAY).toISOString() });
    expect(again.outcome.removedIds).toBeUndefined();
    expect(again.pages.some((p) => p.stream === 'reconcile' || p.stream.startsWith('sprints:'))).toBe(false);
  });

  it('waits for Retry-After on a 429 and then completes', async () => {
    jira.faults.add({ api: 'jira', path: '/search/jql', fault: { kind: 'rate-limit', retryAfterSeconds: 1 }, times: 1 });
    const before = jira.faults.requests.jira;
    const { activities, outcome } = await sync(fast, jira.org, 'pod:recsys/jira');
    expect(activities.filter((a) => a.kind === 'issue').length).toBe(recoIssues().length);
    expect(outcome.requests).toBe(jira.faults.requests.jira - before);
    expect(outcome.requests).toBeGreaterThan(Math.ceil(recoIssues().length / 100));
  });

  it('fails with SourceAuthError on a wrong token and never shows the token', async () => {
    const wrong = { ...CREDENTIALS, RADAR_JIRA_TOKEN: 'wrong-canary-token-1234' };
    const err = await sync(jiraSource, jira.org, 'pod:recsys/jira', { credentials: wrong }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
    const text = `${String(err)} ${JSON.stringify(err)} ${(err as Error).stack ?? ''}`;
    expect(text).not.toContain('wrong-canary-token-1234');
    expect(text).not.toContain(Buffer.from(`${wrong.RADAR_JIRA_EMAIL}:${wrong.RADAR_JIRA_TOKEN}`).toString('base64'));
    expect((err as SourceAuthError).status).toBe(401);
    expect((err as SourceAuthError).path).toBe('/rest/api/3/search/jql');
  });

  for (const kind of ['malformed-json', 'truncated', 'html-200'] as const) {
    it(`rejects a ${kind} page with MalformedPageError before anything is normalised`, async () => {
      jira.faults.add({ api: 'jira', path: '/search/jql', fault: { kind } });
      const sink = { pages: [] as RawPage[], activities: [] as Activity[] };
      const err = await sync(fast, jira.org, 'pod:recsys/jira', { sink }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MalformedPageError);
      expect(sink.pages).toEqual([]);
      expect(sink.activities).toEqual([]);
    });
  }

  it('stops with RepeatingCursorError when Jira hands back a nextPageToken it already gave', async () => {
    expect(recoIssues().length).toBeGreaterThan(100); // needs at least two pages to repeat a token
    jira.faults.add({ api: 'jira', path: '/search/jql', fault: { kind: 'repeat-cursor' } });
    const err = await sync(jiraSource, jira.org, 'pod:recsys/jira').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepeatingCursorError);
  });

  it('sends valid credentials on every request', async () => {
    const from = jira.world.requestLog.length;
    const { outcome } = await sync(jiraSource, jira.org, 'pod:recsys/jira');
    const mine = jira.world.requestLog.slice(from);
    expect(mine.length).toBe(outcome.requests);
    expect(mine.every((r) => r.authorised)).toBe(true);
  });

  it('keeps people out of normalised activities and out of the raw pages it hands on', async () => {
    const { activities, pages } = await sync(jiraSource, jira.org, 'pod:recsys/jira');
    const people = demoPeople('recsys', 9);
    const normalised = JSON.stringify(activities);
    const raw = JSON.stringify(pages);
    for (const p of people) {
      for (const needle of [p.name, p.email, p.login, p.accountId]) {
        expect(normalised).not.toContain(needle);
        expect(raw).not.toContain(needle);
      }
    }
    expect(activities.filter((a) => a.actor !== null).every((a) => /^a:[0-9a-f]{16}$/.test(a.actor as string))).toBe(true);
  });
});
