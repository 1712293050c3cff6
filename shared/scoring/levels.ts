import type { Level } from './types.js';

type Direction = 'higher-is-better' | 'lower-is-better';
type Thresholds = readonly [number, number, number, number];

/**
 * Where levels 1–5 start on the 0–100 score (the rubric's `scoring.levelBands`). The top band starts below a
 * perfect score, so level 5 is reachable without every signal at its best.
 */
export type LevelBands = readonly [number, number, number, number, number];
export const DEFAULT_LEVEL_BANDS: LevelBands = [0, 20, 40, 60, 80];
/** The bands of rubric 2026-11 and earlier: level = 1 + ⌊score ÷ 25⌋, level 5 only at 100. */
export const LEGACY_LEVEL_BANDS: LevelBands = [0, 25, 50, 75, 100];

/** The level a value reaches: 1 below the level-2 threshold, else the highest level whose threshold it meets. */
export function levelFor(value: number, direction: Direction, thresholds: Thresholds): Level {
  let level = 1;
  for (let i = 0; i < 4; i++) {
    const t = thresholds[i] as number;
    const meets = direction === 'higher-is-better' ? value >= t : value <= t;
    if (!meets) break;
    level = i + 2;
  }
  return level as Level;
}

/**
 * Signal points 0–100, continuous and monotone in the value: the level-k threshold is worth the start of band k
 * and points move linearly between thresholds. Below the level-2 threshold, higher-is-better values earn
 * value ÷ threshold of the first band; lower-is-better values earn threshold ÷ value of it, or for a share
 * (bounded by 1) fall linearly to 0 at 1. Beyond the level-5 threshold points rise to 100 over one more step of
 * the last threshold gap.
 */
export function pointsFor(value: number, direction: Direction, thresholds: Thresholds, bands: LevelBands = DEFAULT_LEVEL_BANDS, opts: { share?: boolean } = {}): number {
  if (!Number.isFinite(value)) return 0;
  const hi = direction === 'higher-is-better';
  // Distance in the "better" direction, so both directions read as higher-is-better.
  const v = hi ? value : -value;
  const t = thresholds.map((x) => (hi ? x : -x)) as number[];
  const b = bands;
  const t2 = t[0] as number;
  if (v < t2) {
    let p: number;
    if (hi) p = t2 > 0 ? Math.max(0, value) / t2 : 0;
    else if (opts.share === true && thresholds[0] < 1) p = (1 - Math.min(1, value)) / (1 - thresholds[0]);
    else p = value > 0 && thresholds[0] > 0 ? thresholds[0] / value : 0;
    return (b[1] - b[0]) * Math.min(Math.max(p, 0), 1) + b[0];
  }
  for (let i = 0; i < 3; i++) {
    const lo = t[i] as number;
    const up = t[i + 1] as number;
    if (v < up) return (b[i + 1] as number) + ((b[i + 2] as number) - (b[i + 1] as number)) * ((v - lo) / (up - lo));
  }
  const t4 = t[2] as number;
  const t5 = t[3] as number;
  const beyond = t5 > t4 ? Math.min(1, (v - t5) / (t5 - t4)) : 1;
  return b[4] + (100 - b[4]) * Math.max(0, beyond);
}

/** The level of a 0–100 score: the highest band whose start it reaches. */
export function levelFromScore(score: number, bands: LevelBands = DEFAULT_LEVEL_BANDS): Level {
  let level = 1;
  for (let i = 1; i < 5; i++) if (score >= (bands[i] as number) - 1e-9) level = i + 1;
  return level as Level;
}

/** Rounds a score for storage: one decimal, so equal inputs give byte-identical snapshots. */
export function roundScore(score: number): number {
  return Math.round(score * 10) / 10;
}

/** Rounds a coverage share for storage: three decimals. */
export function roundShare(share: number): number {
  return Math.round(share * 1000) / 1000;
}

/** Sums numbers in ascending order, so the result never depends on member or activity order. */
export function stableSum(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  let s = 0;
  for (const v of sorted) s += v;
  return s;
}
