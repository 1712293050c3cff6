import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// The data behind the Copilot usage-metrics report endpoints (../../../../shared/API-FACTS.md "Copilot
// metrics"): per-user daily rows and user→team rows, served as NDJSON files behind signed, expiring links.
// Rows are generated per day on first request and cached, so a year of history costs nothing until asked for.

/** One Copilot user of the organisation (a GitHub account) and the teams it belongs to. */
export interface CopilotMember {
  login: string;
  id: number;
  /** Team slugs (a person may be in several teams). */
  teams: string[];
}

export interface CopilotTeam {
  slug: string;
  id: number;
}

/** A `users-1-day` NDJSON row: one user's Copilot activity on one day (only users with activity appear). */
export interface CopilotUserRow {
  day: string;
  organization_id: string;
  enterprise_id: string | null;
  user_id: number;
  user_login: string;
  user_initiated_interaction_count: number;
  code_generation_activity_count: number;
  code_acceptance_activity_count: number;
  loc_suggested_to_add_sum: number;
  loc_added_sum: number;
  used_agent: boolean;
  used_chat: boolean;
  used_cli: boolean;
  totals_by_ide: {
    ide: string;
    user_initiated_interaction_count: number;
    code_generation_activity_count: number;
    code_acceptance_activity_count: number;
  }[];
  totals_by_feature: {
    feature: string;
    user_initiated_interaction_count: number;
    code_generation_activity_count: number;
    code_acceptance_activity_count: number;
  }[];
}

/** A `user-teams-1-day` NDJSON row: one (user, team) membership on one day. */
export interface CopilotUserTeamRow {
  day: string;
  organization_id: string;
  user_id: number;
  user_login: string;
  team_id: number;
  slug: string;
}

/** An `organization-1-day` NDJSON row: the organisation's totals for one day. */
export interface CopilotOrgRow {
  day: string;
  organization_id: string;
  daily_active_users: number;
  user_initiated_interaction_count: number;
  code_generation_activity_count: number;
  code_acceptance_activity_count: number;
  monthly_active_agent_users: number;
  monthly_active_chat_users: number;
}

export type CopilotReportKind = 'users-1-day' | 'user-teams-1-day' | 'organization-1-day';

/** What the simulator saw of one request (tests count metadata calls and downloads per day). */
export interface CopilotRequestLogEntry {
  kind: 'metadata' | 'download';
  report: CopilotReportKind;
  day: string;
  status: number;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant (UTC). */
export function isoDay(t: number | Date): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** The generated Copilot usage of one organisation; mutable through small helpers for tests. */
export class CopilotWorld {
  readonly org: string;
  readonly orgId: string;
  readonly members: CopilotMember[] = [];
  readonly teams = new Map<string, CopilotTeam>();
  /** First day with data (inclusive) and the first day not yet reported (the sandbox's "today"). */
  readonly firstDay: string;
  readonly today: string;
  /** Days whose reports answer 404 (GitHub has not produced them). */
  readonly missingDays = new Set<string>();
  /** Lifetime of a download link in ms. */
  linkTtlMs = 10 * 60_000;
  /** Days the report endpoints answer 204 No Content for (a day GitHub has no data for; the spec lists 204). */
  readonly noContentDays = new Set<string>();
  /** The next N metadata responses hand out links that have already expired (tests of the re-request path). */
  expireNextLinks = 0;
  /**
   * The token lacks the permission the report endpoints need ("View Organization Copilot Metrics" for a fine-grained
   * token, `read:org` for a classic one): the metadata endpoints answer 403 as GitHub does for such a token.
   */
  tokenLacksPermission = false;
  readonly requestLog: CopilotRequestLogEntry[] = [];
  /** Files served so far: the real file generator keeps every day's bytes stable. */
  private readonly files = new Map<string, string[]>();
  private readonly signingKey = randomBytes(32);
  private readonly generateDay: (day: string) => { users: CopilotUserRow[]; teams: CopilotUserTeamRow[] };

  constructor(o: {
    org: string;
    orgId: string;
    firstDay: string;
    today: string;
    generateDay: (day: string) => { users: CopilotUserRow[]; teams: CopilotUserTeamRow[] };
  }) {
    this.org = o.org;
    this.orgId = o.orgId;
    this.firstDay = o.firstDay;
    this.today = o.today;
    this.generateDay = o.generateDay;
  }

  /** True when a report exists for `day`: on or after the first day, before today, and not marked missing. */
  hasDay(day: string): boolean {
    return day >= this.firstDay && day < this.today && !this.missingDays.has(day);
  }

  /** The oldest day the API still serves: one year before today. */
  oldestServedDay(): string {
    return isoDay(Date.parse(`${this.today}T00:00:00Z`) - 365 * DAY_MS);
  }

  /** The day's rows of one report (generated once, then stable). */
  rows(report: CopilotReportKind, day: string): unknown[] {
    const { users, teams } = this.generateDay(day);
    if (report === 'users-1-day') return users;
    if (report === 'user-teams-1-day') return teams;
    const row: CopilotOrgRow = {
      day, organization_id: this.orgId, daily_active_users: users.length,
      user_initiated_interaction_count: sum(users, (u) => u.user_initiated_interaction_count),
      code_generation_activity_count: sum(users, (u) => u.code_generation_activity_count),
      code_acceptance_activity_count: sum(users, (u) => u.code_acceptance_activity_count),
      monthly_active_agent_users: users.filter((u) => u.used_agent).length,
      monthly_active_chat_users: users.filter((u) => u.used_chat).length,
    };
    return [row];
  }

  /** The NDJSON files of a report for a day: large reports are split in parts, as GitHub does. */
  reportFiles(report: CopilotReportKind, day: string, rowsPerFile = 40): string[] {
    const key = `${report}/${day}`;
    let files = this.files.get(key);
    if (!files) {
      const rows = this.rows(report, day);
      files = [];
      for (let i = 0; i < Math.max(1, rows.length); i += rowsPerFile) {
        files.push(rows.slice(i, i + rowsPerFile).map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
      }
      this.files.set(key, files);
    }
    return files;
  }

  /** Signs a download path with an expiry (epoch seconds), like a blob-storage shared-access URL. */
  sign(path: string, expiresAt: number): string {
    return createHmac('sha256', this.signingKey).update(`${path}\n${expiresAt}`).digest('hex');
  }

  /** Checks a signature in constant time. */
  verify(path: string, expiresAt: number, sig: string): boolean {
    const want = Buffer.from(this.sign(path, expiresAt), 'hex');
    const got = Buffer.from(/^[0-9a-f]{64}$/.test(sig) ? sig : '', 'hex');
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

function sum<T>(xs: readonly T[], f: (x: T) => number): number {
  return xs.reduce((n, x) => n + f(x), 0);
}
