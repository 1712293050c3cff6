import { describe, expect, it } from 'vitest';
import { listUnits, parseOrgConfig } from '../../../../shared/org/index.js';
import type { OrgConfig, Unit } from '../../../../shared/org/index.js';
import { createSignalEnvironment, deriveSignals } from '../../../../shared/signals/index.js';
import type { SignalValue } from '../../../../shared/signals/index.js';
import type { SourceStatus } from '../../../../shared/scoring/types.js';
import type { Activity } from '../../../../shared/sources/contract.js';

// Copilot signals over hand-made pod-level day aggregates (what the connector stores), with the arithmetic shown.

const AS_OF = '2026-11-23T00:00:00.000Z';
const DAY_MS = 86_400_000;

function org(): OrgConfig {
  return parseOrgConfig(`
organisation: { id: acme, name: Acme }
sources:
  github: { baseUrl: 'https://api.github.com', org: acme, auth: { kind: token, tokenEnv: GH_TOKEN }, copilot: { enabled: true, minGroupSize: 5 } }
domains:
  - id: d
    name: D
    pods:
      - id: ten
        name: Ten people
        roles: { mlEngineer: 4, dataScientist: 3, dataEngineer: 1, aiProductManager: 1, domainExpert: 1 }
        sources: { github: { team: ten } }
      - id: no-team
        name: No team
        roles: { mlEngineer: 6 }
        sources: { github: { repos: [acme/x] } }
`, 'org.yaml');
}

/** A measured day `daysBack` days before the as-of. */
function measured(daysBack: number, f: { active: number; engaged?: number; shown?: number; accepted?: number; chatOrAgent?: number }): Activity {
  const day = new Date(Date.parse(AS_OF) - daysBack * DAY_MS).toISOString().slice(0, 10);
  return {
    id: `copilot:day:pod:ten:${day}`, source: 'copilot', kind: 'copilot-day', unit: 'pod:ten', bindingId: 'org/copilot',
    at: `${day}T12:00:00.000Z`, actor: null, url: 'https://api.github.com/orgs/acme/copilot/metrics/reports/users-1-day',
    attrs: { day, team: 'ten', status: 'measured', minGroupSize: 5, activeUsers: f.active, engagedUsers: f.engaged ?? f.active, suggestions: f.shown ?? 100,
      acceptances: f.accepted ?? 25, chatUsers: 0, agentUsers: 0, chatOrAgentUsers: f.chatOrAgent ?? 0 },
    rawRef: { key: 'raw/x', index: 0 },
  };
}

function below(daysBack: number): Activity {
  const a = measured(daysBack, { active: 0 });
  const attrs = { ...a.attrs, status: 'below-minimum' };
  for (const k of ['activeUsers', 'engagedUsers', 'suggestions', 'acceptances', 'chatUsers', 'agentUsers', 'chatOrAgentUsers']) (attrs as Record<string, unknown>)[k] = null;
  return { ...a, attrs };
}

const OK: SourceStatus[] = [{ source: 'copilot', bindingId: 'org/copilot', status: 'ok' }];

function derive(acts: Activity[], pod = 'pod:ten', sources: SourceStatus[] = OK): Record<string, SignalValue> {
  const o = org();
  const env = createSignalEnvironment({ org: o, asOf: AS_OF, activities: acts, sources });
  const unit = listUnits(o).find((u) => u.ref === pod) as Unit;
  const ids = ['copilot.active-user-share', 'copilot.engaged-user-share', 'copilot.code-acceptance-rate', 'copilot.chat-agent-user-share'];
  const out = deriveSignals(env, unit, [...ids.map((id) => ({ id, windowDays: 28 })), { id: 'copilot.active-share-trend', windowDays: 56 }]);
  return Object.fromEntries([...out].map(([k, v]) => [k, v.value]));
}

describe('Copilot signals', () => {
  it('measures shares of the pod size and the acceptance rate over measured days only', () => {
    // Days with 6 and 8 active of 10 people → mean 7 → 0.7; engaged 5 and 7 → 0.6; 50 of 200 shown accepted → 0.25;
    // chat or agent 3 + 4 of 14 active → 0.5. The below-minimum day is left out of every figure.
    const acts = [measured(2, { active: 6, engaged: 5, chatOrAgent: 3 }), measured(3, { active: 8, engaged: 7, chatOrAgent: 4 }),
      measured(4, { active: 7, engaged: 6, chatOrAgent: 3 }), measured(5, { active: 7, engaged: 6, chatOrAgent: 4 }), below(6)];
    const v = derive(acts);
    expect(v['copilot.active-user-share']).toMatchObject({ status: 'scored', value: 0.7, evidenceCount: 4 });
    expect(v['copilot.engaged-user-share']).toMatchObject({ value: 0.6 });
    expect(v['copilot.code-acceptance-rate']).toMatchObject({ value: 0.25 });
    expect(v['copilot.chat-agent-user-share']).toMatchObject({ value: 0.5 });
  });

  it('is missing with the minimum group size reason when too few days reach the group size', () => {
    const v = derive([measured(2, { active: 9 }), measured(3, { active: 9 }), measured(4, { active: 9 }), below(5), below(6)]);
    expect(v['copilot.active-user-share']).toEqual({ status: 'missing', reason: 'fewer than 5 active Copilot users (minimum group size)' });
  });

  it('compares the last 28 days with the 28 before for the trend', () => {
    // Recent share 0.8, earlier 0.5 → +0.3.
    const recent = [2, 3, 4, 5].map((d) => measured(d, { active: 8 }));
    const earlier = [30, 31, 32, 33].map((d) => measured(d, { active: 5 }));
    expect(derive([...recent, ...earlier])['copilot.active-share-trend']).toMatchObject({ status: 'scored', value: 0.3 });
    expect(derive(recent)['copilot.active-share-trend']).toMatchObject({ status: 'missing', reason: expect.stringMatching(/^earlier half of the window: no Copilot usage report/) });
  });

  it('is missing, not zero, when the Copilot collection failed or the pod has no GitHub team', () => {
    const acts = [2, 3, 4, 5].map((d) => measured(d, { active: 8 }));
    const failed = derive(acts, 'pod:ten', [{ source: 'copilot', bindingId: 'org/copilot', status: 'failed', reason: 'SourceAuthError: 401' }]);
    expect(failed['copilot.active-user-share']).toMatchObject({ status: 'missing', reason: expect.stringContaining('Copilot collection for pod:ten failed') });
    expect(derive(acts, 'pod:no-team')['copilot.active-user-share']).toMatchObject({ status: 'missing', reason: expect.stringContaining('has no GitHub team') });
  });
});

describe('organisation adoption against delivery', () => {
  it('sums measured pods\' mean active members over their sizes and leaves pods below the group size out; the org deploy mean needs every pod readable', () => {
    const o = org();
    // pod:ten has 8 active of 10 on four measured days → 8 / 10; pod:no-team has no team and is left out.
    const acts = [2, 3, 4, 5].map((d) => measured(d, { active: 8 }));
    const env = createSignalEnvironment({ org: o, asOf: AS_OF, activities: acts, sources: [...OK, { source: 'github', bindingId: 'pod:ten/github', status: 'ok' }] });
    const orgUnit = listUnits(o).find((u) => u.ref === 'org') as Unit;
    const out = deriveSignals(env, orgUnit, [{ id: 'copilot.org-active-user-share', windowDays: 28 }, { id: 'github.org-deploys-per-week-per-pod', windowDays: 28 }]);
    expect(out.get('copilot.org-active-user-share')?.value).toMatchObject({ status: 'scored', value: 0.8 });
    // GitHub is readable for pod:ten but not collected for pod:no-team: an org-wide mean over the readable pods only
    // would rise when a weak pod's binding is hidden, so the org signal is missing until every pod can be read.
    expect(out.get('github.org-deploys-per-week-per-pod')?.value).toMatchObject({ status: 'missing' });
    // With both pods' GitHub readable and no deployment anywhere, the mean is a real 0.
    const both = createSignalEnvironment({ org: o, asOf: AS_OF, activities: acts, sources: [...OK, { source: 'github', bindingId: 'pod:ten/github', status: 'ok' }, { source: 'github', bindingId: 'pod:no-team/github', status: 'ok' }] });
    const all = deriveSignals(both, orgUnit, [{ id: 'github.org-deploys-per-week-per-pod', windowDays: 28 }]);
    expect(all.get('github.org-deploys-per-week-per-pod')?.value).toMatchObject({ status: 'scored', value: 0 });
  });
});
