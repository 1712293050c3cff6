import type { UnitRef } from '../org/index.js';
import { levelFromScore, roundScore, stableSum } from './levels.js';
import type { Level, RollupSummary } from './types.js';

/** A member as a rollup sees it: its name and score (null when it has insufficient data). */
export interface RollupMember {
  unit: UnitRef;
  name: string;
  score: number | null;
}

/**
 * Summarises members honestly: coverage (share scored), min/max/population stdev and the weakest member, with
 * `insufficientCoverage` when coverage is below the rubric minimum. Independent of member order.
 */
export function rollupMembers(members: readonly RollupMember[], minCoverage: number): RollupSummary & { mean: number | null } {
  const sorted = members.slice().sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
  const scores: number[] = [];
  let weakest: { unit: UnitRef; score: number } | null = null;
  for (const m of sorted) {
    if (m.score === null) continue;
    scores.push(m.score);
    if (weakest === null || m.score < weakest.score) weakest = { unit: m.unit, score: m.score };
  }
  const coverage = members.length === 0 ? 0 : scores.length / members.length;
  const mean = scores.length === 0 ? null : stableSum(scores) / scores.length;
  const stdev = mean === null ? null : Math.sqrt(stableSum(scores.map((s) => (s - mean) ** 2)) / scores.length);
  return {
    members: sorted.map((m) => ({ unit: m.unit, name: m.name, score: m.score, level: m.score === null ? null : levelFromScore(m.score) })),
    coverage: Math.round(coverage * 1000) / 1000,
    min: scores.length === 0 ? null : Math.min(...scores),
    max: scores.length === 0 ? null : Math.max(...scores),
    stdev: stdev === null ? null : roundScore(stdev),
    weakest,
    insufficientCoverage: members.length > 0 && coverage < minCoverage,
    mean: mean === null ? null : roundScore(mean),
  };
}

/** Weighted mean of the parts present (weights renormalise); null when no part with weight > 0 is present. */
export function combineParts(parts: readonly { score: number | null; weight: number }[]): number | null {
  const present = parts.filter((p): p is { score: number; weight: number } => p.score !== null && p.weight > 0);
  if (present.length === 0) return null;
  present.sort((a, b) => a.score - b.score || a.weight - b.weight);
  let num = 0;
  let den = 0;
  for (const p of present) {
    num += p.score * p.weight;
    den += p.weight;
  }
  return roundScore(num / den);
}

/** Score and level together, for cards. */
export function scoreAndLevel(score: number): { score: number; level: Level } {
  return { score, level: levelFromScore(score) };
}
