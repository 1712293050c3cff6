import { describe, expect, it } from 'vitest';
import { COPILOT_BINDING_ID, ROLE_IDS, listUnits } from '../../../shared/org/index.js';
import type { OrgConfig, RoleMix, Unit } from '../../../shared/org/index.js';
import { defaultRubric } from '../../../shared/rubric/index.js';
import { scoreOrganisation } from '../../../shared/scoring/index.js';
import type { SignalResult, SourceStatus, UnitScorecard } from '../../../shared/scoring/index.js';
import { createSignalEnvironment, groupSize } from '../../../shared/signals/index.js';
import type { Activity } from '../../../shared/sources/contract.js';
import { AS_OF, DEMO_WEEK, demoOrg, demoWeekSources } from '../../fixtures/activities/demo-week.js';

// The rubric's minimum group size (people from the pods' roles in the org config) hides every team signal that
// counts people, whatever its source: GitHub review spread and shared repositories, Copilot users.

const MIN = defaultRubric.scoring.minGroupSize as number;

function roles(people: number): RoleMix {
  const mix = Object.fromEntries(ROLE_IDS.map((r) => [r, 0])) as RoleMix;
  mix.mlEngineer = people;
  return mix;
}

/** The demo org with the people of some pods replaced. */
function orgWith(people: Record<string, number>): OrgConfig {
  const org = structuredClone(demoOrg());
  for (const d of org.domains) for (const p of d.pods) if (people[p.id] !== undefined) p.roles = roles(people[p.id] as number);
  return org;
}

const copilotDay = (day: number): Activity => ({
  id: `copilot:pod:recsys:${day}`, source: 'copilot', kind: 'copilot-day', unit: 'pod:recsys', bindingId: COPILOT_BINDING_ID,
  at: `2026-11-${String(day).padStart(2, '0')}T00:00:00.000Z`, actor: null, url: 'https://x.test/copilot', rawRef: { key: 'k', index: 0 },
  attrs: { status: 'measured', activeUsers: 2, engagedUsers: 2, suggestions: 10, acceptances: 5, chatOrAgentUsers: 1 },
});
const COPILOT = [10, 12, 14, 16, 18].map(copilotDay);
const SOURCES: SourceStatus[] = [...demoWeekSources(), { source: 'copilot', bindingId: COPILOT_BINDING_ID, status: 'ok' }];

function signalOf(org: OrgConfig, unit: string, id: string): SignalResult {
  const cards = scoreOrganisation({ org: { ...org, sources: { ...org.sources, github: { ...org.sources.github!, copilot: { enabled: true, minGroupSize: 2 } } } }, rubric: defaultRubric, asOf: AS_OF, activities: [...DEMO_WEEK, ...COPILOT], sources: SOURCES });
  const card = cards.find((c) => c.unit === unit) as UnitScorecard;
  return card.dimensions.flatMap((d) => d.signals).find((s) => s.signalId === id) as SignalResult;
}

describe('minimum group size', () => {
  it('is documented in the default rubric as at least three people', () => {
    expect(MIN).toBeGreaterThanOrEqual(3);
    expect(defaultRubric.signals.filter((s) => s.countsPeople === true).map((s) => s.id)).toEqual(
      expect.arrayContaining(['github.cross-pod-review-share', 'github.shared-repos-used', 'copilot.active-user-share', 'copilot.org-active-user-share']),
    );
  });

  it('counts a unit’s people from its pods’ roles: a pod its own, a domain its pods, the organisation every pod', () => {
    const org = orgWith({ recsys: 2, 'churn-predict': 1, 'support-bot': 0, 'personalised-search': 4 });
    const env = createSignalEnvironment({ org, asOf: AS_OF, activities: [], sources: [] });
    const unit = (ref: string): Unit => listUnits(org).find((u) => u.ref === ref) as Unit;
    expect(groupSize(env, unit('pod:recsys'))).toBe(2);
    expect(groupSize(env, unit('domain:customer-engagement'))).toBe(7);
    expect(groupSize(env, unit('lab:generative-ai'))).toBe(0);
    const all = org.domains.flatMap((d) => d.pods).reduce((n, p) => n + ROLE_IDS.reduce((m, r) => m + p.roles[r], 0), 0);
    expect(groupSize(env, unit('org'))).toBe(all);
  });

  it('hides a pod’s Copilot shares when the pod lists fewer people than the minimum, and shows them from the minimum on', () => {
    const small = signalOf(orgWith({ recsys: MIN - 1 }), 'pod:recsys', 'copilot.active-user-share');
    expect(small).toMatchObject({ status: 'missing', missingReason: `group smaller than ${MIN} people (minimum group size)` });
    expect(signalOf(orgWith({ recsys: MIN }), 'pod:recsys', 'copilot.active-user-share').status).toBe('scored');
  });

  it('hides a domain’s cross-pod review share and shared repositories when its pods list fewer people than the minimum', () => {
    const org = orgWith({ recsys: 1, 'churn-predict': MIN - 2, 'support-bot': 0, 'personalised-search': 0 });
    for (const id of ['github.cross-pod-review-share', 'github.shared-repos-used']) {
      expect(signalOf(org, 'domain:customer-engagement', id)).toMatchObject({ status: 'missing', missingReason: `group smaller than ${MIN} people (minimum group size)` });
      expect(signalOf(demoOrg(), 'domain:customer-engagement', id).missingReason ?? '').not.toMatch(/group smaller/);
    }
  });

  it('leaves signals that do not count people alone in a small pod', () => {
    const s = signalOf(orgWith({ recsys: 1 }), 'pod:recsys', 'github.deploys-per-week');
    expect(s.status).toBe('scored');
  });
});
