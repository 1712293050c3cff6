import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { jiraSource } from '../../shared/sources/jira/index.js';
import { ANCHOR, startJiraSandbox, sync, type RunningJira } from '../integration/jira/jira-sandbox.js';

// The Jira sandbox's responses, as the connector reads them, held against Atlassian's models as jira.js 5.4.0
// types them (generated from Atlassian's OpenAPI; node_modules/jira.js/dist/esm/types/…). jira.js ships TypeScript
// types, not runtime schemas, so each model below is written out as a zod schema field by field from the .d.ts
// named next to it: required fields required, optional ones optional, the declared type checked. Where Atlassian's
// own model text or REALITY.md documents null and the generated type drops it, the schema allows null and says so.
// Objects stay open (Jira adds fields; jira.js's Fields even extends Record<string, any>).

/** version3/models/statusCategory.d.ts StatusCategory: self?, id?: number, key?, colorName?, name?. */
const StatusCategory = z.looseObject({ self: z.string().optional(), id: z.number().optional(), key: z.string().optional(), colorName: z.string().optional(), name: z.string().optional() });
/** version3/models/statusDetails.d.ts StatusDetails: self?, description?, iconUrl?, name?, id?, statusCategory?. */
const StatusDetails = z.looseObject({
  self: z.string().optional(), description: z.string().optional(), iconUrl: z.string().optional(), name: z.string().optional(), id: z.string().optional(),
  statusCategory: StatusCategory.optional(),
});
/** version3/models/userDetails.d.ts UserDetails: self?, accountId?, emailAddress?, avatarUrls?, displayName?, active?: boolean, timeZone?, accountType?. */
const UserDetails = z.looseObject({
  self: z.string().optional(), accountId: z.string().optional(), emailAddress: z.string().optional(), avatarUrls: z.record(z.string(), z.string()).optional(),
  displayName: z.string().optional(), active: z.boolean().optional(), timeZone: z.string().optional(), accountType: z.string().optional(),
});
/** version3/models/changeDetails.d.ts ChangeDetails: field?, fieldtype?, fieldId?, from?, fromString?, to?, toString? (strings; null as Jira sends for unset values). */
const optionalText = z.string().nullable().optional();
const ChangeDetails = z.looseObject({
  field: z.string().optional(), fieldtype: z.string().optional(), fieldId: z.string().optional(),
  from: optionalText, fromString: optionalText, to: optionalText, toString: optionalText,
});
/** version3/models/historyMetadata.d.ts HistoryMetadata: type?, description?, actor?: HistoryMetadataParticipant {id?, displayName?, type?}. */
const HistoryMetadata = z.looseObject({
  type: z.string().optional(), description: z.string().optional(),
  actor: z.looseObject({ id: z.string().optional(), displayName: z.string().optional(), type: z.string().optional() }).optional(),
});
/** version3/models/changelog.d.ts Changelog: id?, author?: UserDetails, created?, items?: ChangeDetails[], historyMetadata?. */
const Changelog = z.looseObject({
  id: z.string().optional(), author: UserDetails.optional(), created: z.string().optional(), items: z.array(ChangeDetails).optional(), historyMetadata: HistoryMetadata.optional(),
});
/** version3/models/pageOfChangelogs.d.ts PageOfChangelogs: startAt?, maxResults?, total?: number, histories?: Changelog[]. */
const PageOfChangelogs = z.looseObject({ startAt: z.number().optional(), maxResults: z.number().optional(), total: z.number().optional(), histories: z.array(Changelog).optional() });
/** version3/models/issueTypeDetails.d.ts IssueTypeDetails: id?, name?, subtask?: boolean, hierarchyLevel?: number, avatarId?: number. */
const IssueTypeDetails = z.looseObject({ id: z.string().optional(), name: z.string().optional(), subtask: z.boolean().optional(), hierarchyLevel: z.number().optional(), avatarId: z.number().optional() });
/**
 * version3/models/fields.d.ts Fields (the fields the connector asks for): status: StatusDetails, issuetype?:
 * IssueTypeDetails, created: string, updated: string, labels: string[], resolutiondate: string | null, assignee:
 * UserDetails (null when unassigned, as Jira sends it), reporter: User, parent?: Issue (only id/key/fields served).
 */
const Fields = z.looseObject({
  status: StatusDetails, issuetype: IssueTypeDetails.optional(), created: z.string(), updated: z.string(), labels: z.array(z.string()),
  resolutiondate: z.string().nullable(), assignee: UserDetails.nullable(), reporter: UserDetails,
  parent: z.looseObject({ id: z.string(), key: z.string(), fields: z.looseObject({}) }).optional(),
});
/** version3/models/issue.d.ts Issue: id: string, key: string, fields: Fields, self?, expand?, changelog?: PageOfChangelogs. */
const Issue = z.looseObject({ id: z.string(), key: z.string(), fields: Fields, self: z.string().optional(), expand: z.string().optional(), changelog: PageOfChangelogs.optional() });
/**
 * version3/models/searchAndReconcileResults.d.ts SearchAndReconcileResults: issues?: Issue[], nextPageToken?:
 * string ("If this result represents the last or the only page this token will be null", the model's own text).
 */
const SearchAndReconcileResults = z.looseObject({ issues: z.array(Issue).optional(), nextPageToken: z.string().nullable().optional() });
/**
 * Reconciliation pages ask `fields=id,key` and get ids only: jira.js types Issue.key/fields as required, but Jira
 * (and the sandbox) answer such a request with `{id}` alone, so only `id` is held to the model here.
 */
const IdsOnlySearch = z.looseObject({ issues: z.array(z.looseObject({ id: z.string() })).optional(), nextPageToken: z.string().nullable().optional() });
/** version3/models/pageChangelog.d.ts PageChangelog: self?, nextPage?, maxResults?, startAt?, total?, isLast?: boolean, values?: Changelog[]. */
const PageChangelog = z.looseObject({
  self: z.string().optional(), nextPage: z.string().optional(), maxResults: z.number().optional(), startAt: z.number().optional(), total: z.number().optional(),
  isLast: z.boolean().optional(), values: z.array(Changelog).optional(),
});
/** version3/workflowStatuses.d.ts getStatuses → StatusDetails[]. */
const StatusList = z.array(StatusDetails);
/** agile/models/getAllBoards.d.ts GetAllBoards: isLast?, maxResults?, startAt?, total?, values: Board[] (agile/models/board.d.ts: id?: number, name?, type?). */
const GetAllBoards = z.looseObject({
  isLast: z.boolean().optional(), maxResults: z.number().optional(), startAt: z.number().optional(), total: z.number().optional(),
  values: z.array(z.looseObject({ id: z.number().optional(), name: z.string().optional(), type: z.string().optional() })),
});
/**
 * agile/models/sprint.d.ts Sprint: id: number, state: string, name: string, startDate?, endDate?, completeDate?,
 * createdDate?: string, originBoardId?: number, goal?: string (null after a goal is cleared: REALITY.md, Jira).
 * The page is agile/board.d.ts getAllSprints → Paginated<Sprint> (isLast, maxResults, startAt, values).
 */
const Sprint = z.looseObject({
  id: z.number(), state: z.string(), name: z.string(), startDate: z.string().optional(), endDate: z.string().optional(), completeDate: z.string().optional(),
  createdDate: z.string().optional(), originBoardId: z.number().optional(), goal: z.string().nullable().optional(),
});
const SprintPage = z.looseObject({ isLast: z.boolean().optional(), maxResults: z.number().optional(), startAt: z.number().optional(), values: z.array(Sprint) });

/**
 * version3/models/errorCollection.d.ts ErrorCollection: errorMessages?: string[], errors?: Record<string, string>,
 * status?: number. The body of the changelog 404 for an issue deleted between search and fetch.
 */
const ErrorCollection = z.looseObject({ errorMessages: z.array(z.string()).optional(), errors: z.record(z.string(), z.string()).optional(), status: z.number().optional() });

/** Picks the model for a request the connector sent (by path and query, and the error model for an error status). */
function modelFor(url: URL, status: number): z.ZodType | null {
  const p = url.pathname;
  if (status >= 400) return /^\/rest\/api\/3\/issue\/[^/]+\/changelog$/.test(p) && status === 404 ? ErrorCollection : null;
  if (p === '/rest/api/3/search/jql') return url.searchParams.get('fields') === 'id,key' ? IdsOnlySearch : SearchAndReconcileResults;
  if (/^\/rest\/api\/3\/issue\/[^/]+\/changelog$/.test(p)) return PageChangelog;
  if (p === '/rest/api/3/status') return StatusList;
  if (p === '/rest/agile/1.0/board') return GetAllBoards;
  if (/^\/rest\/agile\/1\.0\/board\/\d+\/sprint$/.test(p)) return SprintPage;
  return null;
}

interface Served {
  url: URL;
  status: number;
  body: unknown;
}

let jira: RunningJira;
const served: Served[] = [];
beforeAll(async () => {
  jira = await startJiraSandbox({ weeks: 10 });
  // An issue with more than 40 histories (full changelog fetched) and a first sync plus a reconciliation pass, so
  // every endpoint the connector reads is served at least once.
  const long = jira.world.addIssue({ projectKey: 'RECO', created: new Date(ANCHOR.getTime() - 20 * 86_400_000) });
  for (let i = 0; i < 45; i++) jira.world.transition(long.key, i % 2 === 0 ? 'In Progress' : 'In Review', new Date(ANCHOR.getTime() - 19 * 86_400_000 + i * 3_600_000));
  // And one deleted between the search that listed it and the fetch of its full changelog (Jira answers 404).
  const gone = jira.world.addIssue({ projectKey: 'RECO', created: new Date(ANCHOR.getTime() - 20 * 86_400_000) });
  for (let i = 0; i < 42; i++) jira.world.transition(gone.key, i % 2 === 0 ? 'In Progress' : 'In Review', new Date(ANCHOR.getTime() - 19 * 86_400_000 + i * 3_600_000));
  const recording: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname.endsWith(`/issue/${gone.key}/changelog`) && jira.world.findIssue(gone.key)) jira.world.deleteIssue(gone.key);
    const res = await fetch(input, init);
    served.push({ url, status: res.status, body: await res.clone().json() });
    return res;
  };
  const first = await sync(jiraSource, jira.org, 'pod:recsys/jira', { fetch: recording });
  await sync(jiraSource, jira.org, 'pod:recsys/jira', { fetch: recording, cursor: first.outcome.cursor, asOf: new Date(ANCHOR.getTime() + 8 * 86_400_000).toISOString() });
});
afterAll(async () => {
  await jira.close();
});

describe('Jira sandbox responses against jira.js 5.4.0 models', () => {
  it('serves every endpoint the connector reads, each response valid against its jira.js model', () => {
    const kinds = new Set<string>();
    for (const s of served) {
      const model = modelFor(s.url, s.status);
      expect(model, `a model for ${s.status} ${s.url.pathname}`).not.toBeNull();
      const checked = (model as z.ZodType).safeParse(s.body);
      expect(checked.success ? 'ok' : `${s.url.pathname}: ${checked.error.issues.slice(0, 3).map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`).toBe('ok');
      kinds.add(s.url.pathname.replace(/\/board\/\d+\//, '/board/{id}/').replace(/\/issue\/[^/]+\//, '/issue/{key}/'));
    }
    expect([...kinds].sort()).toEqual([
      '/rest/agile/1.0/board',
      '/rest/agile/1.0/board/{id}/sprint',
      '/rest/api/3/issue/{key}/changelog',
      '/rest/api/3/search/jql',
      '/rest/api/3/status',
    ]);
    // The documented edge shapes were among them: a null last-page token, inlined changelogs with and without total.
    const searches = served.filter((s) => s.url.pathname === '/rest/api/3/search/jql').map((s) => s.body as { nextPageToken?: unknown; issues?: { changelog?: Record<string, unknown> }[] });
    expect(searches.some((b) => b.nextPageToken === null)).toBe(true);
    const changelogs = searches.flatMap((b) => b.issues ?? []).map((i) => i.changelog).filter((c) => c !== undefined);
    expect(changelogs.some((c) => 'total' in c) && changelogs.some((c) => !('total' in c))).toBe(true);
    // And the changelog 404 of an issue deleted after the search.
    expect(served.some((s) => s.status === 404 && s.url.pathname.endsWith('/changelog'))).toBe(true);
  });

  it('fails the check when one field of a served response is broken', () => {
    const search = served.find((s) => s.url.pathname === '/rest/api/3/search/jql' && s.url.searchParams.get('fields') !== 'id,key');
    const sprints = served.find((s) => s.url.pathname.endsWith('/sprint'));
    const changelog = served.find((s) => s.status === 200 && s.url.pathname.endsWith('/changelog'));
    const gone = served.find((s) => s.status === 404 && s.url.pathname.endsWith('/changelog'));
    const statuses = served.find((s) => s.url.pathname === '/rest/api/3/status');
    if (!search || !sprints || !changelog || !gone || !statuses) throw new Error('missing a served response');
    // The bodies are JSON trees of unknown shape; mutating them needs loose typing.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    type Json = any;
    const mutations: { name: string; model: z.ZodType; body: unknown; mutate: (b: Json) => void }[] = [
      { name: 'issue created as a number', model: SearchAndReconcileResults, body: search.body, mutate: (b) => { b.issues[0].fields.created = 1700000000000; } },
      { name: 'issue key renamed', model: SearchAndReconcileResults, body: search.body, mutate: (b) => { b.issues[0].issueKey = b.issues[0].key; delete b.issues[0].key; } },
      { name: 'statusCategory id as a string', model: SearchAndReconcileResults, body: search.body, mutate: (b) => { b.issues[0].fields.status.statusCategory.id = '3'; } },
      { name: 'nextPageToken as a number', model: SearchAndReconcileResults, body: search.body, mutate: (b) => { b.nextPageToken = 2; } },
      { name: 'sprint id as a string', model: SprintPage, body: sprints.body, mutate: (b) => { b.values[0].id = String(b.values[0].id); } },
      { name: 'changelog isLast as a string', model: PageChangelog, body: changelog.body, mutate: (b) => { b.isLast = 'true'; } },
      { name: 'error messages as one string', model: ErrorCollection, body: gone.body, mutate: (b) => { b.errorMessages = b.errorMessages[0]; } },
      { name: 'status list as an object', model: StatusList, body: statuses.body, mutate: (b) => { b[0].statusCategory = 'done'; } },
    ];
    for (const m of mutations) {
      const body = structuredClone(m.body);
      expect(m.model.safeParse(body).success, `${m.name}: intact`).toBe(true);
      m.mutate(body);
      expect(m.model.safeParse(body).success, m.name).toBe(false);
    }
  });
});
