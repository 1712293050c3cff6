import { Hono, type Context } from 'hono';
import { faultMiddleware, type FaultRegistry, type FaultVariables } from '../faults.js';
import { JqlError, parseJql, sortIssues, UnboundedJqlError } from './jql.js';
import {
  JIRA_ISSUE_TYPES,
  JIRA_STATUS_CATEGORIES,
  JIRA_STATUSES,
  jiraTimestamp,
  type JiraHistory,
  type JiraIssue,
  type JiraPerson,
  type JiraStatusName,
  type JiraWorld,
} from './world.js';
import { registerJiraWeb } from './web.js';

// Jira Cloud REST v3 and Agile 1.0 as far as the connector and jira.js use them, with the vendor's quirks kept:
// enhanced search returns only `id` unless fields are asked for, has no total/startAt, caps page sizes, inlines
// at most 40 histories newest first (JRACLOUD-96459) and leaves the changelog's optional `total` out when it
// inlined them all, ends with `nextPageToken: null` (Atlassian's model: "will be null"), lags behind updates
// (index lag, see JiraWorld.indexLagMs); the old /search is gone (410); errors are {errorMessages, errors}.
// Statuses are the site's own (ids and names in the site's language, GET /rest/api/3/status).

const INLINE_HISTORIES = 40;
const NAVIGABLE_FIELDS = [
  'summary',
  'status',
  'issuetype',
  'labels',
  'components',
  'created',
  'updated',
  'resolutiondate',
  'resolution',
  'statuscategorychangedate',
  'parent',
  'assignee',
  'reporter',
  'creator',
  'project',
  'priority',
  'description',
];
const REMOVED_SEARCH =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';

type Env = { Variables: FaultVariables };

function jiraError(c: Context, status: number, messages: string[], headers: Record<string, string> = {}): Response {
  return c.json({ errorMessages: messages, errors: {} }, status as 400, headers);
}

const DEFAULT_ERROR_TEXT: Record<number, string> = {
  400: 'Bad request.',
  401: 'You are not authenticated. Authentication required to perform this operation.',
  403: 'You do not have permission to perform this operation.',
  404: 'The requested resource does not exist.',
  500: 'Internal server error.',
  502: 'Bad gateway.',
  503: 'Service unavailable. Please try again later.',
  504: 'Gateway timeout.',
};

function encodeToken(o: object): string {
  return Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
}
function decodeToken<T>(t: string): T | null {
  try {
    return JSON.parse(Buffer.from(t, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

/** Which fields a request asked for, resolved the way Jira does (`*all`, `*navigable`, `-field`, lists). */
function resolveFields(requested: string[] | undefined): { fields: Set<string>; idsOnly: boolean } {
  const list = (requested ?? []).flatMap((f) => f.split(',')).map((f) => f.trim()).filter((f) => f.length > 0);
  if (list.length === 0) return { fields: new Set(), idsOnly: true };
  const out = new Set<string>();
  for (const f of list) {
    if (f === '*all' || f === '*navigable') NAVIGABLE_FIELDS.forEach((n) => out.add(n));
    else if (!f.startsWith('-')) out.add(f.toLowerCase());
  }
  for (const f of list) if (f.startsWith('-')) out.delete(f.slice(1).toLowerCase());
  const idsOnly = [...out].every((f) => f === 'id' || f === 'key');
  return { fields: out, idsOnly };
}

function renderPerson(p: JiraPerson, base: string) {
  return {
    self: `${base}/rest/api/3/user?accountId=${encodeURIComponent(p.accountId)}`,
    accountId: p.accountId,
    emailAddress: p.emailAddress,
    avatarUrls: { '48x48': `${base}/secure/useravatar?size=large&accountId=${encodeURIComponent(p.accountId)}` },
    displayName: p.displayName,
    active: true,
    timeZone: 'Etc/UTC',
    accountType: 'atlassian',
  };
}

/** A status as the site shows it (StatusDetails in jira.js 5.4 `version3/models/statusDetails.d.ts`). */
function renderSiteStatus(world: JiraWorld, status: JiraStatusName, base: string) {
  const s = JIRA_STATUSES[status];
  const site = world.siteStatuses[status];
  const cat = JIRA_STATUS_CATEGORIES[s.category];
  return {
    self: `${base}/rest/api/3/status/${site.id}`,
    description: '',
    iconUrl: `${base}/`,
    name: site.name,
    untranslatedName: site.name,
    id: site.id,
    statusCategory: { self: `${base}/rest/api/3/statuscategory/${cat.id}`, id: cat.id, key: s.category, colorName: cat.colorName, name: cat.name },
  };
}

function renderStatus(world: JiraWorld, issue: JiraIssue, base: string) {
  return renderSiteStatus(world, issue.status, base);
}

/** An issue description in Atlassian Document Format: free text where real sites name people (and emails). */
function renderDescription(issue: JiraIssue) {
  const text = `${issue.summary}. Raised by ${issue.reporter.displayName} (${issue.reporter.emailAddress}).`;
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

function renderIssueType(issue: JiraIssue, base: string) {
  const t = JIRA_ISSUE_TYPES[issue.type];
  return {
    self: `${base}/rest/api/3/issuetype/${t.id}`,
    id: t.id,
    description: '',
    iconUrl: `${base}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10315?size=medium`,
    name: issue.type,
    subtask: t.subtask,
    avatarId: 10315,
    hierarchyLevel: t.hierarchyLevel,
  };
}

function renderHistory(world: JiraWorld, h: JiraHistory, base: string) {
  // Status items carry the site's status ids and names (the world stores the canonical workflow ones).
  const items = h.items.map((it) => {
    if (it.fieldId !== 'status') return { ...it };
    const from = world.siteStatusById(it.from);
    const to = world.siteStatusById(it.to);
    return { ...it, from: from?.id ?? it.from, fromString: from?.name ?? it.fromString, to: to?.id ?? it.to, toString: to?.name ?? it.toString };
  });
  return {
    id: h.id,
    author: renderPerson(h.author, base),
    created: jiraTimestamp(h.created),
    items,
    ...(h.historyMetadata ? { historyMetadata: h.historyMetadata } : {}),
  };
}

function renderIssue(world: JiraWorld, issue: JiraIssue, fields: Set<string>, changelog: boolean, base: string): Record<string, unknown> {
  const out: Record<string, unknown> = { id: issue.id };
  const wantsAny = [...fields].some((f) => f !== 'id');
  if (wantsAny || changelog) {
    out.expand = 'operations,versionedRepresentations,editmeta,changelog,renderedFields';
    out.self = `${base}/rest/api/3/issue/${issue.id}`;
    out.key = issue.key;
  }
  const f: Record<string, unknown> = {};
  const project = world.projects.get(issue.projectKey);
  for (const name of fields) {
    switch (name) {
      case 'summary':
        f.summary = issue.summary;
        break;
      case 'status':
        f.status = renderStatus(world, issue, base);
        break;
      case 'issuetype':
        f.issuetype = renderIssueType(issue, base);
        break;
      case 'labels':
        f.labels = [...issue.labels];
        break;
      case 'components':
        // Jira's ComponentJsonBean as search returns it: self, id, name (jira.js version3/models/projectComponent).
        f.components = issue.components.map((name, i) => ({ self: `${base}/rest/api/3/component/${10000 + i}`, id: String(10000 + i), name }));
        break;
      case 'created':
        f.created = jiraTimestamp(issue.created);
        break;
      case 'updated':
        f.updated = jiraTimestamp(issue.updated);
        break;
      case 'resolutiondate':
        f.resolutiondate = issue.resolved === null ? null : jiraTimestamp(issue.resolved);
        break;
      case 'resolution':
        f.resolution = issue.resolved === null ? null : { self: `${base}/rest/api/3/resolution/10000`, id: '10000', description: 'Work has been done', name: 'Done' };
        break;
      case 'statuscategorychangedate':
        f.statuscategorychangedate = jiraTimestamp(issue.statusCategoryChanged);
        break;
      case 'parent': {
        const parent = issue.parentKey === null ? undefined : world.findIssue(issue.parentKey);
        if (parent) {
          f.parent = {
            id: parent.id,
            key: parent.key,
            self: `${base}/rest/api/3/issue/${parent.id}`,
            fields: { summary: parent.summary, status: renderStatus(world, parent, base), issuetype: renderIssueType(parent, base) },
          };
        }
        break;
      }
      case 'assignee':
        f.assignee = issue.assignee === null ? null : renderPerson(issue.assignee, base);
        break;
      case 'reporter':
        f.reporter = renderPerson(issue.reporter, base);
        break;
      case 'creator':
        f.creator = renderPerson(issue.reporter, base);
        break;
      case 'project':
        f.project = {
          self: `${base}/rest/api/3/project/${project?.id ?? '0'}`,
          id: project?.id ?? '0',
          key: issue.projectKey,
          name: project?.name ?? issue.projectKey,
          projectTypeKey: 'software',
          simplified: false,
        };
        break;
      case 'description':
        f.description = renderDescription(issue);
        break;
      case 'priority':
        f.priority = { self: `${base}/rest/api/3/priority/3`, iconUrl: `${base}/images/icons/priorities/medium.svg`, name: 'Medium', id: '3' };
        break;
      default:
        break;
    }
  }
  if (Object.keys(f).length > 0) out.fields = f;
  if (changelog) {
    const newest = issue.histories.slice(-INLINE_HISTORIES).reverse();
    const cut = issue.histories.length > newest.length;
    out.changelog = {
      startAt: 0,
      maxResults: newest.length,
      ...(cut ? { total: issue.histories.length } : {}),
      histories: newest.map((h) => renderHistory(world, h, base)),
    };
  }
  return out;
}

interface SearchParams {
  jql: string | undefined;
  nextPageToken: string | undefined;
  maxResults: number | undefined;
  fields: string[] | undefined;
  expand: string | undefined;
}

function search(c: Context<Env>, world: JiraWorld, p: SearchParams): Response {
  if (p.jql === undefined || p.jql.trim() === '') {
    return jiraError(c, 400, [new UnboundedJqlError().reason]);
  }
  let parsed;
  try {
    parsed = parseJql(p.jql);
  } catch (e) {
    if (e instanceof JqlError || e instanceof UnboundedJqlError) return jiraError(c, 400, [e.reason]);
    throw e;
  }
  const missing = parsed.projects.find((k) => !world.projects.has(k));
  if (missing !== undefined) return jiraError(c, 400, [`The value '${missing}' does not exist for the field 'project'.`]);
  const { fields, idsOnly } = resolveFields(p.fields);
  const expand = (p.expand ?? '').split(',').map((s) => s.trim());
  const changelog = expand.includes('changelog');
  const cap = idsOnly && !changelog ? 5000 : 100;
  const requested = p.maxResults ?? 50;
  if (!Number.isInteger(requested) || requested < 0) return jiraError(c, 400, ["The 'maxResults' parameter must be a non-negative integer."]);
  const size = Math.min(requested, cap);
  let offset = 0;
  if (p.nextPageToken !== undefined) {
    const t = decodeToken<{ o?: unknown; q?: unknown }>(p.nextPageToken);
    if (t === null || typeof t.o !== 'number' || t.q !== p.jql) return jiraError(c, 400, ['The provided next page token is invalid or expired.']);
    offset = t.o;
  }
  const now = world.clock();
  const where = parsed.where;
  const matching = sortIssues(
    [...world.issues.values()].filter((i) => world.isIndexed(i) && (where === null || where(i, now))),
    parsed.orderBy,
  );
  const page = matching.slice(offset, offset + size);
  const base = new URL(c.req.url).origin;
  // `issues` is optional in Atlassian's model (SearchAndReconcileResults); an empty result leaves it out.
  const body: Record<string, unknown> = page.length > 0 ? { issues: page.map((i) => renderIssue(world, i, fields, changelog, base)) } : {};
  // Under the repeat-cursor fault the token received is handed back, as a broken paginator would.
  const repeat = c.get('repeatCursor') && p.nextPageToken !== undefined;
  const more = repeat || (offset + size < matching.length && size > 0);
  body.nextPageToken = more ? (repeat ? p.nextPageToken : encodeToken({ o: offset + size, q: p.jql })) : null;
  body.isLast = !more;
  return c.json(body);
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : NaN;
}

/** Builds the Jira Cloud simulator app over a world; `isAuthorised` checks the Authorization header. */
export function buildJiraApp(world: JiraWorld, faults: FaultRegistry, isAuthorised: (header: string | undefined) => boolean): Hono<Env> {
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    world.requestLog.push({ method: c.req.method, path: c.req.path, authorised: isAuthorised(c.req.header('authorization')) });
    await next();
  });
  registerJiraWeb(app, world); // web views of issues and sprints, without the API's auth (issue 17)
  app.use(
    '*',
    faultMiddleware('jira', faults, {
      rateLimit: (c, fault) => {
        const seconds = fault.retryAfterSeconds ?? 1;
        // Jira sends the reset as an ISO timestamp at minute precision; Retry-After is the number to honour.
        const reset = new Date(Date.now() + seconds * 1000).toISOString().slice(0, 16) + 'Z';
        return jiraError(c, 429, ['Rate limit exceeded.'], {
          'Retry-After': String(seconds),
          'X-RateLimit-Reset': reset,
          'X-RateLimit-Limit': '100',
          'X-RateLimit-Remaining': '0',
          'RateLimit-Reason': 'jira-burst-based',
        });
      },
      error: (c, status) => jiraError(c, status, [DEFAULT_ERROR_TEXT[status] ?? `HTTP ${status}`]),
    }),
  );
  app.use('*', async (c, next) => {
    if (!isAuthorised(c.req.header('authorization'))) {
      return jiraError(c, 401, [DEFAULT_ERROR_TEXT[401] as string], { 'WWW-Authenticate': 'Basic realm="protected-area"' });
    }
    return next();
  });

  app.get('/rest/api/3/search/jql', (c) =>
    search(c, world, {
      jql: c.req.query('jql'),
      nextPageToken: c.req.query('nextPageToken'),
      maxResults: num(c.req.query('maxResults')),
      fields: c.req.queries('fields'),
      expand: c.req.query('expand'),
    }),
  );
  app.post('/rest/api/3/search/jql', async (c) => {
    let b: Record<string, unknown>;
    try {
      b = (await c.req.json()) as Record<string, unknown>;
    } catch {
      return jiraError(c, 400, ['Unexpected character in request body: the body must be JSON.']);
    }
    const fields = Array.isArray(b.fields) ? b.fields.map(String) : typeof b.fields === 'string' ? [b.fields] : undefined;
    const expand = Array.isArray(b.expand) ? b.expand.map(String).join(',') : typeof b.expand === 'string' ? b.expand : undefined;
    return search(c, world, {
      jql: typeof b.jql === 'string' ? b.jql : undefined,
      nextPageToken: typeof b.nextPageToken === 'string' ? b.nextPageToken : undefined,
      maxResults: typeof b.maxResults === 'number' ? b.maxResults : undefined,
      fields,
      expand,
    });
  });
  for (const v of ['2', '3', 'latest']) {
    app.on(['GET', 'POST'], `/rest/api/${v}/search`, (c) => jiraError(c, 410, [REMOVED_SEARCH]));
    app.post(`/rest/api/${v}/search/id`, (c) => jiraError(c, 410, [REMOVED_SEARCH]));
  }

  // The site's statuses, all in one response (StatusDetails[]): the only place a changelog's status ids get
  // their categories, in whatever language the site uses.
  app.get('/rest/api/3/status', (c) => {
    const base = new URL(c.req.url).origin;
    return c.json((Object.keys(JIRA_STATUSES) as JiraStatusName[]).map((n) => renderSiteStatus(world, n, base)));
  });

  app.get('/rest/api/3/issue/:key/changelog', (c) => {
    const issue = world.findIssue(c.req.param('key'));
    if (!issue) return jiraError(c, 404, ['Issue does not exist or you do not have permission to see it.']);
    const startAt = num(c.req.query('startAt')) ?? 0;
    const maxResults = Math.min(num(c.req.query('maxResults')) ?? 100, 100);
    if (!Number.isInteger(startAt) || startAt < 0 || !Number.isInteger(maxResults) || maxResults < 0) {
      return jiraError(c, 400, ['startAt and maxResults must be non-negative integers.']);
    }
    const base = new URL(c.req.url).origin;
    const values = issue.histories.slice(startAt, startAt + maxResults);
    const isLast = startAt + maxResults >= issue.histories.length;
    const self = `${base}/rest/api/3/issue/${issue.key}/changelog?maxResults=${maxResults}&startAt=${startAt}`;
    return c.json({
      self,
      ...(isLast ? {} : { nextPage: `${base}/rest/api/3/issue/${issue.key}/changelog?maxResults=${maxResults}&startAt=${startAt + maxResults}` }),
      maxResults,
      startAt,
      total: issue.histories.length,
      isLast,
      values: values.map((h) => renderHistory(world, h, base)),
    });
  });

  app.post('/rest/api/3/changelog/bulkfetch', async (c) => {
    let b: Record<string, unknown>;
    try {
      b = (await c.req.json()) as Record<string, unknown>;
    } catch {
      return jiraError(c, 400, ['The request body must be JSON.']);
    }
    const ids = Array.isArray(b.issueIdsOrKeys) ? b.issueIdsOrKeys.map(String) : [];
    if (ids.length === 0 || ids.length > 1000) return jiraError(c, 400, ['issueIdsOrKeys must list between 1 and 1000 issues.']);
    const fieldIds = Array.isArray(b.fieldIds) ? b.fieldIds.map(String) : [];
    if (fieldIds.length > 10) return jiraError(c, 400, ['fieldIds can list at most 10 fields.']);
    const maxResults = Math.min(typeof b.maxResults === 'number' ? b.maxResults : 1000, 10000);
    let offset = 0;
    if (typeof b.nextPageToken === 'string') {
      const t = decodeToken<{ o?: unknown }>(b.nextPageToken);
      if (t === null || typeof t.o !== 'number') return jiraError(c, 400, ['The provided next page token is invalid or expired.']);
      offset = t.o;
    }
    const base = new URL(c.req.url).origin;
    // Flatten (issue, history) pairs so the page size counts histories, as Jira's does.
    const pairs: { issueId: string; h: JiraHistory }[] = [];
    for (const key of ids) {
      const issue = world.findIssue(key);
      if (!issue) continue;
      for (const h of issue.histories) {
        const items = fieldIds.length === 0 ? h.items : h.items.filter((it) => fieldIds.includes(it.fieldId));
        if (items.length > 0) pairs.push({ issueId: issue.id, h: { ...h, items } });
      }
    }
    const page = pairs.slice(offset, offset + maxResults);
    const grouped = new Map<string, ReturnType<typeof renderHistory>[]>();
    for (const { issueId, h } of page) {
      const list = grouped.get(issueId) ?? [];
      list.push(renderHistory(world, h, base));
      grouped.set(issueId, list);
    }
    const more = offset + maxResults < pairs.length;
    const token = more ? (c.get('repeatCursor') && typeof b.nextPageToken === 'string' ? b.nextPageToken : encodeToken({ o: offset + maxResults })) : undefined;
    return c.json({
      issueChangeLogs: [...grouped].map(([issueId, changeHistories]) => ({ issueId, changeHistories })),
      ...(token === undefined ? {} : { nextPageToken: token }),
    });
  });

  app.get('/rest/agile/1.0/board', (c) => {
    const startAt = num(c.req.query('startAt')) ?? 0;
    const maxResults = Math.min(num(c.req.query('maxResults')) ?? 50, 50);
    const project = c.req.query('projectKeyOrId')?.toUpperCase();
    const type = c.req.query('type');
    const base = new URL(c.req.url).origin;
    const all = world.boards.filter(
      (b) =>
        (project === undefined || b.projectKey === project || world.projects.get(b.projectKey)?.id === project) &&
        (type === undefined || type.split(',').includes(b.type)),
    );
    const values = all.slice(startAt, startAt + maxResults).map((b) => {
      const p = world.projects.get(b.projectKey);
      return {
        id: b.id,
        self: `${base}/rest/agile/1.0/board/${b.id}`,
        name: b.name,
        type: b.type,
        location: { projectId: Number(p?.id ?? 0), displayName: `${p?.name ?? b.projectKey} (${b.projectKey})`, projectName: p?.name ?? b.projectKey, projectKey: b.projectKey, projectTypeKey: 'software', name: `${p?.name ?? b.projectKey} (${b.projectKey})` },
      };
    });
    return c.json({ maxResults, startAt, total: all.length, isLast: startAt + maxResults >= all.length, values });
  });

  app.get('/rest/agile/1.0/board/:id/sprint', (c) => {
    const id = Number(c.req.param('id'));
    const board = world.boards.find((b) => b.id === id);
    if (!board) return jiraError(c, 404, [`Board does not exist or you do not have permission to see it.`]);
    if (board.type !== 'scrum') return jiraError(c, 400, ['The board does not support sprints']);
    const startAt = num(c.req.query('startAt')) ?? 0;
    const maxResults = Math.min(num(c.req.query('maxResults')) ?? 50, 50);
    const states = c.req.query('state')?.split(',');
    const base = new URL(c.req.url).origin;
    const all = world.sprints.filter((s) => s.boardId === id && (states === undefined || states.includes(s.state)));
    const values = all.slice(startAt, startAt + maxResults).map((s) => ({
      id: s.id,
      self: `${base}/rest/agile/1.0/sprint/${s.id}`,
      state: s.state,
      name: s.name,
      ...(s.startDate === null ? {} : { startDate: new Date(s.startDate).toISOString() }),
      ...(s.endDate === null ? {} : { endDate: new Date(s.endDate).toISOString() }),
      ...(s.completeDate === null ? {} : { completeDate: new Date(s.completeDate).toISOString() }),
      createdDate: new Date(s.createdDate).toISOString(),
      originBoardId: s.boardId,
      // Jira leaves goal out on sprints that never had one set and serves null after it was cleared.
      ...(s.goal === null && s.state === 'future' ? {} : { goal: s.goal }),
    }));
    return c.json({ maxResults, startAt, isLast: startAt + maxResults >= all.length, values });
  });

  app.notFound((c) => jiraError(c, 404, ['No resource found at this path.']));
  return app;
}
