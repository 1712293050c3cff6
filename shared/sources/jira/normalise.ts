import type { Activity, NormaliseContext, RawPage } from '../contract.js';
import { NormaliseError } from '../errors.js';
import { changelogPageSchema, searchPageSchema, sprintPageSchema, statusCategoriesSchema, type JiraIssueJson } from './schemas.js';

// Pure: one raw Jira page in, team-level activities out. Names and emails are never read; account ids only
// reach the output through ctx.hashActor. Evidence links go to the issue in Jira's UI (`/browse/KEY`).

type Category = 'new' | 'indeterminate' | 'done';

// Changelog items carry a status id and name but not its category. The connector attaches the site's status list
// (id → category, GET /rest/api/3/status) to every search and changelog page as its `parent`, so categories do
// not depend on page size or on which issues share a page, and names in any language work. Pages stored before
// that carried no map: for them, the page's own issues and Jira's default workflow ids and names are the fallback.
const DEFAULT_CATEGORY_BY_ID: Record<string, Category> = { '1': 'new', '10000': 'new', '3': 'indeterminate', '10001': 'done', '5': 'done', '6': 'done' };
const DEFAULT_CATEGORY_BY_NAME: Record<string, Category> = {
  'to do': 'new',
  open: 'new',
  backlog: 'new',
  'selected for development': 'new',
  reopened: 'new',
  'in progress': 'indeterminate',
  'in review': 'indeterminate',
  'in development': 'indeterminate',
  done: 'done',
  closed: 'done',
  resolved: 'done',
};

/** Converts Jira's `2024-05-01T10:20:30.123+0000` (or any ISO form) to `2024-05-01T10:20:30.123Z`. */
export function jiraTimeToIso(s: string): string {
  const fixed = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(fixed);
  if (Number.isNaN(t)) throw new Error(`not a Jira timestamp: ${s}`);
  return new Date(t).toISOString();
}

function isCategory(s: string): s is Category {
  return s === 'new' || s === 'indeterminate' || s === 'done';
}

function categoryOf(id: string | null | undefined, name: string | null | undefined, learned: Map<string, Category>): Category | null {
  if (id && learned.has(`id:${id}`)) return learned.get(`id:${id}`) as Category;
  if (name && learned.has(`name:${name.toLowerCase()}`)) return learned.get(`name:${name.toLowerCase()}`) as Category;
  if (id && DEFAULT_CATEGORY_BY_ID[id]) return DEFAULT_CATEGORY_BY_ID[id];
  return name ? (DEFAULT_CATEGORY_BY_NAME[name.toLowerCase()] ?? null) : null;
}

function fail(page: RawPage, ctx: NormaliseContext, reason: string, cause?: unknown): never {
  throw new NormaliseError({ source: 'jira', bindingId: ctx.binding.id, path: ctx.rawKey, reason, ...(cause === undefined ? {} : { cause }) });
}

function transitions(
  issueKey: string,
  histories: NonNullable<JiraIssueJson['changelog']>['histories'],
  learned: Map<string, Category>,
  ctx: NormaliseContext,
  index: number,
): Activity[] {
  const out: Activity[] = [];
  for (const h of histories) {
    for (const item of h.items) {
      if (item.field !== 'status' && item.fieldId !== 'status') continue;
      out.push({
        // History ids are unique across a Jira site, so the same change read from a search page and from the
        // changelog endpoint merges into one activity.
        id: `jira:transition:${h.id}`,
        source: 'jira',
        kind: 'issue-transition',
        unit: ctx.binding.unit,
        bindingId: ctx.binding.id,
        at: jiraTimeToIso(h.created),
        actor: h.author?.accountId ? ctx.hashActor(h.author.accountId) : null,
        url: `${ctx.baseUrl.replace(/\/+$/, '')}/browse/${issueKey}`,
        attrs: {
          issueKey,
          fromCategory: categoryOf(item.from, item.fromString, learned),
          toCategory: categoryOf(item.to, item.toString, learned),
          toStatus: item.toString ?? null,
        },
        rawRef: { key: ctx.rawKey, index },
      });
    }
  }
  return out;
}

/** The site's status map the connector attached to the page, as learned entries (`id:…`). */
function siteCategories(page: RawPage): Map<string, Category> {
  const learned = new Map<string, Category>();
  const parsed = statusCategoriesSchema.safeParse(page.parent?.statusCategories);
  if (parsed.success) for (const [id, cat] of Object.entries(parsed.data)) if (isCategory(cat)) learned.set(`id:${id}`, cat);
  return learned;
}

function normaliseSearch(page: RawPage, ctx: NormaliseContext): Activity[] {
  const parsed = searchPageSchema.safeParse(page.body);
  if (!parsed.success) fail(page, ctx, 'expected a search page with an issues array', parsed.error);
  const issues = parsed.data.issues ?? [];
  const learned = siteCategories(page);
  for (const issue of issues) {
    const s = issue.fields?.status;
    if (s && isCategory(s.statusCategory.key)) {
      if (!learned.has(`id:${s.id}`)) learned.set(`id:${s.id}`, s.statusCategory.key);
      learned.set(`name:${s.name.toLowerCase()}`, s.statusCategory.key);
    }
  }
  const base = ctx.baseUrl.replace(/\/+$/, '');
  const out: Activity[] = [];
  issues.forEach((issue, index) => {
    const f = issue.fields;
    // Reconciliation pages (ids only) carry no fields: they describe presence, not activity.
    if (!f || !issue.key || !f.created) return;
    const category = f.status?.statusCategory.key;
    const person = f.assignee?.accountId ?? f.reporter?.accountId;
    out.push({
      id: `jira:issue:${issue.id}`,
      source: 'jira',
      kind: 'issue',
      unit: ctx.binding.unit,
      bindingId: ctx.binding.id,
      at: jiraTimeToIso(f.created),
      actor: person ? ctx.hashActor(person) : null,
      url: `${base}/browse/${issue.key}`,
      attrs: {
        key: issue.key,
        project: f.project?.key ?? issue.key.replace(/-\d+$/, ''),
        type: f.issuetype?.name ?? null,
        statusCategory: category !== undefined && isCategory(category) ? category : null,
        labels: [...(f.labels ?? [])].sort(),
        components: (f.components ?? []).map((c) => c.name).sort(),
        resolvedAt: f.resolutiondate ? jiraTimeToIso(f.resolutiondate) : null,
        updatedAt: f.updated ? jiraTimeToIso(f.updated) : null,
        parentKey: f.parent?.key ?? null,
      },
      rawRef: { key: ctx.rawKey, index },
    });
    if (issue.changelog) out.push(...transitions(issue.key, issue.changelog.histories, learned, ctx, index));
  });
  return out;
}

function normaliseChangelog(page: RawPage, ctx: NormaliseContext): Activity[] {
  const parsed = changelogPageSchema.safeParse(page.body);
  if (!parsed.success) fail(page, ctx, 'expected a changelog page with a values array', parsed.error);
  // The issue is named by the request path: /rest/api/3/issue/{key}/changelog.
  const m = /\/issue\/([^/?]+)\/changelog/.exec(page.path);
  if (!m) fail(page, ctx, 'changelog page path does not name an issue');
  const key = decodeURIComponent(m[1] as string);
  return transitions(key, parsed.data.values, siteCategories(page), ctx, 0).map((a, i) => ({ ...a, rawRef: { key: ctx.rawKey, index: i } }));
}

function normaliseSprints(page: RawPage, ctx: NormaliseContext): Activity[] {
  const parsed = sprintPageSchema.safeParse(page.body);
  if (!parsed.success) fail(page, ctx, 'expected a sprint page with a values array', parsed.error);
  const base = ctx.baseUrl.replace(/\/+$/, '');
  const out: Activity[] = [];
  parsed.data.values.forEach((s, index) => {
    if (!s.startDate) return; // future sprints have not started: nothing happened yet
    out.push({
      id: `jira:sprint:${s.id}`,
      source: 'jira',
      kind: 'sprint',
      unit: ctx.binding.unit,
      bindingId: ctx.binding.id,
      at: jiraTimeToIso(s.startDate),
      actor: null,
      url: `${base}/secure/RapidBoard.jspa?rapidView=${s.originBoardId ?? ''}&sprint=${s.id}`,
      attrs: {
        state: s.state,
        endAt: s.endDate ? jiraTimeToIso(s.endDate) : null,
        completeAt: s.completeDate ? jiraTimeToIso(s.completeDate) : null,
        hasGoal: typeof s.goal === 'string' && s.goal.trim().length > 0,
      },
      rawRef: { key: ctx.rawKey, index },
    });
  });
  return out;
}

/** Turns one raw Jira page into activities (pure); throws NormaliseError on a page it cannot read. */
export function normaliseJiraPage(page: RawPage, ctx: NormaliseContext): Activity[] {
  try {
    if (page.stream === 'search') return normaliseSearch(page, ctx);
    if (page.stream.startsWith('changelog:')) return normaliseChangelog(page, ctx);
    if (page.stream.startsWith('sprints:')) return normaliseSprints(page, ctx);
    if (page.stream === 'reconcile' || page.stream === 'boards' || page.stream === 'statuses') return [];
  } catch (e) {
    if (e instanceof NormaliseError) throw e;
    fail(page, ctx, e instanceof Error ? e.message : 'unreadable page', e);
  }
  return fail(page, ctx, `unknown Jira stream '${page.stream}'`);
}
