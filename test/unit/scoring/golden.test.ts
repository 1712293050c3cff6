import { describe, expect, it } from 'vitest';
import { defaultRubric } from '../../../shared/rubric/index.js';
import { scoreOrganisation } from '../../../shared/scoring/index.js';
import type { DimensionResult, SignalResult, UnitScorecard } from '../../../shared/scoring/index.js';
import { AS_OF, DEMO_WEEK, demoOrg, demoWeekSources } from '../../fixtures/activities/demo-week.js';

// Expected values are computed by hand from test/fixtures/activities/demo-week.ts; the arithmetic is in comments.
const cards = scoreOrganisation({ org: demoOrg(), rubric: defaultRubric, asOf: AS_OF, activities: DEMO_WEEK, sources: demoWeekSources() });
const card = (unit: string): UnitScorecard => cards.find((c) => c.unit === unit) as UnitScorecard;
const dim = (unit: string, id: string): DimensionResult => card(unit).dimensions.find((d) => d.dimensionId === id) as DimensionResult;
const sig = (unit: string, id: string): SignalResult =>
  card(unit).dimensions.flatMap((d) => d.signals).find((s) => s.signalId === id) as SignalResult;

describe('golden demo week', () => {
  it('counts recsys runs in the last 28 days as runs per week at level 2', () => {
    // 8 runs in 28 days = 2/week; thresholds 1, 3, 8, 15 → level 2; the next level needs 3 (+1).
    const s = sig('pod:recsys', 'mlflow.runs-per-week');
    expect(s).toMatchObject({ status: 'scored', value: 2, level: 2, evidenceCount: 8, next: { level: 3, target: 3, change: 1 } });
    expect(s.evidence).toHaveLength(5);
    expect(s.window).toEqual({ from: '2026-10-26T00:00:00.000Z', to: AS_OF, days: 28 });
  });

  it('measures experiment-to-production from the run start to the production version', () => {
    // run r1 started 2026-10-26, production version 3 created 2026-11-15 → 20 days; ≤ 30 → level 3.
    expect(sig('pod:recsys', 'mlflow.experiment-to-production-days-p50')).toMatchObject({ value: 20, level: 3 });
  });

  it('computes delivery flow from deployments and pull requests and ignores events after the as-of', () => {
    // 4 successful production deploys / 4 weeks = 1 → L3; PR lead times 24 h and 12 h → median 18 → L4;
    // 1 failure of 5 finished deploys = 0.2 → L3 (the failure on 11-24 is after the as-of); restored in 2 h → L4.
    expect(sig('pod:recsys', 'github.deploys-per-week')).toMatchObject({ value: 1, level: 3 });
    expect(sig('pod:recsys', 'github.pr-lead-time-hours-p50')).toMatchObject({ value: 18, level: 4 });
    expect(sig('pod:recsys', 'github.change-failure-rate')).toMatchObject({ value: 0.2, level: 3 });
    expect(sig('pod:recsys', 'github.time-to-restore-hours-p50')).toMatchObject({ value: 2, level: 4 });
    // Levels 3,4,3,4 → mean 3.5 → level 3. Points 50 + 84.375 + 66.667 + 96.429 = 297.47 / 4 = 74.37 → 74.4.
    expect(dim('pod:recsys', 'pod.delivery-flow')).toMatchObject({ status: 'scored', level: 3, score: 74.4 });
  });

  it('keeps a dimension score inside the band of its level', () => {
    // Levels 2,3,3 → mean 2.67 → level 2; points 37.5, 62.5, 65.6 average 55.2, clamped to the level-2 band → 49.9.
    expect(dim('pod:recsys', 'pod.rapid-experimentation')).toMatchObject({ level: 2, score: 49.9 });
  });

  it('scores a quiet pod with configured sources as real zeros, and leaves medians without data missing', () => {
    const churn = card('pod:churn-predict');
    expect(sig('pod:churn-predict', 'github.deploys-per-week')).toMatchObject({ status: 'scored', value: 0, level: 1 });
    expect(sig('pod:churn-predict', 'github.pr-lead-time-hours-p50')).toMatchObject({
      status: 'missing',
      missingReason: 'no pull request was merged in the last 28 days',
    });
    // Roles: 5 of 7 covered → L4 (75 points); balance 0.802 → L4 (75.5); min → 75. The other five dimensions
    // score level 1 with 0 points → (75 + 0 × 5) / 6 = 12.5.
    expect(dim('pod:churn-predict', 'pod.cross-functional-composition')).toMatchObject({ level: 4, score: 75 });
    expect(churn).toMatchObject({ status: 'scored', score: 12.5, level: 1 });
  });

  it('computes the recsys unit score as the mean of its six dimension scores', () => {
    // 100 + 49.9 + 71.5 + 74.4 + 100 + 58.3 = 454.1 / 6 = 75.68 → 75.7, level 4.
    expect(card('pod:recsys')).toMatchObject({ status: 'scored', score: 75.7, level: 4, rubric: { id: 'radar-default', version: '2026-11' } });
  });

  it('rolls the domain up from its own dimensions and its scored pods', () => {
    // Objective-linked share: 2 of recsys's 4 new issues have parent CEDOM-1 → 0.5 → L3 (62.5 points).
    expect(sig('domain:customer-engagement', 'jira.objective-linked-share')).toMatchObject({ value: 0.5, level: 3 });
    // One of the two reviews with known home pods crosses pods → 0.5 → L5.
    expect(sig('domain:customer-engagement', 'github.cross-pod-review-share')).toMatchObject({ value: 0.5, level: 5 });
    // Own: (62.5 + 25 + 100) / 3 = 62.5. Members: recsys 75.7 and churn 12.5 scored, 2 of 4 → coverage 0.5.
    // Score: 0.5 × 62.5 + 0.5 × 44.1 = 53.3.
    const domain = card('domain:customer-engagement');
    expect(domain).toMatchObject({ status: 'scored', score: 53.3, level: 3 });
    expect(domain.rollup).toMatchObject({ coverage: 0.5, min: 12.5, max: 75.7, weakest: { unit: 'pod:churn-predict', score: 12.5 }, insufficientCoverage: false });
  });

  it('marks pods without collected bindings insufficient-data with a reason instead of scoring them low', () => {
    const bot = card('pod:support-bot');
    expect(bot.status).toBe('insufficient-data');
    expect(bot.score).toBeUndefined();
    expect(bot.statusReason).toMatch(/only 1 of 7 dimensions/);
    expect(sig('pod:support-bot', 'github.deploys-per-week').missingReason).toBe('GitHub for pod:support-bot has not been collected yet');
  });

  it('places recsys on the MLOps ladders from its evidence', () => {
    const [google, microsoft] = card('pod:recsys').mlops ?? [];
    // Scheduled JOB runs and registered versions meet Google level 1; no training workflow in CI stops level 2.
    expect(google).toMatchObject({ framework: 'google', level: 1, missingStep: 'Training pipeline code tested in CI' });
    // CI on push (1) and automated training (2); only 4 production deploys in 90 days (< 6) stops level 3.
    expect(microsoft).toMatchObject({ framework: 'microsoft', level: 2, missingStep: 'Automated deployment to production' });
  });

  it('returns one card per unit with pods first and the organisation last', () => {
    expect(cards).toHaveLength(13 + 4 + 4 + 3 + 1 + 1);
    expect(cards[0]?.unit).toBe('pod:recsys');
    expect(cards.at(-1)?.unit).toBe('org');
  });
});
