import { describe, expect, it } from 'vitest';
import type { Binding } from '../../../../shared/org/index.js';
import type { RawPage } from '../../../../shared/sources/contract.js';
import { normaliseCopilotPage, planCopilotDays, reduceCopilotDay } from '../../../../shared/sources/copilot/index.js';
import { NormaliseError } from '../../../../shared/sources/errors.js';

const teams = new Map([['recsys', ['pod:recsys']], ['churn', ['pod:churn-predict']]]);
// Top-level counts include chat code blocks and copies (here: one per turn); inline completions are code_completion.
const user = (id: number, o: Partial<{ gen: number; acc: number; turns: number; chat: boolean; agent: boolean }> = {}) => ({
  user_id: id, code_generation_activity_count: (o.gen ?? 10) + (o.turns ?? 0), code_acceptance_activity_count: (o.acc ?? 0) + (o.turns ?? 0),
  user_initiated_interaction_count: o.turns ?? 0, used_chat: o.chat ?? false, used_agent: o.agent ?? false,
  totals_by_feature: [{ feature: 'code_completion', code_generation_activity_count: o.gen ?? 10, code_acceptance_activity_count: o.acc ?? 0 }],
});
const member = (id: number, slug: string) => ({ user_id: id, team_id: slug.length, slug });

describe('reduceCopilotDay', () => {
  it('sums a pod\'s active members and counts engaged, chat and agent users', () => {
    const users = [user(1, { acc: 3 }), user(2, { turns: 2, chat: true }), user(3, { agent: true, turns: 1 }), user(4), user(5, { gen: 0, chat: true, agent: true, turns: 4 })];
    const r = reduceCopilotDay({ org: 'acme', day: '2026-11-20', users, memberships: [1, 2, 3, 4, 5].map((i) => member(i, 'recsys')), teams, minGroupSize: 5 });
    expect(r.pods.find((p) => p.pod === 'pod:recsys')).toEqual({
      pod: 'pod:recsys', team: 'recsys', status: 'measured', activeUsers: 5, engagedUsers: 4, suggestions: 40, acceptances: 3,
      chatUsers: 2, agentUsers: 2, chatOrAgentUsers: 3,
    });
  });

  it('takes suggestions and acceptances from totals_by_feature code_completion, not the top-level counts', () => {
    const users = [1, 2, 3, 4, 5].map((i) => user(i, { gen: 20, acc: 5, turns: 7, chat: true }));
    const r = reduceCopilotDay({ org: 'acme', day: '2026-11-20', users, memberships: [1, 2, 3, 4, 5].map((i) => member(i, 'recsys')), teams, minGroupSize: 5 });
    const pod = r.pods.find((p) => p.pod === 'pod:recsys');
    expect(pod).toMatchObject({ status: 'measured', suggestions: 100, acceptances: 25 });
    const bare = reduceCopilotDay({ org: 'acme', day: '2026-11-20', users: users.map((u) => ({ ...u, totals_by_feature: [] })), memberships: [1, 2, 3, 4, 5].map((i) => member(i, 'recsys')), teams, minGroupSize: 5 });
    expect(bare.pods.find((p) => p.pod === 'pod:recsys')).toMatchObject({ suggestions: 0, acceptances: 0 });
  });

  it('keeps no figures for a pod with fewer active members than the minimum group size', () => {
    const r = reduceCopilotDay({ org: 'acme', day: '2026-11-20', users: [user(1), user(2)], memberships: [member(1, 'churn'), member(2, 'churn')], teams, minGroupSize: 5 });
    expect(r.pods.find((p) => p.pod === 'pod:churn-predict')).toEqual({ pod: 'pod:churn-predict', team: 'churn', status: 'below-minimum' });
  });

  it('ignores members of teams no pod maps to and users without a team', () => {
    const users = [1, 2, 3, 4, 5, 6].map((i) => user(i));
    const memberships = [...[1, 2, 3, 4, 5].map((i) => member(i, 'platform')), member(6, 'recsys')];
    const r = reduceCopilotDay({ org: 'acme', day: '2026-11-20', users, memberships, teams, minGroupSize: 1 });
    expect(r.pods.map((p) => [p.pod, p.status === 'measured' ? p.activeUsers : null])).toEqual([['pod:churn-predict', null], ['pod:recsys', 1]]);
  });
});

describe('planCopilotDays', () => {
  it('starts a first sync at the later of the history window, one year back and the reports\' first day', () => {
    const plan = planCopilotDays(null, '2026-11-23T00:00:00.000Z', '2026-11-19T00:00:00.000Z');
    expect(plan.days).toEqual(['2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
    expect(planCopilotDays(null, '2025-10-12T00:00:00.000Z', '2024-01-01T00:00:00.000Z').days).toEqual(['2025-10-10', '2025-10-11']);
  });

  it('continues after the covered range, retries pending days and drops those GitHub no longer serves', () => {
    const plan = planCopilotDays({ version: 1, through: '2026-11-20', pending: ['2026-11-02', '2025-01-01'] }, '2026-11-23T00:00:00.000Z', '2025-01-01T00:00:00.000Z');
    expect(plan.days).toEqual(['2026-11-02', '2026-11-21', '2026-11-22']);
    expect(plan.dropped).toBe(1);
  });
});

describe('normaliseCopilotPage', () => {
  const binding: Binding = { id: 'org/copilot', unit: 'org', source: 'copilot' };
  const ctx = { binding, rawKey: 'raw/copilot/1', hashActor: (x: string) => x, baseUrl: 'https://api.github.com' };
  const page = (body: unknown): RawPage => ({ source: 'copilot', bindingId: 'org/copilot', stream: 'copilot:team-day', path: '/x', seq: 0, fetchedAt: '2026-11-23T00:00:00Z', status: 200, body });

  it('turns each pod of a reduced report into a pod-level copilot-day activity at midday', () => {
    const report = reduceCopilotDay({ org: 'acme', day: '2026-11-20', users: [], memberships: [], teams, minGroupSize: 5 });
    const acts = normaliseCopilotPage(page(report), ctx);
    expect(acts.map((a) => [a.id, a.unit, a.at, a.attrs.status, a.attrs.activeUsers])).toEqual([
      ['copilot:day:pod:churn-predict:2026-11-20', 'pod:churn-predict', '2026-11-20T12:00:00.000Z', 'below-minimum', null],
      ['copilot:day:pod:recsys:2026-11-20', 'pod:recsys', '2026-11-20T12:00:00.000Z', 'below-minimum', null],
    ]);
  });

  it('rejects a page that still carries per-user rows', () => {
    expect(() => normaliseCopilotPage(page([{ user_login: 'someone', user_id: 1 }]), ctx)).toThrow(NormaliseError);
    const sneaky = { kind: 'copilot-team-day', org: 'acme', day: '2026-11-20', minGroupSize: 5, pods: [{ pod: 'pod:recsys', team: 'recsys', status: 'below-minimum', activeUsers: 1 }] };
    expect(() => normaliseCopilotPage(page(sneaky), ctx)).toThrow(/not a valid pod-level aggregate/);
  });
});
