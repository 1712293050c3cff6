import type { UnitRef } from '../org/index.js';
import type { UnitScorecard } from '../scoring/types.js';
import type { AttributionResponse, GridResponse, OrgTrendPoint, OrgTrendResponse, RubricChange, ScorePoint, UnitSummary, UnitTrendPoint } from './contract.js';
import { ALL_UNITS } from './scope.js';
import type { Scope } from './scope.js';
import { buildAttribution, buildGrid, buildOrgTrend, buildUnitSummaries, buildUnitTrend, pickBaseline } from './views.js';

// Per-as-of summaries: what the dashboard's views draw, computed once at score time so a view reads one small
// partition instead of every snapshot of every week. Pure: the store writes and reads them, the API shapes them.
//
// A summary is built from the as-of's full card set plus the previous as-of's summary state (its series), so no
// history is read at score time. Series are downsampled by a stride rule that an incremental build reproduces
// exactly: keep every s-th as-of from the first plus the latest, s being the smallest power of two that keeps at
// most SERIES_MAX_POINTS points. s only ever doubles, and every multiple of 2s is a multiple of s, so dropping the
// points a new s no longer keeps and appending the new point gives what a rebuild from scratch gives.

/** Most points a stored trend series keeps (a chart 1,000 px wide shows ~120 distinct points). */
export const SERIES_MAX_POINTS = 120;
/** The periods (weeks) the overview offers; each as-of's summary carries the baseline of each. */
export const SUMMARY_PERIODS: readonly number[] = [1, 4, 13, 26, 52];
/** Bumped when the stored shape changes; readers treat another version as "no summary" (they fall back). */
export const SUMMARY_VERSION = 1;

/**
 * A scorecard cut to what the grid, the units list, movers and attribution read: no signal values, evidence, next
 * steps or texts. Typed as a scorecard so the same pure builders serve both the full cards and these.
 */
export type SlimCard = UnitScorecard;

export interface SeriesOrgPoint extends OrgTrendPoint {
  /** Position of the as-of in the summary's chain (the downsampling rule keys on it). */
  i: number;
}

export interface SeriesDomain {
  unit: UnitRef;
  name: string;
  points: (ScorePoint & { i: number })[];
}

/** The trend part of a summary, extended one as-of at a time. */
export interface SummarySeries {
  /** Every as-of folded into the series, oldest first; a reader compares it with the complete as-ofs. */
  chain: string[];
  name: string;
  points: SeriesOrgPoint[];
  domains: SeriesDomain[];
  rubricChanges: RubricChange[];
}

/** What the next as-ofs need from this one: its series and its cards (slim, without signals) as a baseline. */
export interface SummaryState {
  v: number;
  asOf: string;
  series: SummarySeries;
  /** This as-of's exact org point (null when it has no org card). */
  point: OrgTrendPoint | null;
  cards: SlimCard[];
}

export interface SummaryBaseline {
  weeks: number;
  /** The baseline as-of `weeks` back (pickBaseline), or null when history is shorter than that. */
  asOf: string | null;
  point: OrgTrendPoint | null;
  cards: SlimCard[];
}

/** What the views serve: one per as-of, read in one query. */
export interface SummaryView {
  v: number;
  asOf: string;
  series: SummarySeries;
  /** Every unit at this as-of, slim, with the status of each signal (coverage and missing counts). */
  cards: SlimCard[];
  /** One entry per SUMMARY_PERIODS week count whose baseline state was available at score time. */
  baselines: SummaryBaseline[];
}

/** The stride (a power of two) that keeps at most SERIES_MAX_POINTS of a chain of `n` as-ofs. */
export function seriesStride(n: number, max = SERIES_MAX_POINTS): number {
  const last = Math.max(0, n - 1);
  // Kept: indices 0, s, 2s, … up to n-1, plus n-1 itself when it is not a multiple of s.
  const kept = (s: number): number => Math.floor(last / s) + 1 + (last % s === 0 ? 0 : 1);
  let s = 1;
  while (kept(s) > max) s *= 2;
  return s;
}

/** Whether index `i` of a chain of `n` as-ofs stays in a downsampled series. */
export function keepsIndex(i: number, n: number, max = SERIES_MAX_POINTS): boolean {
  return i === n - 1 || i % seriesStride(n, max) === 0;
}

/** Downsamples any list by the stride rule (first, every s-th, and the last exact). */
export function downsample<T>(items: readonly T[], max = SERIES_MAX_POINTS): T[] {
  return items.filter((_, i) => keepsIndex(i, items.length, max));
}

function slim(card: UnitScorecard, withSignals: boolean): SlimCard {
  const out: UnitScorecard = {
    unit: card.unit,
    kind: card.kind,
    id: card.id,
    name: card.name,
    parent: card.parent,
    asOf: card.asOf,
    rubric: card.rubric,
    status: card.status,
    ...(card.score !== undefined ? { score: card.score } : {}),
    ...(card.level !== undefined ? { level: card.level } : {}),
    dimensions: card.dimensions.map((d) => {
      const coverage = (d as { coverage?: unknown }).coverage;
      return {
        dimensionId: d.dimensionId,
        name: d.name,
        status: d.status,
        ...(d.level !== undefined ? { level: d.level } : {}),
        ...(d.score !== undefined ? { score: d.score } : {}),
        ...(typeof coverage === 'number' ? { coverage } : {}),
        // Only the status of each signal: the grid's coverage and the missing-signal counts read nothing else.
        signals: withSignals ? d.signals.map((s) => ({ status: s.status }) as (typeof d.signals)[number]) : [],
      } as UnitScorecard['dimensions'][number];
    }),
    sources: [],
  };
  // Networks and labs list their members: the grid places each unit in its networks from them.
  if (withSignals && card.rollup && (card.kind === 'network' || card.kind === 'lab')) {
    out.rollup = { members: card.rollup.members.map((m) => ({ unit: m.unit })) } as unknown as UnitScorecard['rollup'];
  }
  return out;
}

/** The scorecard cut for the views (grid, units, attribution) and for later baselines. */
export function slimCards(cards: readonly UnitScorecard[], withSignals: boolean): SlimCard[] {
  return [...cards].sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0)).map((c) => slim(c, withSignals));
}

/** Extends the previous series by one as-of (the full card set), keeping the stride rule. */
export function extendSeries(prev: SummarySeries | null, asOf: string, cards: readonly UnitScorecard[]): { series: SummarySeries; point: OrgTrendPoint | null } {
  const chain = [...(prev?.chain ?? []), asOf];
  const n = chain.length;
  const i = n - 1;
  const org = cards.find((c) => c.kind === 'org');
  // The domains in the org rollup's order (as the executive trend lists them), else every domain card.
  const byUnit = new Map(cards.map((c) => [c.unit, c]));
  const listed = (org?.rollup?.members ?? []).map((m) => byUnit.get(m.unit)).filter((c): c is UnitScorecard => c?.kind === 'domain');
  const domains = listed.length > 0 ? listed : cards.filter((c) => c.kind === 'domain').sort((a, b) => (a.unit < b.unit ? -1 : 1));
  const one = buildOrgTrend(ALL_UNITS, org ? [org] : [], domains.map((d) => [d]));
  const point = one.points[0] ?? null;
  const keep = <T extends { i: number }>(list: readonly T[]): T[] => list.filter((p) => keepsIndex(p.i, n));
  const points = keep(prev?.points ?? []);
  if (point) points.push({ ...point, i });
  const prevDomains = new Map((prev?.domains ?? []).map((d) => [d.unit, d]));
  // Domains that exist now, each with its whole (downsampled) history, as the executive trend always showed.
  const seriesDomains: SeriesDomain[] = one.domains.map((d) => {
    const p = d.points[0] as ScorePoint;
    return { unit: d.unit, name: d.name, points: [...keep(prevDomains.get(d.unit)?.points ?? []), { ...p, i }] };
  });
  const lastPrev = prev?.points[prev.points.length - 1];
  const rubricChanges = [...(prev?.rubricChanges ?? [])];
  // The previous as-of's point is always kept (it was the latest), so the rubric change test sees consecutive points.
  if (point && lastPrev && lastPrev.asOf === prev?.chain[prev.chain.length - 1] && lastPrev.rubric.version !== point.rubric.version) {
    rubricChanges.push({ asOf, from: lastPrev.rubric.version, to: point.rubric.version });
  }
  return { series: { chain, name: org?.name ?? prev?.name ?? 'Organisation', points, domains: seriesDomains, rubricChanges }, point };
}

/**
 * Builds one as-of's summary (view and state) from its full card set, the previous as-of's state and the states of
 * the as-ofs that are its baselines. A period whose baseline state is not given is left out (the API falls back).
 * @example const { view, state } = buildAsOfSummary('2026-11-23', cards, prevState, baselineStates);
 */
export function buildAsOfSummary(
  asOf: string,
  cards: readonly UnitScorecard[],
  prev: SummaryState | null,
  baselineStates: ReadonlyMap<string, SummaryState>,
): { view: SummaryView; state: SummaryState } {
  const { series, point } = extendSeries(prev?.series ?? null, asOf, cards);
  const baselines: SummaryBaseline[] = [];
  for (const weeks of SUMMARY_PERIODS) {
    const at = pickBaseline(series.chain, asOf, weeks);
    if (at === null) {
      baselines.push({ weeks, asOf: null, point: null, cards: [] });
      continue;
    }
    const s = baselineStates.get(at);
    if (s) baselines.push({ weeks, asOf: at, point: s.point, cards: s.cards });
  }
  return {
    view: { v: SUMMARY_VERSION, asOf, series, cards: slimCards(cards, true), baselines },
    state: { v: SUMMARY_VERSION, asOf, series, point, cards: slimCards(cards, false) },
  };
}

/** The as-ofs a new as-of's summary needs the states of: the previous complete one and each period's baseline. */
export function summaryInputsOf(asOf: string, completeAsOfs: readonly string[]): { prev: string | null; baselines: string[] } {
  const before = [...completeAsOfs].filter((a) => a < asOf).sort();
  const prev = before[before.length - 1] ?? null;
  const chain = [...before, asOf];
  const baselines = new Set<string>();
  for (const w of SUMMARY_PERIODS) {
    const b = pickBaseline(chain, asOf, w);
    if (b !== null) baselines.add(b);
  }
  return { prev, baselines: [...baselines].sort() };
}

/** True when a summary's series covers exactly the complete as-ofs up to its own (older ones written before summaries existed, or rewritten since, make it stale). */
export function summaryIsCurrent(view: Pick<SummaryView, 'asOf' | 'series' | 'v'>, completeAsOfs: readonly string[]): boolean {
  if (view.v !== SUMMARY_VERSION) return false;
  const expected = [...completeAsOfs].filter((a) => a <= view.asOf).sort();
  const chain = view.series.chain;
  return chain.length === expected.length && chain.every((a, i) => a === expected[i]);
}

/** The executive trend from a summary (scope "all" only: pods-by-level counts cannot be re-scoped from aggregates). */
export function orgTrendFromSummary(view: SummaryView): OrgTrendResponse {
  const strip = <T extends { i: number }>(p: T): Omit<T, 'i'> => {
    const { i: _i, ...rest } = p;
    return rest;
  };
  return {
    name: view.series.name,
    orgVisible: true,
    points: view.series.points.map(strip),
    rubricChanges: view.series.rubricChanges,
    domains: view.series.domains.map((d) => ({ unit: d.unit, name: d.name, points: d.points.map(strip) })),
  };
}

function baselineOf(view: SummaryView, weeks: number): SummaryBaseline | undefined {
  return view.baselines.find((b) => b.weeks === weeks);
}

/** The units × dimensions grid from a summary, filtered by scope as /api/grid filters the full cards. */
export function gridFromSummary(scope: Scope, view: SummaryView): GridResponse {
  return buildGrid(scope, view.cards);
}

/** "Why it moved" from a summary, or null when its period has no stored baseline (the caller falls back). */
export function attributionFromSummary(scope: Scope, view: SummaryView, weeks: number, weights: Readonly<Record<string, number>>): AttributionResponse | null {
  const b = baselineOf(view, weeks);
  if (!b) return null;
  return buildAttribution(scope, { latest: view.cards, baseline: b.cards, weights, weeks, from: b.asOf, to: view.asOf });
}

/** The exact org point at a period's baseline (the downsampled series may not hold it). */
export function baselinePointFromSummary(scope: Scope, view: SummaryView, weeks: number): OrgTrendPoint | null {
  if (scope.kind !== 'all') return null;
  return baselineOf(view, weeks)?.point ?? null;
}

/** The units list from a summary, or null when its period has no stored baseline. */
export function unitsFromSummary(scope: Scope, view: SummaryView, weeks: number, kind?: UnitSummary['kind']): { deltaFrom: string | null; units: UnitSummary[] } | null {
  const b = baselineOf(view, weeks);
  if (!b) return null;
  return { deltaFrom: b.asOf, units: buildUnitSummaries(scope, view.cards, b.cards, kind) };
}

/** A unit's trend point at one as-of (stored in the unit's own partition next to its snapshot). */
export function unitTrendPointOf(card: UnitScorecard): UnitTrendPoint {
  return buildUnitTrend([card], card.unit)?.points[0] as UnitTrendPoint;
}
