import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { listUnits } from '../../../shared/org/index.js';
import type { Unit } from '../../../shared/org/index.js';
import { createSignalEnvironment, deriveSignals } from '../../../shared/signals/index.js';
import type { SignalValue } from '../../../shared/signals/index.js';
import type { Activity } from '../../../shared/sources/contract.js';
import { AS_OF, demoOrg, demoWeekSources } from '../../fixtures/activities/demo-week.js';

// Deployments corroborated by their commit: a redeploy of a commit already deployed is not a new change, and a
// failed deployment is a failed change only when that commit never deployed successfully afterwards (a retried
// job is not a failed change).

const ORG = demoOrg();
const POD = listUnits(ORG).find((u) => u.ref === 'pod:recsys') as Unit;
let seq = 0;

function deploy(day: number, state: 'success' | 'failure', sha: string | null, repo = 'acme/recsys'): Activity {
  const at = `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`;
  const id = `github:deployment:${repo}/${++seq}`;
  return {
    id, source: 'github', kind: 'deployment', unit: POD.ref, bindingId: `${POD.ref}/github`, at, actor: null, url: 'https://x.test/d', rawRef: { key: 'k', index: 0 },
    attrs: { repo, environment: 'production', state, statusAt: at, ...(sha === null ? {} : { sha }) },
  };
}

function value(id: 'github.deploys-per-week' | 'github.change-failure-rate', activities: Activity[]): SignalValue {
  const env = createSignalEnvironment({ org: ORG, asOf: AS_OF, activities, sources: demoWeekSources() });
  return (deriveSignals(env, POD, [{ id, windowDays: 28 }]).get(id) as { value: SignalValue }).value;
}
const num = (v: SignalValue): number => (v.status === 'scored' ? v.value : Number.NaN);

describe('deployment frequency counts changes, not redeploys', () => {
  it('counts a commit redeployed to the same repo and environment once, and distinct commits each', () => {
    expect(value('github.deploys-per-week', [deploy(2, 'success', 'aaa'), deploy(9, 'success', 'AAA'), deploy(16, 'success', 'bbb')])).toMatchObject({ value: 0.5, evidenceCount: 2 });
  });

  it('counts the same commit deployed to two repositories as two changes', () => {
    expect(value('github.deploys-per-week', [deploy(2, 'success', 'aaa'), deploy(3, 'success', 'aaa', 'acme/other')])).toMatchObject({ evidenceCount: 2 });
  });

  it('counts every successful deployment when deployments carry no commit', () => {
    expect(value('github.deploys-per-week', [deploy(2, 'success', null), deploy(9, 'success', null)])).toMatchObject({ evidenceCount: 2 });
  });
});

describe('change failure rate counts failed changes, not failed jobs', () => {
  it('does not count a failed deployment whose commit later deployed successfully (a retried job)', () => {
    expect(value('github.change-failure-rate', [deploy(2, 'failure', 'aaa'), deploy(3, 'success', 'aaa')])).toMatchObject({ status: 'scored', value: 0 });
  });

  it('counts a failed deployment followed by a successful deployment of a different commit (a fix or rollback)', () => {
    expect(value('github.change-failure-rate', [deploy(2, 'failure', 'aaa'), deploy(3, 'success', 'bbb')])).toMatchObject({ value: 0.5, evidenceCount: 1 });
  });

  it('counts a failure after the commit’s last success, and a failure never followed by a deployment', () => {
    expect(value('github.change-failure-rate', [deploy(2, 'success', 'aaa'), deploy(3, 'failure', 'aaa'), deploy(5, 'failure', 'ccc')])).toMatchObject({ value: 1 });
  });

  it('treats every deployment as its own change when deployments carry no commit', () => {
    expect(value('github.change-failure-rate', [deploy(2, 'failure', null), deploy(3, 'success', null)])).toMatchObject({ value: 0.5 });
  });

  const arbDeploy = fc
    .record({ day: fc.integer({ min: 1, max: 22 }), ok: fc.boolean(), sha: fc.constantFrom('aaa', 'bbb', 'ccc', null), repo: fc.constantFrom('acme/recsys', 'acme/x') })
    .map((d) => deploy(d.day, d.ok ? 'success' : 'failure', d.sha, d.repo));

  test.prop([fc.array(arbDeploy, { maxLength: 12 }), arbDeploy])(
    'adding a failed deployment never lowers the change failure rate; adding a successful one never raises it nor lowers the deployment frequency',
    (history, extra) => {
      const before = value('github.change-failure-rate', history);
      const after = value('github.change-failure-rate', [...history, extra]);
      const ok = extra.attrs.state === 'success';
      if (before.status === 'scored' && after.status === 'scored') {
        if (ok) expect(num(after)).toBeLessThanOrEqual(num(before) + 1e-9);
        else expect(num(after)).toBeGreaterThanOrEqual(num(before) - 1e-9);
      }
      if (ok) expect(num(value('github.deploys-per-week', [...history, extra]))).toBeGreaterThanOrEqual(num(value('github.deploys-per-week', history)));
    },
  );

  test.prop([fc.array(arbDeploy, { maxLength: 12 })])('gives the same values whatever the order of the deployments', (history) => {
    const reversed = history.slice().reverse();
    for (const id of ['github.deploys-per-week', 'github.change-failure-rate'] as const) expect(value(id, reversed)).toEqual(value(id, history));
  });
});
