import { listUnits, type JiraBinding } from '../../org/index.js';
import type { CollectContext, CollectOutcome, Cursor } from '../contract.js';
import { RepeatingCursorError, SourceAuthError, SourceError, SourceHttpError } from '../errors.js';
import {
  basicAuthorization,
  forEachOffsetPage,
  forEachTokenPage,
  HttpClient,
  rawPageEmitter,
  type HttpClientOptions,
  type JsonResponse,
} from '../http/index.js';
import {
  boardPageSchema,
  changelogPageSchema,
  JIRA_ALLOW_LISTS,
  keepSprintGoalPresence,
  keepStatusItems,
  searchPageSchema,
  sprintPageSchema,
  statusCategoriesSchema,
  statusListSchema,
  type SearchPage,
} from './schemas.js';

// Jira collection for one binding. Enhanced search (/search/jql) with explicit fields and the changelog
// expanded; issues whose inlined changelog was cut (Jira inlines at most 40 histories, newest first:
// JRACLOUD-96459) get their full history from the changelog endpoint. Incremental by `updated`, which JQL only
// knows to the minute, and which search sees late: the index lags behind updates by "a few seconds to minutes"
// (Atlassian, search-and-reconcile), so each run re-reads from 15 minutes before the previous bound and the merge
// key (issue id) removes the overlap. JQL dates are read in the API user's Jira time zone; the connector writes
// UTC, so that user's profile must be set to UTC (documented). Status categories come from the site's status list
// (GET /rest/api/3/status, one request, names in the site's language), cached in the cursor and refreshed when a
// page names a status id it does not hold. Deleted or moved issues never show up in an `updated` search, so a
// weekly reconciliation pass lists all ids; an issue deleted between search and its changelog fetch (404) is gone.

const SEARCH_FIELDS = ['status', 'issuetype', 'labels', 'components', 'created', 'updated', 'resolutiondate', 'parent', 'project', 'assignee', 'reporter'];
const PAGE_SIZE = 100;
const IDS_PAGE_SIZE = 5000;
const INLINE_HISTORY_LIMIT = 40;
const RECONCILE_EVERY_MS = 7 * 86_400_000;
const MINUTE = 60_000;
/** How far each incremental search reaches back before the previous bound: wider than Jira's usual index lag. */
export const JIRA_INDEX_LAG_OVERLAP_MS = 15 * MINUTE;

type StatusCategories = Record<string, 'new' | 'indeterminate' | 'done' | 'undefined'>;

/** What the Jira connector remembers between runs (no person identifier: ids of issues and statuses only). */
export interface JiraCursor {
  v: 1;
  /** Upper bound (ISO, whole minute) of the last successful search. */
  updatedThrough: string;
  /** When the last full or reconciliation pass ran (ISO as-of). */
  lastFullAt: string;
  /** Issue ids collected so far, delta-encoded base36 (compact enough for a DynamoDB item at ~50k issues). */
  known: string;
  /** Status id → category, from the site's status list (absent in cursors written before it existed). */
  statuses?: StatusCategories;
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
    const statuses = statusCategoriesSchema.safeParse(c.statuses);
    const { statuses: _ignored, ...rest } = c as unknown as JiraCursor;
    return statuses.success ? { ...rest, statuses: statuses.data } : rest;
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
  const emit = rawPageEmitter('jira', ctx, JIRA_ALLOW_LISTS);

  const cursor = readCursor(ctx.cursor);
  const asOfMinute = Math.floor(Date.parse(ctx.asOf) / MINUTE) * MINUTE;
  const sinceMs = cursor === null ? Date.parse(ctx.since) : Date.parse(cursor.updatedThrough) - JIRA_INDEX_LAG_OVERLAP_MS;
  const base = baseJql(binding);
  const notes: string[] = [];
  const seen = new Set<string>();
  const gone = new Set<string>();
  let fullChangelogs = 0;
  let duplicates = 0;

  // The site's status list: once per run at most, and only when the cached map misses a status id.
  let statuses: StatusCategories | null = cursor?.statuses ?? null;
  let statusesFetched = false;
  const ensureStatuses = async (ids: Iterable<string>): Promise<StatusCategories> => {
    const known = statuses;
    if (known !== null && (statusesFetched || [...ids].every((id) => Object.hasOwn(known, id)))) return known;
    const res = await client.getJson('/rest/api/3/status', statusListSchema);
    await emit('statuses', res);
    const map: StatusCategories = {};
    for (const st of [...res.body].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      const key = st.statusCategory?.key;
      if (key === 'new' || key === 'indeterminate' || key === 'done' || key === 'undefined') map[st.id] = key;
    }
    statuses = map;
    statusesFetched = true;
    return map;
  };

  // 1. Issues updated in the window, with fields and the newest 40 histories; per page, the full changelog of
  // issues whose inlined one was cut, fetched before the page is handed on so a deleted issue leaves it first.
  const jql = `${base} AND updated >= "${jqlDate(sinceMs)}" AND updated <= "${jqlDate(asOfMinute)}" ORDER BY updated ASC, key ASC`;
  const searchPage = (token: string | undefined) => {
    const q = new URLSearchParams({ jql, maxResults: String(PAGE_SIZE), fields: SEARCH_FIELDS.join(','), expand: 'changelog' });
    if (token !== undefined) q.set('nextPageToken', token);
    return client.getJson(`/rest/api/3/search/jql?${q.toString()}`, searchPageSchema);
  };
  await forEachTokenPage(searchPage, nextSearchToken, async (res) => {
    const issues = res.body.issues ?? [];
    const needFull: { id: string; key: string }[] = [];
    for (const issue of issues) {
      if (seen.has(issue.id)) duplicates++;
      seen.add(issue.id);
      const cl = issue.changelog;
      // No `total` means the inlined histories are all there is, unless the cap itself was reached.
      const total = cl?.total ?? (cl && cl.histories.length >= INLINE_HISTORY_LIMIT ? Number.POSITIVE_INFINITY : 0);
      if (cl && issue.key && total > cl.histories.length) needFull.push({ id: issue.id, key: issue.key });
    }
    const changelogs: { key: string; res: JsonResponse<unknown> }[] = [];
    for (const { id, key } of needFull) {
      const pages = await fetchChangelog(client, key, where);
      if (pages === null) gone.add(id);
      else {
        fullChangelogs++;
        for (const p of pages) changelogs.push({ key, res: p });
      }
    }
    const categories = await ensureStatuses(statusIdsOf(res.body, changelogs.map((c) => c.res.body)));
    const kept: SearchPage = gone.size === 0 || res.body.issues === undefined ? res.body : { ...res.body, issues: issues.filter((i) => !gone.has(i.id)) };
    await emit('search', { ...res, body: keepStatusItems(kept), parent: { statusCategories: categories } });
    for (const c of changelogs) await emit(`changelog:${c.key}`, { ...c.res, body: keepStatusItems(c.res.body), parent: { statusCategories: categories } });
  }, () => new RepeatingCursorError({ ...where, path: '/rest/api/3/search/jql', reason: 'Jira returned a nextPageToken it had already returned; stopped paging' }));
  if (fullChangelogs > 0) notes.push(`full changelog fetched for ${fullChangelogs} issue(s) beyond the ${INLINE_HISTORY_LIMIT} inlined histories`);
  if (gone.size > 0) notes.push(`${gone.size} issue(s) deleted between search and changelog fetch (404): removed`);
  if (duplicates > 0) notes.push(`${duplicates} duplicate issue(s) across pages ignored`);

  // 3. Full pass or weekly reconciliation: all ids (deletions, moves) and the boards' sprints.
  let known = cursor === null ? new Set<string>() : decodeIds(cursor.known);
  for (const id of seen) if (!gone.has(id)) known.add(id);
  for (const id of gone) known.delete(id);
  let lastFullAt = cursor?.lastFullAt ?? ctx.asOf;
  let removedIds: string[] | undefined;
  const fullPass = cursor === null;
  const reconcile = !fullPass && Date.parse(ctx.asOf) - Date.parse(cursor.lastFullAt) >= RECONCILE_EVERY_MS;
  if (reconcile) {
    const present = new Set<string>();
    const idsPage = (token: string | undefined) => {
      const q = new URLSearchParams({ jql: `${base} ORDER BY key ASC`, maxResults: String(IDS_PAGE_SIZE), fields: 'id,key' });
      if (token !== undefined) q.set('nextPageToken', token);
      return client.getJson(`/rest/api/3/search/jql?${q.toString()}`, searchPageSchema);
    };
    await forEachTokenPage(idsPage, nextSearchToken, async (res) => {
      await emit('reconcile', res);
      for (const issue of res.body.issues ?? []) present.add(issue.id);
    }, () => new RepeatingCursorError({ ...where, path: '/rest/api/3/search/jql', reason: 'Jira returned a nextPageToken it had already returned; stopped paging' }));
    const removed = [...known].filter((id) => !present.has(id));
    for (const id of gone) if (!removed.includes(id)) removed.push(id);
    removedIds = removed.map((id) => `jira:issue:${id}`);
    known = new Set([...known].filter((id) => present.has(id)));
    notes.push(`reconciliation: ${present.size} issue(s) present, ${removed.length} deleted or moved since the last pass`);
    lastFullAt = ctx.asOf;
  }
  if (!reconcile && gone.size > 0) removedIds = [...gone].sort().map((id) => `jira:issue:${id}`);
  if (fullPass || reconcile) {
    const sprints = await collectSprints(client, binding, emit, where);
    notes.push(`boards: ${sprints.boards}, sprints: ${sprints.sprints}`);
  }

  const next: JiraCursor = {
    v: 1,
    updatedThrough: new Date(Math.max(asOfMinute, cursor ? Date.parse(cursor.updatedThrough) : 0)).toISOString(),
    lastFullAt,
    known: encodeIds(known),
    ...(statuses === null ? {} : { statuses }),
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
      await forEachOffsetPage(
        (startAt) => client.getJson(`/rest/agile/1.0/board?projectKeyOrId=${encodeURIComponent(project)}&type=scrum&startAt=${startAt}&maxResults=50`, boardPageSchema),
        (res) => ({ startAt: res.body.startAt, count: res.body.values.length, isLast: res.body.isLast }),
        async (res) => {
          await emit('boards', res);
          boardIds.push(...res.body.values.map((b) => b.id));
        },
        () => new RepeatingCursorError({ ...where, path: '/rest/agile/1.0/board', reason: 'board paging did not advance' }),
      );
    }
  }
  let sprints = 0;
  for (const id of [...new Set(boardIds)]) {
    await forEachOffsetPage(
      async (startAt) => {
        try {
          return await client.getJson(`/rest/agile/1.0/board/${id}/sprint?startAt=${startAt}&maxResults=50`, sprintPageSchema);
        } catch (e) {
          // A kanban board named explicitly in the config has no sprints; Jira says so with a 400.
          if (e instanceof SourceHttpError && e.status === 400) return null;
          throw e;
        }
      },
      (res) => ({ startAt: res.body.startAt, count: res.body.values.length, isLast: res.body.isLast }),
      async (res) => {
        await emit(`sprints:${id}`, { ...res, body: keepSprintGoalPresence(res.body) });
        sprints += res.body.values.length;
      },
      () => new RepeatingCursorError({ ...where, path: `/rest/agile/1.0/board/${id}/sprint`, reason: 'sprint paging did not advance' }),
    );
  }
  return { boards: new Set(boardIds).size, sprints };
}

/** Atlassian: nextPageToken "will be null" on the last page; it may also be left out, or isLast may say so. */
function nextSearchToken(res: JsonResponse<SearchPage>): string | null | undefined {
  return res.body.isLast === true ? undefined : res.body.nextPageToken;
}

/** Every status id a search page and its changelogs name (issue statuses and status change items). */
function statusIdsOf(search: SearchPage, changelogs: unknown[]): Set<string> {
  const ids = new Set<string>();
  const fromHistories = (histories: readonly { items: readonly { field: string; fieldId?: string | undefined; from?: string | null | undefined; to?: string | null | undefined }[] }[]): void => {
    for (const h of histories) {
      for (const it of h.items) {
        if (it.field !== 'status' && it.fieldId !== 'status') continue;
        if (it.from) ids.add(it.from);
        if (it.to) ids.add(it.to);
      }
    }
  };
  for (const issue of search.issues ?? []) {
    if (issue.fields?.status) ids.add(issue.fields.status.id);
    if (issue.changelog) fromHistories(issue.changelog.histories);
  }
  for (const body of changelogs) {
    const parsed = changelogPageSchema.safeParse(body);
    if (parsed.success) fromHistories(parsed.data.values);
  }
  return ids;
}

/**
 * Reads an issue's whole changelog; null when the issue answers 404, i.e. it was deleted (or moved out of reach)
 * after the search listed it: the issue is gone, the binding is fine.
 */
async function fetchChangelog(
  client: HttpClient,
  key: string,
  where: { source: string; bindingId: string; path: string },
): Promise<JsonResponse<unknown>[] | null> {
  const pages: JsonResponse<unknown>[] = [];
  let deleted = false;
  await forEachOffsetPage(
    async (startAt) => {
      try {
        return await client.getJson(`/rest/api/3/issue/${encodeURIComponent(key)}/changelog?startAt=${startAt}&maxResults=100`, changelogPageSchema);
      } catch (e) {
        if (e instanceof SourceHttpError && e.status === 404) {
          deleted = true;
          return null;
        }
        throw e;
      }
    },
    (res) => ({ startAt: res.body.startAt, count: res.body.values.length, isLast: res.body.isLast }),
    async (res) => {
      pages.push(res);
    },
    () => new RepeatingCursorError({ ...where, path: `/rest/api/3/issue/${key}/changelog`, reason: 'changelog paging did not advance' }),
  );
  if (deleted) return null;
  return pages;
}
