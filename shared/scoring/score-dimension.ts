import type { Rubric, RubricDimension, RubricSignal } from '../rubric/index.js';
import type { DerivedSignal } from '../signals/index.js';
import { clampToLevelBand, levelFor, pointsFor, roundScore, stableSum } from './levels.js';
import type { DimensionResult, Level, SignalResult } from './types.js';

/** Formats a number for plain-words text: at most three decimals, no trailing zeros. */
export function formatNumber(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** Turns a derived signal into its stored result: level, thresholds, evidence and what reaches the next level. */
export function scoreSignal(spec: RubricSignal, derived: DerivedSignal): SignalResult {
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
  };
  const v = derived.value;
  if (v.status === 'missing') {
    return { ...base, status: 'missing', evidence: [], evidenceCount: 0, missingReason: v.reason };
  }
  const level = levelFor(v.value, spec.direction, spec.thresholds);
  const result: SignalResult = { ...base, status: 'scored', value: v.value, level, evidence: v.evidence, evidenceCount: v.evidenceCount };
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

/**
 * The smallest change per signal that lifts the dimension one level, in plain words. For `min`, every signal at
 * the lowest level must reach the next one; for `mean-floor`, each option names one signal that could lift the
 * mean on its own (or the next level of each when none can alone). Missing signals come last: measuring them
 * may change the level.
 */
function nextSteps(dim: RubricDimension, scored: SignalResult[], missingSignals: SignalResult[], level: Level | undefined): string[] {
  const steps: string[] = [];
  if (level !== undefined && level < 5) {
    if (dim.combine === 'min') {
      for (const s of scored) {
        if (s.level === level && s.next) steps.push(`${stepText(s, s.next.target)} — needed`);
      }
    } else {
      const n = scored.length;
      const sum = scored.reduce((acc, s) => acc + (s.level as number), 0);
      const deficit = (level + 1) * n - sum;
      const alone: string[] = [];
      for (const s of scored) {
        const reach = (s.level as number) + deficit;
        if (reach <= 5) alone.push(stepText(s, s.thresholds[reach - 2] as number));
      }
      if (alone.length > 0) steps.push(...alone.map((t, i) => (i === 0 || alone.length === 1 ? t : `or ${t.charAt(0).toLowerCase()}${t.slice(1)}`)));
      else for (const s of scored) if (s.next) steps.push(`${stepText(s, s.next.target)} — together with the others`);
    }
  }
  for (const s of missingSignals) steps.push(`Measure ${s.name}: ${s.missingReason ?? 'no data'}`);
  return steps;
}

/** Scores one dimension from its signals: combine rule over levels, score within the level band, next steps. */
export function scoreDimension(dim: RubricDimension, signals: ReadonlyMap<string, SignalResult>): DimensionResult {
  const results: SignalResult[] = [];
  for (const id of dim.signals) {
    const s = signals.get(id);
    if (s !== undefined) results.push(s);
  }
  const scored = results.filter((s) => s.status === 'scored');
  const missingSignals = results.filter((s) => s.status === 'missing');
  const base = {
    dimensionId: dim.id,
    name: dim.name,
    combine: dim.combine,
    principles: [...dim.principles],
    signals: results,
    motivation: dim.motivation,
    remediation: dim.remediation,
  };
  if (scored.length === 0) {
    return {
      ...base,
      status: 'missing',
      nextSteps: nextSteps(dim, [], missingSignals, undefined),
      missingReason: `no signal could be measured: ${missingSignals.map((s) => `${s.name} (${s.missingReason ?? 'no data'})`).join('; ')}`,
    };
  }
  const levels = scored.map((s) => s.level as number);
  const points = scored.map((s) => pointsFor(s.value as number, s.direction, s.thresholds));
  let level: Level;
  let raw: number;
  if (dim.combine === 'min') {
    level = Math.min(...levels) as Level;
    raw = Math.min(...points);
  } else {
    level = Math.floor(stableSum(levels) / levels.length) as Level;
    raw = stableSum(points) / points.length;
  }
  const score = roundScore(clampToLevelBand(raw, level));
  return { ...base, status: 'scored', level, score, nextSteps: nextSteps(dim, scored, missingSignals, level) };
}

/** Signals of the rubric needed by a unit kind's dimensions, with their windows. */
export function signalSpecsFor(rubric: Rubric, dims: readonly RubricDimension[]): RubricSignal[] {
  const wanted = new Set<string>();
  for (const d of dims) for (const s of d.signals) wanted.add(s);
  return rubric.signals.filter((s) => wanted.has(s.id));
}
