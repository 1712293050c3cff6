import type { Level } from './types.js';

type Direction = 'higher-is-better' | 'lower-is-better';
type Thresholds = readonly [number, number, number, number];

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
 * Signal points 0–100: 25 per level above 1, plus linear progress towards the next threshold (below level 2 the
 * progress is value ÷ threshold, or threshold ÷ value for lower-is-better), so a better value never scores less.
 */
export function pointsFor(value: number, direction: Direction, thresholds: Thresholds): number {
  const level = levelFor(value, direction, thresholds);
  if (level === 5) return 100;
  const next = thresholds[level - 1] as number;
  let progress: number;
  if (level === 1) {
    if (direction === 'higher-is-better') progress = next > 0 ? value / next : 0;
    else progress = next > 0 && value > 0 ? next / value : 0;
  } else {
    const current = thresholds[level - 2] as number;
    progress = (value - current) / (next - current);
  }
  const clamped = Number.isFinite(progress) ? Math.min(Math.max(progress, 0), 1) : 0;
  return Math.min(25 * (level - 1 + clamped), 25 * level);
}

/** The level of a 0–100 score: 1 + ⌊score ÷ 25⌋, capped at 5. */
export function levelFromScore(score: number): Level {
  return Math.min(5, Math.max(1, 1 + Math.floor(score / 25))) as Level;
}

/** Keeps a dimension score inside its level's band so the score and the level never contradict each other. */
export function clampToLevelBand(score: number, level: Level): number {
  if (level === 5) return 100;
  return Math.min(Math.max(score, 25 * (level - 1)), 25 * level - 0.1);
}

/** Rounds a score for storage: one decimal, so equal inputs give byte-identical snapshots. */
export function roundScore(score: number): number {
  return Math.round(score * 10) / 10;
}

/** Sums numbers in ascending order, so the result never depends on member or activity order. */
export function stableSum(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  let s = 0;
  for (const v of sorted) s += v;
  return s;
}
