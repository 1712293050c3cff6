import { listUnits, type JiraBinding } from '../../org/index.js';
import type { CollectContext, CollectOutcome, Cursor } from '../contract.js';
import { RepeatingCursorError, SourceAuthError, SourceError, SourceHttpError } from '../errors.js';
import { basicAuthorization, HttpClient, rawPageEmitter, type HttpClientOptions, type JsonResponse } from '../http/index.js';
import { boardPageSchema, changelogPageSchema, searchPageSchema, sprintPageSchema } from './schemas.js';

// Jira collection for one binding. Enhanced search (/search/jql) with explicit fields and the changelog
// expanded; issues whose inlined changelog was cut at 20 histories get their full history from the changelog
// endpoint. Incremental by `updated`, which JQL only knows to the minute: each run re-reads from one minute
// before the previous bound and the merge key (issue id) removes the overlap. JQL dates are read in the API
// user's Jira time zone; the connector writes UTC, so that user's profile must be set to UTC (documented).
// Deleted or moved issues never show up in an `updated` search, so a weekly reconciliation pass lists all ids.

const SEARCH_FIELDS = ['status', 'issuetype', 'labels', 'created', 'updated', 'resolutiondate', 'parent', 'project', 'assignee', 'reporter'];
const PAGE_SIZE = 100;
const IDS_PAGE_SIZE = 5000;
const INLINE_HISTORY_LIMIT = 20;
const RECONCILE_EVERY_MS = 7 * 86_400_000;
const MINUTE = 60_000;

/** What the Jira connector remembers between runs. */
export interface JiraCursor {
  v: 1;
  /** Upper bound (ISO, whole minute) of the last successful search. */
  updatedThrough: string;
  /** When the last full or reconciliation pass ran (ISO as-of). */
  lastFullAt: string;
  /** Issue ids collected so far, delta-encoded base36 (compact enough for a DynamoDB item at ~50k issues). */
  known: string;
}

/** Tuning for tests and unusual sites (e.g. small retry budgets). */
export interface JiraCollectOptions {
  http?: Pick<HttpClientOptions, 'timeoutMs' | 'retry' | 'random'>;
}

/** Formats epoch ms as a JQL date literal at minute precision, in UTC. */
export function jqlDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** Encodes a set of numeric ids compactly (sorted, delta, base36). */
export function encodeIds(ids: Iterable<string>): string {
  const sorted = [...new Set(ids)].map(Number).filter((n) => Number.isInteger(n) && n >= 0).sort((a, b) => a - b);
  let prev = 0;
  return sorted
    .map((n) => {
      const d = n - prev;
      prev = n;
      return d.toString(36);
    })
    .join(',');
}

/** Decodes `encodeIds` output. */
export function decodeIds(s: string): Set<string> {
  const out = new Set<string>();
  if (s === '') return out;
  let prev = 0;
  for (const part of s.split(',')) {
    prev += parseInt(part, 36);
    out.add(String(prev));
  }
  return out;
}

function readCursor(c: Cursor | null): JiraCursor | null {
  if (c === null) return null;
  if (c.v === 1 && typeof c.updatedThrough === 'string' && typeof c.lastFullAt === 'string' && typeof c.known === 'string') {
    return c as unknown as JiraCursor;
  }
  return null; // an unreadable cursor means a full sync, never a crash
}

/** The binding's own JQL restriction, without any ORDER BY (we append our own). */
export function baseJql(b: JiraBinding): string {
  const parts: string[] = [];
  if (b.projects && b.projects.length > 0) parts.push(`project in (${b.projects.map((p) => `"${p}"`).join(', ')})`);
  if (b.jql) parts.push(`(${b.jql.replace(/\s+order\s+by\s+[\s\S]*$/i, '').trim()})`);
  return parts.join(' AND ');
}

/** Collects one Jira binding incrementally from its cursor; calls ctx.onPage for every page before moving on. */
export async function collectJira(ctx: CollectContext, opts: JiraCollectOptions = {}): Promise<CollectOutcome> {
  const source = ctx.org.sources.jira;
  const unit = listUnits(ctx.org).find((u) => u.ref === ctx.binding.unit);
  const binding = unit?.sources.jira;
  const where = { source: 'jira', bindingId: ctx.binding.id, path: '/' };
  if (!source || !binding) throw new SourceError('NOT_CONFIGURED', { ...where, reason: 'no Jira source or binding in the configuration' });
  const email = ctx.credentials[source.auth.emailEnv];
  const token = ctx.credentials[source.auth.tokenEnv];
  if (!email || !token) {
    throw new SourceAuthError({ ...where, reason: `missing credential: set ${source.auth.emailEnv} and ${source.auth.tokenEnv}` });
  }
  const client = new HttpClient({
    source: 'jira',
    bindingId: ctx.binding.id,
    baseUrl: source.baseUrl,
    authorization: basicAuthorization(email, token),
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...opts.http,
  });
  const emit = rawPageEmitter('jira', ctx);

  const cursor = readCursor(ctx.cursor);
  const asOfMinute = Math.floor(Date.parse(ctx.asOf) / MINUTE) * MINUTE;
  const sinceMs = cursor === null ? Date.parse(ctx.since) : Date.parse(cursor.updatedThrough) - MINUTE;
  const base = baseJql(binding);
  const notes: string[] = [];
  const seen = new Set<string>();
  const needFullChangelog: string[] = [];
  let duplicates = 0;

  // 1. Issues updated in the window, with fields and the newest 20 histories.
  const jql = `${base} AND updated >= "${jqlDate(sinceMs)}" AND updated <= "${jqlDate(asOfMinute)}" ORDER BY updated ASC, key ASC`;
  let nextToken: string | undefined;
  const tokens = new Set<string>();
  for (;;) {
    const q = new URLSearchParams({ jql, maxResults: String(PAGE_SIZE), fields: SEARCH_FIELDS.join(','), expand: 'changelog' });
    if (nextToken !== undefined) q.set('nextPageToken', nextToken);
    const res = await client.getJson(`/rest/api/3/search/jql?${q.toString()}`, searchPageSchema);
    await emit('search', res);
    for (const issue of res.body.issues) {
      if (seen.has(issue.id)) duplicates++;
      seen.add(issue.id);
      const cl = issue.changelog;
      if (cl && cl.total > Math.min(cl.histories.length, INLINE_HISTORY_LIMIT) && issue.key) needFullChangelog.push(issue.key);
    }
    const next = res.body.nextPageToken;
    if (next === undefined || res.body.isLast === true) break;
    if (tokens.has(next)) {
      throw new RepeatingCursorError({ ...where, path: '/rest/api/3/search/jql', reason: 'Jira returned a nextPageToken it had already returned; stopped paging' });
    }
    tokens.add(next);
    nextToken = next;
  }

  // 2. Full histories where the search cut them short.
  for (const key of [...new Set(needFullChangelog)]) {
    let startAt = 0;
    for (;;) {
      const res = await client.getJson(`/rest/api/3/issue/${encodeURIComponent(key)}/changelog?startAt=${startAt}&maxResults=100`, changelogPageSchema);
      await emit(`changelog:${key}`, res);
      if (res.body.isLast || res.body.values.length === 0) break;
      const next = res.body.startAt + res.body.values.length;
      if (next <= startAt) {
        throw new RepeatingCursorError({ ...where, path: `/rest/api/3/issue/${key}/changelog`, reason: 'changelog paging did not advance' });
      }
      startAt = next;
    }
  }
  if (needFullChangelog.length > 0) notes.push(`full changelog fetched for ${needFullChangelog.length} issue(s) beyond the 20 inlined histories`);
  if (duplicates > 0) notes.push(`${duplicates} duplicate issue(s) across pages ignored`);

  // 3. Full pass or weekly reconciliation: all ids (deletions, moves) and the boards' sprints.
  let known = cursor === null ? new Set<string>() : decodeIds(cursor.known);
  for (const id of seen) known.add(id);
  let lastFullAt = cursor?.lastFullAt ?? ctx.asOf;
  let removedIds: string[] | undefined;
  const fullPass = cursor === null;
  const reconcile = !fullPass && Date.parse(ctx.asOf) - Date.parse(cursor.lastFullAt) >= RECONCILE_EVERY_MS;
  if (reconcile) {
    const present = new Set<string>();
    let idsToken: string | undefined;
    const idsTokens = new Set<string>();
    for (;;) {
      const q = new URLSearchParams({ jql: `${base} ORDER BY key ASC`, maxResults: String(IDS_PAGE_SIZE), fields: 'id,key' });
      if (idsToken !== undefined) q.set('nextPageToken', idsToken);
      const res = await client.getJson(`/rest/api/3/search/jql?${q.toString()}`, searchPageSchema);
      await emit('reconcile', res);
      for (const issue of res.body.issues) present.add(issue.id);
      const next = res.body.nextPageToken;
      if (next === undefined || res.body.isLast === true) break;
      if (idsTokens.has(next)) {
        throw new RepeatingCursorError({ ...where, path: '/rest/api/3/search/jql', reason: 'Jira returned a nextPageToken it had already returned; stopped paging' });
      }
      idsTokens.add(next);
      idsToken = next;
    }
    const removed = [...known].filter((id) => !present.has(id));
    removedIds = removed.map((id) => `jira:issue:${id}`);
    known = new Set([...known].filter((id) => present.has(id)));
    notes.push(`reconciliation: ${present.size} issue(s) present, ${removed.length} deleted or moved since the last pass`);
    lastFullAt = ctx.asOf;
  }
  if (fullPass || reconcile) {
    const sprints = await collectSprints(client, binding, emit, where);
    notes.push(`boards: ${sprints.boards}, sprints: ${sprints.sprints}`);
  }

  const next: JiraCursor = {
    v: 1,
    updatedThrough: new Date(Math.max(asOfMinute, cursor ? Date.parse(cursor.updatedThrough) : 0)).toISOString(),
    lastFullAt,
    known: encodeIds(known),
  };
  return { cursor: { ...next }, requests: client.requests, notes, ...(removedIds ? { removedIds } : {}) };
}

async function collectSprints(
  client: HttpClient,
  binding: JiraBinding,
  emit: (stream: string, res: JsonResponse<unknown>) => Promise<void>,
  where: { source: string; bindingId: string; path: string },
): Promise<{ boards: number; sprints: number }> {
  const boardIds: number[] = [...(binding.boards ?? [])];
  if (boardIds.length === 0) {
    for (const project of binding.projects ?? []) {
      let startAt = 0;
      for (;;) {
        const res = await client.getJson(`/rest/agile/1.0/board?projectKeyOrId=${encodeURIComponent(project)}&type=scrum&startAt=${startAt}&maxResults=50`, boardPageSchema);
        await emit('boards', res);
        boardIds.push(...res.body.values.map((b) => b.id));
        if (res.body.isLast || res.body.values.length === 0) break;
        startAt += res.body.values.length;
      }
    }
  }
  let sprints = 0;
  for (const id of [...new Set(boardIds)]) {
    let startAt = 0;
    for (;;) {
      let res;
      try {
        res = await client.getJson(`/rest/agile/1.0/board/${id}/sprint?startAt=${startAt}&maxResults=50`, sprintPageSchema);
      } catch (e) {
        // A kanban board named explicitly in the config has no sprints; Jira says so with a 400.
        if (e instanceof SourceHttpError && e.status === 400) break;
        throw e;
      }
      await emit(`sprints:${id}`, res);
      sprints += res.body.values.length;
      if (res.body.isLast || res.body.values.length === 0) break;
      const next = startAt + res.body.values.length;
      if (next <= startAt) throw new RepeatingCursorError({ ...where, path: `/rest/agile/1.0/board/${id}/sprint`, reason: 'sprint paging did not advance' });
      startAt = next;
    }
  }
  return { boards: new Set(boardIds).size, sprints };
}
