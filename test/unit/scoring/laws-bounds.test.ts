import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { arbWorld, scoreWorld } from './laws-kit.js';

// Law: bounds. Every share signal is in [0, 1]; every score (signal-derived dimension, unit, principle, rollup
// member) is in [0, 100]; every level in 1–5.

const isShare = (unit: string): boolean => unit === 'ratio' || unit.startsWith('share of');
const inScore = (s: number | undefined): boolean => s === undefined || (s >= 0 && s <= 100);
const inLevel = (l: number | undefined): boolean => l === undefined || (Number.isInteger(l) && l >= 1 && l <= 5);

describe('law: bounds', () => {
  test.prop([arbWorld()], { numRuns: 60 })('keeps every share in [0, 1], every score in [0, 100] and every level in 1–5', (world) => {
    const problems: string[] = [];
    for (const card of scoreWorld(world)) {
      if (!inScore(card.score) || !inLevel(card.level)) problems.push(`${card.unit} ${card.score} L${card.level}`);
      for (const d of card.dimensions) {
        if (!inScore(d.score) || !inLevel(d.level)) problems.push(`${card.unit} ${d.dimensionId} ${d.score} L${d.level}`);
        for (const s of d.signals) {
          if (s.status === 'scored' && isShare(s.unit) && !((s.value as number) >= 0 && (s.value as number) <= 1)) problems.push(`${card.unit} ${s.signalId} = ${s.value}`);
        }
      }
      for (const p of card.principles ?? []) if (!inScore(p.score) || !inLevel(p.level)) problems.push(`${card.unit} ${p.principle} ${p.score}`);
      for (const m of card.rollup?.members ?? []) if (!inScore(m.score ?? undefined)) problems.push(`${card.unit} member ${m.unit} ${m.score}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
