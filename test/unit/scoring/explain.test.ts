import { describe, expect, it } from 'vitest';
import { lookupScorecard, resolveAsOf } from '../../../shared/cli/commands/explain.js';
import { formatScorecard } from '../../../shared/cli/format-scorecard.js';
import { defaultRubric } from '../../../shared/rubric/index.js';
import { scoreOrganisation } from '../../../shared/scoring/index.js';
import type { UnitScorecard } from '../../../shared/scoring/index.js';
import { createMemoryStores } from '../../helpers/seed-memory-stores.js';
import { AS_OF, DEMO_WEEK, demoOrg, demoWeekSources } from '../../fixtures/activities/demo-week.js';

const cards = scoreOrganisation({ org: demoOrg(), rubric: defaultRubric, asOf: AS_OF, activities: DEMO_WEEK, sources: demoWeekSources() });
const card = (unit: string): UnitScorecard => cards.find((c) => c.unit === unit) as UnitScorecard;

describe('formatScorecard', () => {
  const recsys = formatScorecard(card('pod:recsys'));

  it('states the score, level and rubric version of a pod', () => {
    expect(recsys).toContain('Recommendations (pod:recsys) — part of domain:customer-engagement');
    expect(recsys).toContain('Score 53.4/100 · level 3 Defined');
    expect(recsys).toContain('rubric radar-default version 2026-12');
    expect(recsys).toContain('Coverage 86% of the evidence could be observed · evidence score 53.4/100');
  });

  it('ranks the top moves with their expected gain', () => {
    expect(recsys).toContain('Top moves (re-scored with one signal at its next threshold)');
    expect(recsys).toContain('  +1.4  mixed.ab-tests-per-quarter: 3 → 5');
  });

  it('shows each signal with value, unit, window, thresholds, level and evidence links', () => {
    expect(recsys).toContain('• MLflow runs per week: 2 runs/week over 28 days → level 2 Emerging');
    expect(recsys).toContain('thresholds L2 ≥ 1 · L3 ≥ 3 · L4 ≥ 8 · L5 ≥ 15 runs/week (higher-is-better)');
    expect(recsys).toContain('next: level 3 at 3 runs/week (+1)');
    expect(recsys).toContain('evidence (8 counted, showing 5):');
    expect(recsys).toMatch(/- run …run17 https:\/\/example\.test\/mlflow:run:run17/);
  });

  it('lists the next steps of each dimension', () => {
    expect(recsys).toContain('to reach the next level:');
    expect(recsys).toContain('- Raise MLflow runs per week from 2 to 3 runs/week (+1)');
  });

  it('shows the MLOps placement with met and unmet steps', () => {
    expect(recsys).toContain('Google MLOps: level 1 of 2 — missing step: Training pipeline code tested in CI');
    expect(recsys).toContain('[x] Automated training runs (continuous training)');
    expect(recsys).toContain('[ ] Automated deployment to production');
  });

  it('lists missing data with reasons and never shows it as a zero', () => {
    const churn = formatScorecard(card('pod:churn-predict'));
    expect(churn).toContain('Missing data (cannot be observed: earns no points and lowers coverage; not a measured 0)');
    expect(churn).toContain('○ Pull request lead time (median): missing — no pull request was merged in the last 28 days');
  });

  it('explains an insufficient-data unit instead of printing a score', () => {
    const text = formatScorecard(card('pod:support-bot'));
    expect(text).toMatch(/^Insufficient data: insufficient evidence: coverage 14% is below the rubric's floor of 50%/m);
    expect(text).not.toMatch(/^Score /m);
  });

  it('shows rollup coverage, spread and the weakest member of a domain', () => {
    const text = formatScorecard(card('domain:customer-engagement'));
    expect(text).toContain('coverage 50% (2 of 4 members scored) · min 8.8 · max 53.4 · stdev 22.3');
    expect(text).toContain('weakest member: pod:churn-predict (8.8)');
    expect(text).toContain('Arithmetic: (0.5 × own 3.3 + 0.5 × mean of 4 member pods 20.4) ÷ 1 = 11.9');
  });

  it('shows the organisation principles and says when its rollup lacks coverage', () => {
    const text = formatScorecard(card('org'));
    expect(text).toContain('Principles');
    expect(text).toContain('insufficient coverage: too few members are scored');
  });
});

describe('explain lookup', () => {
  it('rejects a malformed unit name', async () => {
    const { snapshots } = createMemoryStores();
    expect(await lookupScorecard(snapshots, 'team:recsys')).toMatchObject({ kind: 'bad-unit' });
  });

  it('asks for a run or backfill when nothing is stored yet', async () => {
    const { snapshots } = createMemoryStores();
    const r = await lookupScorecard(snapshots, 'pod:recsys');
    expect(r).toMatchObject({ kind: 'no-snapshots' });
    expect(r.kind !== 'found' && r.message).toMatch(/radar run .*radar backfill/);
  });

  it('finds the latest scorecard, or one at a date, and reports an unknown unit', async () => {
    const { snapshots } = createMemoryStores();
    await snapshots.saveSnapshots(AS_OF, cards, { runId: 'run-1' });
    expect(await lookupScorecard(snapshots, 'pod:recsys')).toMatchObject({ kind: 'found', card: { unit: 'pod:recsys', score: 53.4 } });
    expect(await lookupScorecard(snapshots, 'pod:recsys', '2026-11-23')).toMatchObject({ kind: 'found' });
    expect(await lookupScorecard(snapshots, 'pod:nope')).toMatchObject({ kind: 'unknown-unit' });
    expect(await lookupScorecard(snapshots, 'pod:recsys', '2026-01-01')).toMatchObject({ kind: 'no-such-as-of' });
  });

  it('resolves a date to the latest as-of on that day', () => {
    expect(resolveAsOf(['2026-11-23T00:00:00.000Z', '2026-11-23T06:00:00.000Z'], '2026-11-23')).toBe('2026-11-23T06:00:00.000Z');
    expect(resolveAsOf(['2026-11-23T00:00:00.000Z'], '2026-11-23T00:00:00Z')).toBe('2026-11-23T00:00:00.000Z');
    expect(resolveAsOf(['2026-11-23T00:00:00.000Z'], 'yesterday')).toBeNull();
  });
});
