import * as z from 'zod';
import type { FieldSpec, StreamAllowList } from '../allow-list.js';

// The documented shapes of the Jira pages we read, and next to each the allow-list of what is kept of it raw.
// Objects are loose (Jira adds fields over time); only what the connector and the normaliser rely on is checked.
// Field optionality follows jira.js 5.4.0's models (generated from Atlassian's OpenAPI): see
// test/conformance/jira-models.test.ts, which holds the sandbox's responses against them.

const person = z.looseObject({ accountId: z.string() }).nullable().optional();

const changeItem = z.looseObject({
  field: z.string(),
  fieldId: z.string().optional(),
  from: z.string().nullable().optional(),
  fromString: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  toString: z.string().nullable().optional(),
});

const history = z.looseObject({
  id: z.string(),
  created: z.string(),
  author: person,
  items: z.array(changeItem),
});

const statusCategory = z.enum(['new', 'indeterminate', 'done', 'undefined']);

export const jiraIssueSchema = z.looseObject({
  id: z.string(),
  key: z.string().optional(),
  fields: z
    .looseObject({
      status: z.looseObject({ id: z.string(), name: z.string(), statusCategory: z.looseObject({ key: z.string() }) }).optional(),
      issuetype: z.looseObject({ name: z.string() }).optional(),
      labels: z.array(z.string()).optional(),
      components: z.array(z.looseObject({ name: z.string() })).optional(),
      created: z.string().optional(),
      updated: z.string().optional(),
      resolutiondate: z.string().nullable().optional(),
      parent: z.looseObject({ id: z.string(), key: z.string() }).optional(),
      project: z.looseObject({ key: z.string() }).optional(),
      assignee: person,
      reporter: person,
    })
    .optional(),
  // `total` is optional in Atlassian's model (PageOfChangelogs); search leaves it out when all histories fit.
  changelog: z.looseObject({ total: z.number().optional(), histories: z.array(history) }).optional(),
});

/** GET /rest/api/3/search/jql (SearchAndReconcileResults: `issues` optional, `nextPageToken` null on the last page). */
export const searchPageSchema = z.looseObject({
  issues: z.array(jiraIssueSchema).optional(),
  nextPageToken: z.string().nullable().optional(),
  isLast: z.boolean().optional(),
});

/** GET /rest/api/3/issue/{key}/changelog */
export const changelogPageSchema = z.looseObject({
  startAt: z.number(),
  maxResults: z.number(),
  total: z.number().optional(),
  isLast: z.boolean(),
  values: z.array(history),
});

/** GET /rest/agile/1.0/board */
export const boardPageSchema = z.looseObject({
  startAt: z.number(),
  maxResults: z.number(),
  isLast: z.boolean(),
  values: z.array(z.looseObject({ id: z.number(), type: z.string() })),
});

/** GET /rest/agile/1.0/board/{id}/sprint: dates and goal may be absent or null (future or goal-less sprints). */
export const sprintPageSchema = z.looseObject({
  startAt: z.number(),
  maxResults: z.number(),
  isLast: z.boolean(),
  values: z.array(
    z.looseObject({
      id: z.number(),
      state: z.string(),
      startDate: z.string().nullish(),
      endDate: z.string().nullish(),
      completeDate: z.string().nullish(),
      originBoardId: z.number().nullish(),
      goal: z.string().nullish(),
    }),
  ),
});

/** GET /rest/api/3/status: every status of the site, with its category (names in the site's language). */
export const statusListSchema = z.array(z.looseObject({ id: z.string(), name: z.string().optional(), statusCategory: z.looseObject({ key: z.string() }).optional() }));

/** Status id → category, learned from the site's status list; carried as a raw page's parent. */
export const statusCategoriesSchema = z.record(z.string(), statusCategory);

export type JiraIssueJson = z.infer<typeof jiraIssueSchema>;
export type SearchPage = z.infer<typeof searchPageSchema>;
export type ChangelogPage = z.infer<typeof changelogPageSchema>;
export type SprintPage = z.infer<typeof sprintPageSchema>;
export type StatusList = z.infer<typeof statusListSchema>;

// ---- Allow-lists: exactly what normalise.ts reads, per stream. ------------------------------------------------

const historySpec: FieldSpec = {
  id: true,
  created: true,
  author: { accountId: 'person' },
  // Only status items reach here (see keepStatusItems); from/to are status ids, *String the site's status names.
  items: [{ field: true, fieldId: true, from: true, fromString: true, to: true, toString: true as const }],
};

const parentSpec: FieldSpec = { statusCategories: { '*': true } };

/** What is kept raw of each Jira stream (the stream kind is the part before `:`). */
export const JIRA_ALLOW_LISTS: Readonly<Record<string, StreamAllowList>> = {
  search: {
    body: {
      nextPageToken: true,
      isLast: true,
      issues: [
        {
          id: true,
          key: true,
          fields: {
            status: { id: true, name: true, statusCategory: { key: true } },
            issuetype: { name: true },
            labels: true,
            components: [{ name: true }],
            created: true,
            updated: true,
            resolutiondate: true,
            parent: { id: true, key: true },
            project: { key: true },
            assignee: { accountId: 'person' },
            reporter: { accountId: 'person' },
          },
          changelog: { total: true, histories: [historySpec] },
        },
      ],
    },
    parent: parentSpec,
  },
  changelog: { body: { startAt: true, maxResults: true, total: true, isLast: true, values: [historySpec] }, parent: parentSpec },
  reconcile: { body: { nextPageToken: true, isLast: true, issues: [{ id: true }] } },
  boards: { body: { startAt: true, maxResults: true, isLast: true, values: [{ id: true, type: true }] } },
  // `goal` is free text: keepSprintGoalPresence replaces it by a marker before the allow-list keeps it.
  sprints: { body: { startAt: true, maxResults: true, isLast: true, values: [{ id: true, state: true, startDate: true, endDate: true, completeDate: true, originBoardId: true, goal: true }] } },
  statuses: { body: [{ id: true, name: true, statusCategory: { key: true } }] },
};

/** Marker kept in place of a sprint goal's text: the normaliser only asks whether a goal was set. */
export const GOAL_SET = '(goal set)';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Drops every changelog item that is not a status change. User-field items (assignee, reporter…) carry account
 * ids in from/to/tmp*AccountId and display names in fromString/toString; the normaliser reads only status items.
 */
export function keepStatusItems(body: unknown): unknown {
  const narrowHistory = (h: unknown): unknown =>
    isRecord(h) && Array.isArray(h.items) ? { ...h, items: h.items.filter((it) => isRecord(it) && (it.fieldId === 'status' || it.field === 'status')) } : h;
  if (!isRecord(body)) return body;
  if (Array.isArray(body.values)) return { ...body, values: body.values.map(narrowHistory) };
  if (Array.isArray(body.issues)) {
    return {
      ...body,
      issues: body.issues.map((issue) =>
        isRecord(issue) && isRecord(issue.changelog) && Array.isArray(issue.changelog.histories)
          ? { ...issue, changelog: { ...issue.changelog, histories: issue.changelog.histories.map(narrowHistory) } }
          : issue,
      ),
    };
  }
  return body;
}

/** Replaces sprint goal text by GOAL_SET (non-empty) or keeps ''/null: free text is never stored raw. */
export function keepSprintGoalPresence(body: unknown): unknown {
  if (!isRecord(body) || !Array.isArray(body.values)) return body;
  return {
    ...body,
    values: body.values.map((s) =>
      isRecord(s) && typeof s.goal === 'string' ? { ...s, goal: s.goal.trim().length > 0 ? GOAL_SET : '' } : s,
    ),
  };
}
