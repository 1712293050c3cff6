import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { defaultRubric } from '../../../shared/rubric/index.js';
import type { UnitScorecard } from '../../../shared/scoring/index.js';
import { arbWorld, byUnit, scoreWorld } from './laws-kit.js';

// Law: every rollup equals its documented formula (RUBRIC.md "How scores combine"), coverage rules included.
// A unit's evidence score is the weight-averaged evidence score of its own dimensions (a dimension without
// evidence earns 0, it is not left out); a domain or network adds its members' mean evidence score with the
// rubric's fixed weights; the organisation is the fixed-weight mean over unit kinds of each kind's mean. Coverage
// combines the same way, and a unit has a score and level exactly when its coverage reaches the rubric's floor.

const r = defaultRubric;
const ev = (c: { evidenceScore?: number; score?: number } | undefined): number => c?.evidenceScore ?? c?.score ?? 0;
const cov = (c: { coverage?: number } | undefined): number => c?.coverage ?? 0;
const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

function own(card: UnitScorecard, pick: (d: UnitScorecard['dimensions'][number]) => number): number | null {
  const dims = r.dimensions.filter((d) => d.unitKind === card.kind);
  if (dims.length === 0) return null;
  let num = 0;
  let den = 0;
  for (const spec of dims) {
    const d = card.dimensions.find((x) => x.dimensionId === spec.id);
    num += spec.weight * (d === undefined ? 0 : pick(d));
    den += spec.weight;
  }
  return num / den;
}

function expected(card: UnitScorecard, cards: Map<string, UnitScorecard>, pick: (c: UnitScorecard | undefined) => number, pickDim: (d: UnitScorecard['dimensions'][number]) => number): number {
  const mine = own(card, pickDim);
  if (card.kind === 'domain' || card.kind === 'network') {
    const w = r.scoring.rollups[card.kind];
    const members = (card.rollup?.members ?? []).map((m) => pick(cards.get(m.unit)));
    return (w.own * (mine ?? 0) + w.members * mean(members)) / (w.own + w.members);
  }
  if (card.kind === 'org') {
    let num = 0;
    let den = 0;
    for (const kind of ['pod', 'domain', 'network', 'lab', 'steering'] as const) {
      const members = [...cards.values()].filter((c) => c.kind === kind);
      if (members.length === 0) continue;
      num += r.scoring.organisation[kind] * mean(members.map((c) => pick(c)));
      den += r.scoring.organisation[kind];
    }
    return den === 0 ? 0 : num / den;
  }
  return mine ?? 0;
}

describe('law: rollups follow their documented formula', () => {
  test.prop([arbWorld()], { numRuns: 40 })('every unit’s evidence score, coverage and status equal the rubric’s formula over its dimensions and members', (world) => {
    const cards = byUnit(scoreWorld(world));
    const problems: string[] = [];
    for (const card of cards.values()) {
      const e = expected(card, cards, ev, (d) => d.evidenceScore ?? d.score ?? 0);
      const c = expected(card, cards, cov, (d) => d.coverage ?? (d.status === 'scored' ? 1 : 0));
      if (Math.abs(ev(card) - e) > 0.15) problems.push(`${card.unit} evidence score ${ev(card)} ≠ ${e.toFixed(2)}`);
      if (Math.abs(cov(card) - c) > 0.002) problems.push(`${card.unit} coverage ${cov(card)} ≠ ${c.toFixed(3)}`);
      const shouldScore = c >= r.scoring.minDimensionCoverage - 1e-9;
      if ((card.status === 'scored') !== shouldScore) problems.push(`${card.unit} status ${card.status} with coverage ${c.toFixed(3)}`);
      if (card.status === 'scored' && Math.abs((card.score as number) - ev(card)) > 1e-9) problems.push(`${card.unit} score ${card.score} is not its evidence score ${ev(card)}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
