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
    expect(sig('pod:recsys', 'github.deploys-per-week')).toMatchObject({ value: 1, level: 3, points: 40 });
    expect(sig('pod:recsys', 'github.pr-lead-time-hours-p50')).toMatchObject({ value: 18, level: 4 });
    expect(sig('pod:recsys', 'github.change-failure-rate')).toMatchObject({ value: 0.2, level: 3 });
    expect(sig('pod:recsys', 'github.time-to-restore-hours-p50')).toMatchObject({ value: 2, level: 4 });
    // Bands 0/20/40/60/80; a threshold is worth its band start, linear between thresholds:
    // deploys 1 = L3 threshold → 40; lead 18 h between 24 (60) and 8 (80) → 60 + 20 × 6/16 = 67.5;
    // CFR 0.2 between 0.3 (40) and 0.15 (60) → 40 + 20 × 0.1/0.15 = 53.33; restore 2 h between 8 (60) and 1 (80)
    // → 60 + 20 × 6/7 = 77.14. Mean 237.98 / 4 = 59.5 → band 40–60 → level 3.
    expect(dim('pod:recsys', 'pod.delivery-flow')).toMatchObject({ status: 'scored', level: 3, score: 59.5, coverage: 1 });
  });

  it('scores a dimension continuously as the mean of its signals’ points, its level the band of that score', () => {
    // Runs 2/week between 1 (20) and 3 (40) → 30; experiments 3/quarter between 2 (40) and 4 (60) → 50;
    // experiment-to-production 20 d between 30 (40) and 14 (60) → 52.5. Mean 132.5 / 3 = 44.17 → 44.2, level 3.
    expect(dim('pod:recsys', 'pod.rapid-experimentation')).toMatchObject({ level: 3, score: 44.2 });
    // Roles 7 beyond the level-5 threshold 6 → 100; balance 0.971 beyond 0.9 → 80 + 20 × 0.071/0.1 = 94.2; min 94.2.
    // Level 5 starts at 80, so 94.2 is level 5 (under 2026-11 it needed exactly 100).
    expect(dim('pod:recsys', 'pod.cross-functional-composition')).toMatchObject({ level: 5, score: 94.2 });
  });

  it('scores a quiet pod with configured sources as real zeros, and long-absent retraining as low', () => {
    const churn = card('pod:churn-predict');
    expect(sig('pod:churn-predict', 'github.deploys-per-week')).toMatchObject({ status: 'scored', value: 0, level: 1 });
    expect(sig('pod:churn-predict', 'github.pr-lead-time-hours-p50')).toMatchObject({
      status: 'missing',
      missingReason: 'no pull request was merged in the last 28 days',
    });
    // No model version at all: the retraining interval is expected but absent → the history horizon (400 days,
    // never shorter than with an old version), lower-is-better below 90 → 20 × 90/400 = 4.5 points.
    expect(sig('pod:churn-predict', 'mlflow.retraining-interval-days-p50')).toMatchObject({ status: 'scored', value: 400, level: 1, points: 4.5 });
    // Roles: 5 of 7 = the level-4 threshold → 60; balance 0.802 → 60.4; min → 60, level 4.
    expect(dim('pod:churn-predict', 'pod.cross-functional-composition')).toMatchObject({ level: 4, score: 60 });
    // Seven dimensions, weight 1 each, evidence scores 0, 0, 1.5, 0, 60, 0, 0 → 61.5 / 7 = 8.8; coverage
    // (1 + 2/3 + 2/3 + 1/4 + 1 + 1/2 + 0) / 7 = 0.583 ≥ the 50% floor → scored, level 1.
    expect(churn).toMatchObject({ status: 'scored', score: 8.8, level: 1, coverage: 0.583 });
  });

  it('computes the recsys unit score as the fixed-weight mean of all seven dimensions', () => {
    // 80 + 44.2 + 49.4 + 59.5 + 94.2 + 46.7 + 0 (Copilot not collected: no evidence, coverage 0) = 374 / 7 = 53.4.
    expect(card('pod:recsys')).toMatchObject({ status: 'scored', score: 53.4, level: 3, coverage: 0.857, rubric: { id: 'radar-default', version: '2026-12' } });
  });

  it('rolls the domain up with fixed weights, and says insufficient evidence when half its pods were never collected', () => {
    // Objective-linked share and cross-pod reviews need every member pod's binding; two pods were never collected,
    // so both are missing (a partial view could look better than the whole).
    expect(sig('domain:customer-engagement', 'jira.objective-linked-share')).toMatchObject({ status: 'missing' });
    expect(sig('domain:customer-engagement', 'github.cross-pod-review-share')).toMatchObject({ status: 'missing' });
    // Own: (0 + 10 + 0) / 3 = 3.3, coverage (0 + 0.5 + 0) / 3 = 0.167. Members: 53.4, 8.8, 13.7 and 6 → 20.4.
    // 0.5 × 3.3 + 0.5 × 20.4 = 11.9; coverage 0.5 × 0.167 + 0.5 × 0.432 = 0.299 < 0.5 → insufficient-data.
    const domain = card('domain:customer-engagement');
    expect(domain).toMatchObject({ status: 'insufficient-data', evidenceScore: 11.9, coverage: 0.299 });
    expect(domain.arithmetic).toBe('(0.5 × own 3.3 + 0.5 × mean of 4 member pods 20.4) ÷ 1 = 11.9; coverage (0.5 × 0.167 + 0.5 × 0.432) ÷ 1 = 0.299');
    expect(domain.rollup).toMatchObject({ coverage: 0.5, min: 8.8, max: 53.4, weakest: { unit: 'pod:churn-predict', score: 8.8 } });
  });

  it('marks pods without collected bindings insufficient-data with a reason instead of scoring them low', () => {
    const bot = card('pod:support-bot');
    expect(bot.status).toBe('insufficient-data');
    expect(bot.score).toBeUndefined();
    expect(bot.statusReason).toMatch(/insufficient evidence: coverage 14% is below the rubric's floor of 50%/);
    expect(sig('pod:support-bot', 'github.deploys-per-week').missingReason).toBe('GitHub for pod:support-bot has not been collected yet');
  });

  it('ranks recsys’s next moves by what re-scoring adds', () => {
    const moves = card('pod:recsys').topMoves ?? [];
    // A/B tests 3 → 5 per quarter lifts data-driven autonomy from (33.3 + 60)/2 to (33.3 + 80)/2: +10 → +1.4 on 7 dims.
    expect(moves[0]).toEqual({ signal: 'mixed.ab-tests-per-quarter', from: 3, to: 5, expectedGain: 1.4 });
    for (let i = 1; i < moves.length; i++) expect(moves[i - 1]!.expectedGain).toBeGreaterThanOrEqual(moves[i]!.expectedGain);
    expect(moves.every((m) => m.expectedGain > 0)).toBe(true);
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
