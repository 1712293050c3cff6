import { describe, expect, it } from 'vitest';
import { listUnits } from '../../../shared/org/index.js';
import type { Unit } from '../../../shared/org/index.js';
import { defaultRubric } from '../../../shared/rubric/index.js';
import type { SourceStatus } from '../../../shared/scoring/types.js';
import { EVIDENCE_CAP, createSignalEnvironment, deriveSignals, homePods } from '../../../shared/signals/index.js';
import type { SignalValue } from '../../../shared/signals/index.js';
import type { Activity } from '../../../shared/sources/contract.js';
import { AS_OF, DEMO_WEEK, demoOrg, demoWeekSources } from '../../fixtures/activities/demo-week.js';

const org = demoOrg();
const units = listUnits(org);
const unit = (ref: string): Unit => units.find((u) => u.ref === ref) as Unit;
const windowOf = (id: string): number => defaultRubric.signals.find((s) => s.id === id)?.windowDays ?? 0;

function value(ref: string, id: string, opts: { activities?: readonly Activity[]; sources?: SourceStatus[] } = {}): SignalValue {
  const env = createSignalEnvironment({ org, asOf: AS_OF, activities: opts.activities ?? DEMO_WEEK, sources: opts.sources ?? demoWeekSources(), units });
  return deriveSignals(env, unit(ref), [{ id, windowDays: windowOf(id) }]).get(id)?.value as SignalValue;
}

const failed = (bindingId: string): SourceStatus[] =>
  demoWeekSources().map((s) => (s.bindingId === bindingId ? { ...s, status: 'failed' as const, reason: 'HTTP 503' } : s));

describe('signals', () => {
  it('scores no deployments as a real 0 when GitHub is configured and collected', () => {
    expect(value('pod:churn-predict', 'github.deploys-per-week')).toEqual({ status: 'scored', value: 0, evidence: [], evidenceCount: 0 });
  });

  it('makes a signal missing, not 0, when its binding failed this run', () => {
    expect(value('pod:recsys', 'github.deploys-per-week', { sources: failed('pod:recsys/github') })).toEqual({
      status: 'missing',
      reason: 'GitHub collection for pod:recsys failed in this run (HTTP 503)',
    });
  });

  it('makes a signal missing when the unit has no binding for its source', () => {
    expect(value('pod:pricing-insights', 'mlflow.runs-per-week')).toEqual({
      status: 'missing',
      reason: 'pod:pricing-insights has no MLflow binding in the org config',
    });
  });

  it('keeps only the newest evidence links but counts every item', () => {
    const v = value('pod:recsys', 'mlflow.runs-per-week');
    expect(v.status === 'scored' && v.evidence.length).toBe(EVIDENCE_CAP);
    expect(v.status === 'scored' && v.evidenceCount).toBe(8);
    expect(v.status === 'scored' && v.evidence[0]?.url).toBe('https://example.test/mlflow:run:run17');
  });

  it('chooses the same evidence whatever the order of activities', () => {
    const forward = value('pod:recsys', 'jira.lifecycle-stages-covered');
    const backward = value('pod:recsys', 'jira.lifecycle-stages-covered', { activities: [...DEMO_WEEK].reverse() });
    expect(backward).toEqual(forward);
  });

  it('counts MLflow stages in lifecycle coverage only when MLflow is readable', () => {
    expect(value('pod:recsys', 'jira.lifecycle-stages-covered')).toMatchObject({ value: 5 });
    // Without MLflow, data exploration has no evidence (the Jira labels cover the other four stages).
    expect(value('pod:recsys', 'jira.lifecycle-stages-covered', { sources: failed('pod:recsys/mlflow') })).toMatchObject({ value: 4 });
  });

  it('derives home pods from authorship so cross-pod reviews can be counted without identities', () => {
    const env = createSignalEnvironment({ org, asOf: AS_OF, activities: DEMO_WEEK, sources: demoWeekSources(), units });
    const ctx = { env, unit: unit('domain:customer-engagement'), windowDays: 90, fromMs: 0, toMs: env.asOfMs };
    const home = homePods(ctx);
    expect(home.get('a:recsys-1')).toBe('pod:recsys');
    // a:churn-1 authored one commit in recsys's repo but two pull requests in churn-predict's.
    expect(home.get('a:churn-1')).toBe('pod:churn-predict');
  });

  it('reports a median as missing when nothing in the window can be measured', () => {
    expect(value('pod:churn-predict', 'jira.feedback-to-fix-days-p50')).toEqual({
      status: 'missing',
      reason: 'no feedback work was resolved in the last 90 days, so there is no time to measure',
    });
  });

  it('ignores activities after the as-of', () => {
    // The failed deployment on 2026-11-24 is after the as-of: 1 failure of 5, not 2 of 6.
    expect(value('pod:recsys', 'github.change-failure-rate')).toMatchObject({ value: 0.2 });
  });

  it('measures experiment-to-production to the serving version’s creation: a later edit that moves last_updated_timestamp (description, rename) does not lengthen it', () => {
    // r1 started 2026-10-26; v3 (production) was registered 2026-11-15: 20 days. Its description was edited on
    // 2026-11-18, which moves MLflow's last_updated_timestamp (and the activity's updatedAt), not its promotion.
    expect(value('pod:recsys', 'mlflow.experiment-to-production-days-p50')).toMatchObject({ value: 20 });
    const edited = DEMO_WEEK.map((a) =>
      a.id === 'mlflow:mv:recsys-model/3' ? { ...a, attrs: { ...a.attrs, updatedAt: '2026-11-18T00:00:00.000Z' } } : a,
    );
    expect(value('pod:recsys', 'mlflow.experiment-to-production-days-p50', { activities: edited })).toMatchObject({ value: 20 });
  });
});

