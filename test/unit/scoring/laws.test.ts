import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { defaultRubric } from '../../../shared/rubric/index.js';
import type { Rubric } from '../../../shared/rubric/index.js';
import { combineParts, levelFor, pointsFor, scoreDimension, scoreOrganisation } from '../../../shared/scoring/index.js';
import type { SignalResult, UnitScorecard } from '../../../shared/scoring/index.js';
import { AS_OF, demoOrg } from '../../fixtures/activities/demo-week.js';
import { allOk, arbActivities } from './arbitraries.js';

const org = demoOrg();
const sources = allOk(org);
const score = (activities: Parameters<typeof scoreOrganisation>[0]['activities'], rubric: Rubric = defaultRubric): UnitScorecard[] =>
  scoreOrganisation({ org, rubric, asOf: AS_OF, activities, sources });
const byUnit = (cards: UnitScorecard[]): Map<string, UnitScorecard> => new Map(cards.map((c) => [c.unit, c]));
const inLevelRange = (l: number | undefined): boolean => l === undefined || (Number.isInteger(l) && l >= 1 && l <= 5);
const inScoreRange = (s: number | undefined): boolean => s === undefined || (s >= 0 && s <= 100);

const arbThresholds = fc
  .uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 4, maxLength: 4 })
  .map((xs) => xs.sort((a, b) => a - b) as [number, number, number, number]);
const arbDirection = fc.constantFrom('higher-is-better' as const, 'lower-is-better' as const);

function signal(id: string, value: number, direction: SignalResult['direction'], t: [number, number, number, number]): SignalResult {
  const thresholds = (direction === 'higher-is-better' ? t : [...t].reverse()) as [number, number, number, number];
  return {
    signalId: id, name: id, status: 'scored', value, unit: 'x', window: { from: AS_OF, to: AS_OF, days: 1 }, direction,
    thresholds, level: levelFor(value, direction, thresholds), evidence: [], evidenceCount: 0, points: pointsFor(value, direction, thresholds),
  };
}

describe('scoring laws', () => {
  test.prop([arbActivities()], { numRuns: 40 })('keeps every score within 0–100 and every level within 1–5', (activities) => {
    for (const card of score(activities)) {
      expect(inScoreRange(card.score) && inLevelRange(card.level)).toBe(true);
      for (const d of card.dimensions) {
        expect(inScoreRange(d.score) && inLevelRange(d.level)).toBe(true);
        for (const s of d.signals) expect(inLevelRange(s.level)).toBe(true);
      }
      for (const p of card.principles ?? []) expect(inScoreRange(p.score) && inLevelRange(p.level)).toBe(true);
    }
  });

  test.prop([arbActivities()], { numRuns: 25 })('gives the same cards for the same input', (activities) => {
    expect(JSON.stringify(score(activities))).toBe(JSON.stringify(score(activities)));
  });

  test.prop([arbActivities().chain((a) => fc.tuple(fc.constant(a), fc.shuffledSubarray(a, { minLength: a.length, maxLength: a.length })))], {
    numRuns: 25,
  })('does not depend on the order of activities', ([activities, shuffled]) => {
    expect(JSON.stringify(score(shuffled))).toBe(JSON.stringify(score(activities)));
  });

  test.prop([arbActivities(), fc.boolean()], { numRuns: 15 })('does not depend on the order of pods and domains in the config', (activities, reverseDomains) => {
    const reordered = structuredClone(org);
    reordered.domains = (reverseDomains ? [...reordered.domains].reverse() : reordered.domains).map((d) => ({ ...d, pods: [...d.pods].reverse() }));
    reordered.networks = reordered.networks.map((n) => ({ ...n, members: [...n.members].reverse() }));
    const a = byUnit(score(activities));
    const b = byUnit(scoreOrganisation({ org: reordered, rubric: defaultRubric, asOf: AS_OF, activities, sources }));
    for (const [unit, card] of a) {
      const other = b.get(unit) as UnitScorecard;
      expect({ score: other.score, level: other.level, rollup: other.rollup, principles: other.principles }).toEqual({
        score: card.score, level: card.level, rollup: card.rollup, principles: card.principles,
      });
    }
  });

  test.prop([arbDirection, arbThresholds, fc.double({ min: 0, max: 1200, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true })])(
    'never lowers a signal’s level or points when its value improves',
    (direction, t, value, delta) => {
      const th = (direction === 'higher-is-better' ? t : [...t].reverse()) as [number, number, number, number];
      const better = direction === 'higher-is-better' ? value + delta : Math.max(0, value - delta);
      expect(levelFor(better, direction, th)).toBeGreaterThanOrEqual(levelFor(value, direction, th));
      expect(pointsFor(better, direction, th)).toBeGreaterThanOrEqual(pointsFor(value, direction, th));
    },
  );

  test.prop(
    [
      fc.array(fc.tuple(arbDirection, arbThresholds, fc.double({ min: 0, max: 1200, noNaN: true })), { minLength: 1, maxLength: 4 }),
      fc.constantFrom('mean-floor' as const, 'min' as const),
      fc.nat(),
      fc.double({ min: 0, max: 500, noNaN: true }),
      fc.double({ min: 0, max: 100, noNaN: true }),
    ],
    { numRuns: 300 },
  )('never lowers a dimension or the unit score when one signal improves', (specs, combine, pick, delta, otherScore) => {
    const dim = { ...defaultRubric.dimensions[0]!, combine, signals: specs.map((_, i) => `s.${i}`) };
    const results = (improve: boolean): Map<string, SignalResult> =>
      new Map(
        specs.map(([direction, t, value], i) => {
          const target = i === pick % specs.length;
          const v = !improve || !target ? value : direction === 'higher-is-better' ? value + delta : Math.max(0, value - delta);
          return [`s.${i}`, signal(`s.${i}`, v, direction, t)];
        }),
      );
    const before = scoreDimension(dim, results(false));
    const after = scoreDimension(dim, results(true));
    expect(after.level as number).toBeGreaterThanOrEqual(before.level as number);
    expect(after.score as number).toBeGreaterThanOrEqual(before.score as number);
    // The unit's own score is the weighted mean of its dimension scores: another dimension stays as it is.
    const unitBefore = combineParts([{ score: before.score as number, weight: 1 }, { score: otherScore, weight: 2 }]) as number;
    const unitAfter = combineParts([{ score: after.score as number, weight: 1 }, { score: otherScore, weight: 2 }]) as number;
    expect(unitAfter).toBeGreaterThanOrEqual(unitBefore);
  });

  test.prop([arbActivities()], { numRuns: 25 })(
    'shows a signal without data as missing with a reason, earning no points and lowering its dimension’s coverage',
    (activities) => {
      for (const card of score(activities)) {
        for (const d of card.dimensions) {
          const missing = d.signals.filter((s) => s.status === 'missing');
          for (const s of missing) {
            expect(s.value).toBeUndefined();
            expect(s.missingReason).toMatch(/\S/);
            expect(s.points).toBe(0);
          }
          expect(d.coverage).toBeCloseTo((d.signals.length - missing.length) / d.signals.length, 3);
        }
      }
    },
  );
});
