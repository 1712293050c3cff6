import { describe, expect, it } from 'vitest';
import { ALL_UNITS } from '../../../shared/api/index.js';
import type { Scope } from '../../../shared/api/index.js';
import {
  attributionFromSummary,
  buildAsOfSummary,
  downsample,
  gridFromSummary,
  keepsIndex,
  orgTrendFromSummary,
  SERIES_MAX_POINTS,
  summaryInputsOf,
  summaryIsCurrent,
  unitsFromSummary,
} from '../../../shared/api/summaries.js';
import type { SummaryState, SummaryView } from '../../../shared/api/summaries.js';
import { buildAttribution, buildGrid, buildOrgTrend, buildUnitSummaries, pickBaseline } from '../../../shared/api/views.js';
import { defaultRubric } from '../../../shared/rubric/index.js';
import type { UnitScorecard } from '../../../shared/scoring/types.js';
import { buildSeedHistory } from '../../helpers/seed-scorecards.js';

const WEEK_MS = 7 * 86_400_000;
const weights = defaultRubric.scoring.organisation;
const podLead: Scope = { kind: 'units', units: new Set(['pod:recsys']) };

/** The demo fixture's weeks repeated back in time to `n` weekly as-ofs, with a drift so every as-of differs. */
function longHistory(n: number): { asOf: string; cards: UnitScorecard[] }[] {
  const seed = buildSeedHistory();
  const last = Date.parse(seed[seed.length - 1]?.asOf as string);
  return Array.from({ length: n }, (_, k) => {
    const src = seed[k % seed.length] as { cards: UnitScorecard[] };
    const asOf = new Date(last - (n - 1 - k) * WEEK_MS).toISOString();
    const cards = src.cards.map((c) => ({ ...c, asOf, ...(c.score !== undefined ? { score: Math.round((c.score + Math.sin(k) * 3) * 10) / 10 } : {}) }));
    // Sorted by unit, as the stores hand back every card of an as-of.
    return { asOf, cards: cards.sort((x, y) => (x.unit < y.unit ? -1 : 1)) };
  });
}

/** Builds every as-of's summary in order, as saveSnapshots does (previous state plus baseline states). */
function buildAll(history: { asOf: string; cards: UnitScorecard[] }[]): { views: SummaryView[]; states: Map<string, SummaryState> } {
  const states = new Map<string, SummaryState>();
  const views: SummaryView[] = [];
  const complete: string[] = [];
  for (const { asOf, cards } of history) {
    const inputs = summaryInputsOf(asOf, complete);
    const prev = inputs.prev ? (states.get(inputs.prev) ?? null) : null;
    const { view, state } = buildAsOfSummary(asOf, cards, prev, states);
    states.set(asOf, state);
    views.push(view);
    complete.push(asOf);
  }
  return { views, states };
}

describe('series downsampling', () => {
  it('keeps every point of a series no longer than the chart can show', () => {
    const list = Array.from({ length: SERIES_MAX_POINTS }, (_, i) => i);
    expect(downsample(list)).toEqual(list);
  });

  it('keeps at most the chart’s points of a long series, starting with the first and ending with the latest', () => {
    for (const n of [121, 156, 500, 2000]) {
      const kept = downsample(Array.from({ length: n }, (_, i) => i));
      expect(kept.length).toBeLessThanOrEqual(SERIES_MAX_POINTS);
      expect(kept[0]).toBe(0);
      expect(kept[kept.length - 1]).toBe(n - 1);
      // Evenly spaced apart from the latest: one stride between neighbours.
      const gaps = new Set(kept.slice(0, -1).map((v, i) => (kept[i + 1] as number) - v).slice(0, -1));
      expect(gaps.size).toBe(1);
    }
  });

  it('never brings back an index it once dropped as history grows (so an incremental build can follow it)', () => {
    for (let n = 2; n < 300; n++) {
      for (let i = 0; i < n - 1; i++) if (!keepsIndex(i, n)) expect(keepsIndex(i, n + 1)).toBe(false);
    }
  });
});

describe('buildAsOfSummary', () => {
  const history = longHistory(156);
  const { views } = buildAll(history);
  const last = views[views.length - 1] as SummaryView;

  it('extends the series one as-of at a time to what a rebuild from the full history gives, downsampled', () => {
    const org = history.map((h) => h.cards.find((c) => c.kind === 'org') as UnitScorecard);
    // The domains in the latest org rollup's order, as /api/org/trend lists them.
    const domainUnits = (org[org.length - 1]?.rollup?.members ?? []).map((m) => m.unit).filter((u) => u.startsWith('domain:'));
    expect(domainUnits.length).toBeGreaterThan(0);
    const domains = domainUnits.map((u) => history.map((h) => h.cards.find((c) => c.unit === u) as UnitScorecard));
    const full = buildOrgTrend(ALL_UNITS, org, domains);
    const fromSummary = orgTrendFromSummary(last);
    expect(full.points.length).toBe(156);
    expect(fromSummary.points).toEqual(downsample(full.points));
    expect(fromSummary.domains).toEqual(full.domains.map((d) => ({ ...d, points: downsample(d.points) })));
    expect(fromSummary.rubricChanges).toEqual(full.rubricChanges);
    expect(fromSummary.points.at(-1)).toEqual(full.points.at(-1));
  });

  it('serves the grid, the units list and the attribution exactly as the full cards give them, for every caller', () => {
    const latest = history[history.length - 1]?.cards as UnitScorecard[];
    for (const weeks of [1, 4, 13, 26, 52]) {
      const base = pickBaseline(history.map((h) => h.asOf), last.asOf, weeks) as string;
      const baseline = history.find((h) => h.asOf === base)?.cards as UnitScorecard[];
      for (const scope of [ALL_UNITS, podLead]) {
        expect(attributionFromSummary(scope, last, weeks, weights)).toEqual(buildAttribution(scope, { latest, baseline, weights, weeks, from: base, to: last.asOf }));
        expect(unitsFromSummary(scope, last, weeks)?.units).toEqual(buildUnitSummaries(scope, latest, baseline));
      }
    }
    for (const scope of [ALL_UNITS, podLead]) expect(gridFromSummary(scope, last)).toEqual(buildGrid(scope, latest));
  });

  it('leaves out a period whose baseline state it was not given, so the API falls back to the full reads', () => {
    const [a, b] = longHistory(2) as [{ asOf: string; cards: UnitScorecard[] }, { asOf: string; cards: UnitScorecard[] }];
    const first = buildAsOfSummary(a.asOf, a.cards, null, new Map());
    const second = buildAsOfSummary(b.asOf, b.cards, first.state, new Map());
    expect(second.view.baselines.filter((x) => x.asOf !== null)).toEqual([]);
    expect(unitsFromSummary(ALL_UNITS, second.view, 1)).toBeNull();
  });

  it('is current only when its series covers exactly the complete as-ofs up to its own', () => {
    const asOfs = history.map((h) => h.asOf);
    expect(summaryIsCurrent(last, asOfs)).toBe(true);
    // An older as-of written later (or written before summaries existed) makes it stale.
    expect(summaryIsCurrent(last, [...asOfs, '2000-01-03T00:00:00.000Z'])).toBe(false);
    expect(summaryIsCurrent(last, asOfs.slice(1))).toBe(false);
  });

  it('keeps no signal value, evidence link or next step in what it stores', () => {
    const text = JSON.stringify(last);
    expect(text).not.toContain('"evidence"');
    expect(text).not.toContain('"nextSteps"');
    expect(text).not.toContain('"value"');
  });
});
