import type { Rubric, RubricDimension, RubricSignal } from '../rubric/index.js';
import type { DerivedSignal } from '../signals/index.js';
import { DEFAULT_LEVEL_BANDS, levelFor, levelFromScore, pointsFor, roundScore, roundShare, stableSum } from './levels.js';
import type { LevelBands } from './levels.js';
import type { DimensionResult, Level, SignalResult } from './types.js';

/** Formats a number for plain-words text: at most three decimals, no trailing zeros. */
export function formatNumber(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** Signals whose value is a share bounded by 1 (their lower-is-better points fall to 0 at 1). */
export function isShareUnit(unit: string): boolean {
  return unit === 'ratio' || unit.startsWith('share of');
}

/** How a rubric scores: level bands and the coverage floor. */
export interface ScoringRules {
  bands: LevelBands;
  floor: number;
}

export function rulesOf(rubric: Rubric): ScoringRules {
  return { bands: rubric.scoring.levelBands ?? DEFAULT_LEVEL_BANDS, floor: rubric.scoring.minDimensionCoverage };
}

/** Points of a signal value under its spec (the same function scoring and next moves use). */
export function signalPoints(spec: Pick<RubricSignal, 'direction' | 'thresholds' | 'unit'>, value: number, bands: LevelBands): number {
  return pointsFor(value, spec.direction, spec.thresholds, bands, { share: isShareUnit(spec.unit) });
}

/** Turns a derived signal into its stored result: level, points, thresholds, evidence and the next level. */
export function scoreSignal(spec: RubricSignal, derived: DerivedSignal, bands: LevelBands = DEFAULT_LEVEL_BANDS): SignalResult {
  const window = {
    from: new Date(derived.fromMs).toISOString(),
    to: new Date(derived.toMs).toISOString(),
    days: Math.round(derived.windowDays * 100) / 100,
  };
  const base = {
    signalId: spec.id,
    name: spec.name,
    unit: spec.unit,
    window,
    direction: spec.direction,
    thresholds: [...spec.thresholds] as [number, number, number, number],
    ...(spec.thresholdSource === undefined ? {} : { thresholdSource: spec.thresholdSource }),
  };
  const v = derived.value;
  if (v.status === 'missing') {
    return { ...base, status: 'missing', evidence: [], evidenceCount: 0, missingReason: v.reason, points: 0 };
  }
  const level = levelFor(v.value, spec.direction, spec.thresholds);
  const points = roundScore(signalPoints(spec, v.value, bands));
  const result: SignalResult = { ...base, status: 'scored', value: v.value, level, evidence: v.evidence, evidenceCount: v.evidenceCount, points };
  if (level < 5) {
    const target = spec.thresholds[level - 1] as number;
    result.next = { level: (level + 1) as Level, target, change: Math.round((target - v.value) * 1000) / 1000 };
  }
  return result;
}

function stepText(s: SignalResult, target: number): string {
  const verb = s.direction === 'higher-is-better' ? 'Raise' : 'Bring down';
  const change = target - (s.value as number);
  const sign = change > 0 ? '+' : '';
  return `${verb} ${s.name} from ${formatNumber(s.value as number)} to ${formatNumber(target)} ${s.unit} (${sign}${formatNumber(change)})`;
}

/** Plain-words steps: each scored signal below level 5 to its next threshold, then what to measure. */
function nextSteps(scored: SignalResult[], missingSignals: SignalResult[]): string[] {
  const steps: string[] = [];
  for (const s of scored) if (s.next) steps.push(stepText(s, s.next.target));
  for (const s of missingSignals) steps.push(`Measure ${s.name}: ${s.missingReason ?? 'no data'}`);
  return steps;
}

/**
 * The evidence score of a dimension from its signals' points (a missing signal earns 0): the mean for `mean`
 * (and the older `mean-floor`), the lowest for `min`.
 */
export function combineSignalPoints(combine: string, points: readonly number[]): number {
  if (points.length === 0) return 0;
  return combine === 'min' ? Math.min(...points) : stableSum(points) / points.length;
}

/**
 * Scores one dimension. Every signal the rubric lists counts: observed ones with their points, unobservable ones
 * with 0 points and less coverage. The evidence score is continuous; the level is its band. Below the coverage
 * floor the dimension has no score and no level ("insufficient evidence"), but keeps its evidence score.
 */
export function scoreDimension(dim: RubricDimension, signals: ReadonlyMap<string, SignalResult>, rules: ScoringRules = { bands: DEFAULT_LEVEL_BANDS, floor: 0.5 }): DimensionResult {
  const results: SignalResult[] = [];
  for (const id of dim.signals) {
    const s = signals.get(id);
    if (s !== undefined) results.push(s);
  }
  const scored = results.filter((s) => s.status === 'scored');
  const missingSignals = results.filter((s) => s.status === 'missing');
  const n = dim.signals.length;
  const coverage = roundShare(n === 0 ? 0 : scored.length / n);
  const points = dim.signals.map((id) => signals.get(id)?.points ?? 0);
  const evidenceScore = roundScore(combineSignalPoints(dim.combine, points));
  const base = {
    dimensionId: dim.id,
    name: dim.name,
    combine: dim.combine,
    principles: [...dim.principles],
    signals: results,
    motivation: dim.motivation,
    remediation: dim.remediation,
    coverage,
    evidenceScore,
    nextSteps: nextSteps(scored, missingSignals),
  };
  if (scored.length === 0 || coverage < rules.floor - 1e-9) {
    const why =
      scored.length === 0
        ? 'no signal could be measured'
        : `insufficient evidence: ${scored.length} of ${n} signals could be observed (the rubric needs ${Math.round(rules.floor * 100)}%)`;
    return {
      ...base,
      status: 'missing',
      missingReason: `${why}: ${missingSignals.map((s) => `${s.name} (${s.missingReason ?? 'no data'})`).join('; ')}`,
    };
  }
  return { ...base, status: 'scored', level: levelFromScore(evidenceScore, rules.bands), score: evidenceScore };
}

/** Signals of the rubric needed by a unit kind's dimensions, with their windows. */
export function signalSpecsFor(rubric: Rubric, dims: readonly RubricDimension[]): RubricSignal[] {
  const wanted = new Set<string>();
  for (const d of dims) for (const s of d.signals) wanted.add(s);
  return rubric.signals.filter((s) => wanted.has(s.id));
}
