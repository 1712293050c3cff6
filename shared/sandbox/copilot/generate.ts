import type { OrgConfig } from '../../org/index.js';
import { DEMO_HISTORY_WEEKS, DEMO_SEED, countWithMean, demoPeople, maturityAt, seedFor, seededRandom } from '../demo/profile.js';
import type { GithubWorld } from '../github/world.js';
import { CopilotWorld, isoDay } from './world.js';
import type { CopilotMember, CopilotUserRow, CopilotUserTeamRow } from './world.js';

// The demo organisation's Copilot usage, following the same maturity story as the Jira, GitHub and MLflow
// generators: members of improving pods adopt Copilot over the year and use it more (more suggestions, a higher
// acceptance rate, more chat and agent use); declining pods keep their seats but use them less. The pod members
// are the GitHub world's people (same logins and ids), so the privacy tests can look for them everywhere.

const DAY_MS = 86_400_000;
/** GitHub serves the new usage reports from this day on (API-FACTS "Copilot metrics"). */
export const COPILOT_REPORTS_START = '2025-10-10';
const IDES = ['vscode', 'vscode', 'vscode', 'jetbrains', 'jetbrains', 'visualstudio', 'neovim'] as const;
/** A team the org has that no pod maps to: its members must be ignored by the connector. */
const UNMAPPED_TEAM = 'platform-enablement';

interface PodPlan {
  podRef: string;
  team: string;
  /** Per member, the maturity from which the member uses Copilot (lower = earlier adopter). */
  adoptsAt: Map<string, number>;
}

/** Builds the Copilot usage world for the year before `anchor` (the sandbox's today). */
export function generateCopilotWorld(
  org: OrgConfig,
  github: GithubWorld,
  anchor: Date,
  weeks: number = DEMO_HISTORY_WEEKS,
  seed: number = DEMO_SEED,
): CopilotWorld {
  const today = isoDay(anchor);
  const yearBack = isoDay(anchor.getTime() - 365 * DAY_MS);
  const firstDay = yearBack > COPILOT_REPORTS_START ? yearBack : COPILOT_REPORTS_START;
  const historyStart = anchor.getTime() - weeks * 7 * DAY_MS;

  const members = new Map<string, CopilotMember>();
  const teamIds = new Map<string, number>();
  const teamId = (slug: string): number => {
    let id = teamIds.get(slug);
    if (id === undefined) {
      id = 5_200_000 + (seedFor(seed, `team:${slug}`) % 100_000);
      teamIds.set(slug, id);
    }
    return id;
  };
  const plans: PodPlan[] = [];
  for (const d of org.domains) {
    for (const p of d.pods) {
      const team = p.sources.github?.team;
      if (team === undefined) continue;
      const rand = seededRandom(seedFor(seed, `copilot:adoption:${p.id}`));
      const roster = [...github.people.values()].filter((x) => x.homePod === p.id).sort((a, b) => a.id - b.id);
      const adoptsAt = new Map<string, number>();
      for (const person of roster) {
        const m = members.get(person.login) ?? { login: person.login, id: person.id, teams: [] };
        m.teams.push(team);
        members.set(person.login, m);
        adoptsAt.set(person.login, 0.45 * rand());
      }
      teamId(team);
      plans.push({ podRef: `pod:${p.id}`, team, adoptsAt });
    }
  }
  // A few platform engineers in a team no pod maps to, plus one of them in a pod team too (multi-team users).
  const platform = demoPeople(UNMAPPED_TEAM, 3).map((x, i) => ({ login: x.login, id: 90_000 + i, teams: [UNMAPPED_TEAM] }));
  for (const m of platform) members.set(m.login, m);
  teamId(UNMAPPED_TEAM);

  const orgId = String(github.orgId);
  const maxMaturityCache = new Map<string, number>();
  /** Adoption never goes back: a member who adopted stays a Copilot user, even when the pod's practice declines. */
  const adoptionLevel = (podRef: string, week: number): number => {
    const key = `${podRef}@${week}`;
    let v = maxMaturityCache.get(key);
    if (v === undefined) {
      v = 0;
      for (let w = 0; w <= week; w++) v = Math.max(v, maturityAt(podRef, w, weeks));
      maxMaturityCache.set(key, v);
    }
    return v;
  };
  const byLogin = new Map<string, { plan: PodPlan | null }>();
  for (const m of members.values()) {
    const plan = plans.find((p) => m.teams.includes(p.team)) ?? null;
    byLogin.set(m.login, { plan });
  }
  const ordered = [...members.values()].sort((a, b) => a.id - b.id);

  const cache = new Map<string, { users: CopilotUserRow[]; teams: CopilotUserTeamRow[] }>();
  const generateDay = (day: string): { users: CopilotUserRow[]; teams: CopilotUserTeamRow[] } => {
    const hit = cache.get(day);
    if (hit) return hit;
    const t = Date.parse(`${day}T00:00:00Z`);
    const week = Math.min(weeks - 1, Math.max(0, Math.floor((t - historyStart) / (7 * DAY_MS))));
    const dow = new Date(t).getUTCDay();
    const weekend = dow === 0 || dow === 6;
    const rand = seededRandom(seedFor(seed, `copilot:day:${day}`));
    const users: CopilotUserRow[] = [];
    const teams: CopilotUserTeamRow[] = [];
    for (const m of ordered) {
      for (const slug of m.teams) {
        teams.push({ day, organization_id: orgId, user_id: m.id, user_login: m.login, team_id: teamId(slug), slug });
      }
      const plan = byLogin.get(m.login)?.plan ?? null;
      // Draw the same number of random values for every member, so one member's rules never shift another's.
      const draws = Array.from({ length: 8 }, () => rand());
      const maturity = plan ? maturityAt(plan.podRef, week, weeks) : 0.5;
      const adopted = plan ? (plan.adoptsAt.get(m.login) ?? 1) <= adoptionLevel(plan.podRef, week) : true;
      if (!adopted) continue;
      const activeP = weekend ? 0.06 : 0.72 + 0.24 * maturity;
      if ((draws[0] as number) >= activeP) continue;
      const local = seededRandom(seedFor(seed, `copilot:${day}:${m.login}`));
      let generations = countWithMean(local, 8 + 34 * maturity);
      const rate = Math.min(0.6, Math.max(0.05, 0.14 + 0.22 * maturity + ((draws[1] as number) - 0.5) * 0.1));
      const acceptances = Math.round(generations * rate);
      const usedChat = (draws[2] as number) < 0.3 + 0.5 * maturity;
      const usedAgent = (draws[3] as number) < 0.04 + 0.55 * maturity * maturity;
      if (generations === 0 && !usedChat && !usedAgent) generations = 1;
      const chatTurns = usedChat ? 1 + countWithMean(local, 2 + 6 * maturity) : 0;
      const agentTurns = usedAgent ? 1 + countWithMean(local, 1 + 4 * maturity) : 0;
      const ide = IDES[Math.floor((draws[4] as number) * IDES.length)] as string;
      const loc = acceptances * (2 + Math.floor((draws[5] as number) * 6));
      // The top-level counts are not inline completions: generation counts every output event (chat code blocks
      // too) and acceptance includes copy and insert-into-terminal (GitHub's metrics field reference). The inline
      // completion figures are the `code_completion` entry of totals_by_feature.
      const chatBlocks = chatTurns + agentTurns;
      const chatCopies = Math.floor(chatBlocks / 2);
      users.push({
        day, organization_id: orgId, enterprise_id: null, user_id: m.id, user_login: m.login,
        user_initiated_interaction_count: chatTurns + agentTurns,
        code_generation_activity_count: generations + chatBlocks,
        code_acceptance_activity_count: acceptances + chatCopies,
        loc_suggested_to_add_sum: generations * 4, loc_added_sum: loc,
        used_agent: usedAgent, used_chat: usedChat, used_cli: (draws[6] as number) < 0.05,
        totals_by_ide: [{ ide, user_initiated_interaction_count: chatTurns + agentTurns, code_generation_activity_count: generations, code_acceptance_activity_count: acceptances }],
        totals_by_feature: [
          { feature: 'code_completion', user_initiated_interaction_count: 0, code_generation_activity_count: generations, code_acceptance_activity_count: acceptances },
          ...(usedChat ? [{ feature: 'chat_panel_ask_mode', user_initiated_interaction_count: chatTurns, code_generation_activity_count: chatTurns, code_acceptance_activity_count: Math.floor(chatTurns / 2) }] : []),
          ...(usedAgent ? [{ feature: 'chat_panel_agent_mode', user_initiated_interaction_count: agentTurns, code_generation_activity_count: agentTurns, code_acceptance_activity_count: chatCopies - Math.floor(chatTurns / 2) }] : []),
        ],
      });
    }
    // GitHub leaves teams with fewer than 5 seated users out of the user-teams report.
    const seats = new Map<string, number>();
    for (const t of teams) seats.set(t.slug, (seats.get(t.slug) ?? 0) + 1);
    const out = { users, teams: teams.filter((t) => (seats.get(t.slug) ?? 0) >= 5) };
    cache.set(day, out);
    return out;
  };

  return new CopilotWorld({ org: github.org, orgId, firstDay, today, generateDay });
}
