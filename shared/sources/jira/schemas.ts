import * as z from 'zod';

// The documented shapes of the Jira pages we read. Objects are loose (Jira adds fields over time and we keep raw
// pages as received); only what the connector and the normaliser rely on is checked.

const person = z.looseObject({ accountId: z.string() }).nullable().optional();

const history = z.looseObject({
  id: z.string(),
  created: z.string(),
  author: person,
  items: z.array(z.looseObject({ field: z.string(), fieldId: z.string().optional(), from: z.string().nullable().optional(), fromString: z.string().nullable().optional(), to: z.string().nullable().optional(), toString: z.string().nullable().optional() })),
});

export const jiraIssueSchema = z.looseObject({
  id: z.string(),
  key: z.string().optional(),
  fields: z
    .looseObject({
      status: z.looseObject({ id: z.string(), name: z.string(), statusCategory: z.looseObject({ key: z.string() }) }).optional(),
      issuetype: z.looseObject({ name: z.string() }).optional(),
      labels: z.array(z.string()).optional(),
      created: z.string().optional(),
      updated: z.string().optional(),
      resolutiondate: z.string().nullable().optional(),
      parent: z.looseObject({ id: z.string(), key: z.string() }).optional(),
      project: z.looseObject({ key: z.string() }).optional(),
      assignee: person,
      reporter: person,
    })
    .optional(),
  changelog: z.looseObject({ total: z.number(), histories: z.array(history) }).optional(),
});

/** GET /rest/api/3/search/jql */
export const searchPageSchema = z.looseObject({
  issues: z.array(jiraIssueSchema),
  nextPageToken: z.string().optional(),
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

/** GET /rest/agile/1.0/board/{id}/sprint */
export const sprintPageSchema = z.looseObject({
  startAt: z.number(),
  maxResults: z.number(),
  isLast: z.boolean(),
  values: z.array(
    z.looseObject({
      id: z.number(),
      state: z.string(),
      startDate: z.string().optional(),
      endDate: z.string().optional(),
      completeDate: z.string().optional(),
      originBoardId: z.number().optional(),
      goal: z.string().optional(),
    }),
  ),
});

export type JiraIssueJson = z.infer<typeof jiraIssueSchema>;
export type SearchPage = z.infer<typeof searchPageSchema>;
export type ChangelogPage = z.infer<typeof changelogPageSchema>;
export type SprintPage = z.infer<typeof sprintPageSchema>;
