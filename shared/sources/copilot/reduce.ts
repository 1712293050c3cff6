import type { OrgConfig, UnitRef } from '../../org/index.js';
import type { UserDayRow, UserTeamRow } from './schemas.js';

// The privacy boundary of the Copilot connector: per-user rows go in, team-level aggregates come out, and nothing
// else leaves this function. It runs inside collect, before a page is handed to the pipeline, so no per-user row,
// login or user id is ever stored, logged or hashed-and-kept. Pure: no I/O, no clock.

/** One pod's Copilot usage on one day: figures only when enough members were active to hide individuals. */
export type CopilotPodDay =
  | {
      pod: UnitRef;
      team: string;
      status: 'measured';
      /** Members with any Copilot activity on the day. */
      activeUsers: number;
      /** Active members who accepted a suggestion or started a chat or agent interaction. */
      engagedUsers: number;
      /** Code suggestions shown (code generation events) and accepted. */
      suggestions: number;
      acceptances: number;
      chatUsers: number;
      agentUsers: number;
      chatOrAgentUsers: number;
    }
  | { pod: UnitRef; team: string; status: 'below-minimum' };

/** The reduced day report: what the connector stores as its raw page (the only form the data is ever kept in). */
export interface CopilotDayReport {
  kind: 'copilot-team-day';
  org: string;
  day: string;
  minGroupSize: number;
  pods: CopilotPodDay[];
}

/** Pods by their GitHub team slug, from the org config (`pods[].sources.github.team`). */
export function podsByTeam(org: OrgConfig): Map<string, UnitRef[]> {
  const out = new Map<string, UnitRef[]>();
  for (const d of org.domains) {
    for (const p of d.pods) {
      const team = p.sources.github?.team;
      if (team === undefined) continue;
      const list = out.get(team) ?? [];
      list.push(`pod:${p.id}`);
      out.set(team, list);
    }
  }
  return out;
}

/**
 * Joins one day's per-user rows to the user→team rows and aggregates per pod. A pod with fewer active members than
 * `minGroupSize` keeps no figures at all for the day (`below-minimum`): with so few people, a team figure would be
 * a person's figure. Every pod with a team appears, so "no data" and "too few people" stay distinguishable.
 */
export function reduceCopilotDay(input: {
  org: string;
  day: string;
  users: readonly UserDayRow[];
  memberships: readonly UserTeamRow[];
  teams: ReadonlyMap<string, readonly UnitRef[]>;
  minGroupSize: number;
}): CopilotDayReport {
  const usage = new Map<number, UserDayRow>();
  for (const u of input.users) usage.set(u.user_id, u);
  // A person in two teams of the same pod counts once for it.
  const membersByPod = new Map<UnitRef, Set<number>>();
  for (const m of input.memberships) {
    for (const pod of input.teams.get(m.slug) ?? []) {
      let set = membersByPod.get(pod);
      if (!set) {
        set = new Set();
        membersByPod.set(pod, set);
      }
      set.add(m.user_id);
    }
  }
  const pods: CopilotPodDay[] = [];
  const entries = [...input.teams.entries()].flatMap(([team, refs]) => refs.map((pod) => ({ pod, team })));
  entries.sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0));
  for (const { pod, team } of entries) {
    const active: UserDayRow[] = [];
    for (const id of membersByPod.get(pod) ?? []) {
      const u = usage.get(id);
      if (u !== undefined) active.push(u);
    }
    if (active.length < input.minGroupSize) {
      pods.push({ pod, team, status: 'below-minimum' });
      continue;
    }
    let engaged = 0;
    let suggestions = 0;
    let acceptances = 0;
    let chat = 0;
    let agent = 0;
    let either = 0;
    for (const u of active) {
      // Completion rate = inline completions accepted / shown: the `code_completion` feature, not the top-level
      // counts (those also count chat code blocks, copies and terminal inserts; REALITY.md, Copilot).
      const completion = u.totals_by_feature.find((f) => f.feature === 'code_completion');
      suggestions += completion?.code_generation_activity_count ?? 0;
      acceptances += completion?.code_acceptance_activity_count ?? 0;
      if (u.code_acceptance_activity_count > 0 || u.user_initiated_interaction_count > 0) engaged += 1;
      if (u.used_chat) chat += 1;
      if (u.used_agent) agent += 1;
      if (u.used_chat || u.used_agent) either += 1;
    }
    pods.push({
      pod, team, status: 'measured', activeUsers: active.length, engagedUsers: engaged, suggestions, acceptances,
      chatUsers: chat, agentUsers: agent, chatOrAgentUsers: either,
    });
  }
  return { kind: 'copilot-team-day', org: input.org, day: input.day, minGroupSize: input.minGroupSize, pods };
}
