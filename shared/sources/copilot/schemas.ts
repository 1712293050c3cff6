import * as z from 'zod';
import type { StreamAllowList } from '../allow-list.js';

// The parts of GitHub's Copilot usage-metrics reports the connector reads (API-FACTS "Copilot metrics"). Only
// counts and ids are validated; the logins in the rows are never read, so they cannot travel further.

/** Response of `GET /orgs/{org}/copilot/metrics/reports/{report}?day=`: signed links to NDJSON files. */
export const reportMetadataSchema = z.looseObject({
  download_links: z.array(z.url()),
  report_day: z.string().optional(),
});
export type ReportMetadata = z.infer<typeof reportMetadataSchema>;

const count = z.number().int().min(0).default(0);

/** One `users-1-day` row: a user's Copilot activity on the day (users without activity have no row). */
export const userDayRowSchema = z.looseObject({
  user_id: z.number().int(),
  code_generation_activity_count: count,
  code_acceptance_activity_count: count,
  // The inline completion figures: the top-level counts also hold chat code blocks, copies and terminal inserts.
  totals_by_feature: z
    .array(z.looseObject({ feature: z.string(), code_generation_activity_count: count, code_acceptance_activity_count: count }))
    .default([]),
  user_initiated_interaction_count: count,
  used_agent: z.boolean().default(false),
  used_chat: z.boolean().default(false),
});
export type UserDayRow = z.infer<typeof userDayRowSchema>;

/** One `user-teams-1-day` row: a (user, team) membership on the day. */
export const userTeamRowSchema = z.looseObject({
  user_id: z.number().int(),
  team_id: z.number().int(),
  slug: z.string().min(1),
});
export type UserTeamRow = z.infer<typeof userTeamRowSchema>;

/**
 * What is kept raw of the Copilot stream: the pod-level day report reduce.ts builds in memory (no login, no user
 * id, no per-user row ever reaches it). Declared anyway, so a field added to the report by mistake is dropped.
 */
export const COPILOT_ALLOW_LISTS: Readonly<Record<string, StreamAllowList>> = {
  copilot: {
    body: {
      kind: true,
      org: true,
      day: true,
      minGroupSize: true,
      pods: [
        {
          pod: true, team: true, status: true, activeUsers: true, engagedUsers: true, suggestions: true, acceptances: true,
          chatUsers: true, agentUsers: true, chatOrAgentUsers: true,
        },
      ],
    },
  },
};
