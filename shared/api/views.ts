import type { UnitKind, UnitRef } from '../org/index.js';
import { safeEvidenceUrl } from '../kernel/index.js';
import type { EvidenceLink, Level, UnitScorecard } from '../scoring/types.js';
import type { RunRecord } from '../storage/ports.js';
import type {
  AttributionResponse,
  AttributionUnit,
  GridCell,
  GridResponse,
  GridRow,
  LevelDistribution,
  Mover,
  MoversResponse,
  OrgTrendPoint,
  OrgTrendResponse,
  RubricChange,
  RunSummary,
  UnitResponse,
  UnitSummary,
  UnitTrendResponse,
} from './contract.js';
import { canRead, filterByScope } from './scope.js';
import type { Scope } from './scope.js';

// Pure view builders: stored scorecards and run records in, API response bodies out. The routes in app.ts do
// the (few) store reads; keeping the shaping here lets it be tested without any server.

const DAY_MS = 86_400_000;

/** Rounds to one decimal so responses (and their ETags) do not churn on float noise. */
function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Lists the as-ofs where the rubric version differs from the point before. */
export function findRubricChanges(points: readonly { asOf: string; rubric: { version: string } }[]): RubricChange[] {
  const out: RubricChange[] = [];
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1];
    const cur = points[i];
    if (prev && cur && prev.rubric.version !== cur.rubric.version) {
      out.push({ asOf: cur.asOf, from: prev.rubric.version, to: cur.rubric.version });
    }
  }
  return out;
}

/** Picks the newest as-of at least `weeks` weeks before `latest` (or the oldest one when history is shorter). */
export function pickBaseline(asOfs: readonly string[], latest: string, weeks: number): string | null {
  const cutoff = Date.parse(latest) - weeks * 7 * DAY_MS;
  let best: string | null = null;
  for (const a of asOfs) {
    if (a >= latest) continue;
    if (Date.parse(a) <= cutoff) best = a;
  }
  return best ?? (asOfs[0] !== undefined && asOfs[0] < latest ? asOfs[0] : null);
}

function emptyDistribution(): LevelDistribution {
  return { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0, none: 0 };
}

/** The org card's adoption-vs-delivery pair, when its rubric scored the AI-assisted delivery dimension at all. */
function aiAdoptionOf(card: UnitScorecard): Pick<OrgTrendPoint, 'aiAdoption'> {
  const signals = card.dimensions.find((d) => d.dimensionId === 'org.ai-assisted-delivery')?.signals;
  if (signals === undefined) return {};
  const value = (id: string): number | null => {
    const s = signals.find((x) => x.signalId === id);
    return s?.status === 'scored' && s.value !== undefined ? s.value : null;
  };
  return { aiAdoption: { copilotActiveShare: value('copilot.org-active-user-share'), deploysPerWeekPerPod: value('github.org-deploys-per-week-per-pod') } };
}

/** Quantiles (nearest rank) of the pods' scores and the count within 2 points of a level line (25, 50, 75). */
export function podScoresOf(scores: readonly number[]): Pick<OrgTrendPoint, 'podScores'> {
  if (scores.length === 0) return {};
  const sorted = [...scores].sort((a, b) => a - b);
  const q = (p: number): number => round1(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number);
  const nearBoundary = sorted.filter((s) => [25, 50, 75].some((line) => Math.abs(s - line) <= 2)).length;
  return { podScores: { p10: q(0.1), p25: q(0.25), p50: q(0.5), p75: q(0.75), p90: q(0.9), nearBoundary, scored: sorted.length } };
}

/** Builds the executive trend from the org unit's history and its domains' histories (their rollups list pods). */
export function buildOrgTrend(
  scope: Scope,
  orgHistory: readonly UnitScorecard[],
  domainHistories: readonly UnitScorecard[][],
): OrgTrendResponse {
  const orgVisible = canRead(scope, 'org');
  const byAsOf = new Map<string, LevelDistribution>();
  const scoresAt = new Map<string, number[]>();
  for (const history of domainHistories) {
    for (const card of history) {
      const dist = byAsOf.get(card.asOf) ?? emptyDistribution();
      const scores = scoresAt.get(card.asOf) ?? [];
      for (const m of card.rollup?.members ?? []) {
        if (!m.unit.startsWith('pod:') || !canRead(scope, m.unit)) continue;
        dist[m.level === null ? 'none' : (String(m.level) as keyof LevelDistribution)] += 1;
        if (m.score !== null) scores.push(m.score);
      }
      byAsOf.set(card.asOf, dist);
      scoresAt.set(card.asOf, scores);
    }
  }
  const points: OrgTrendPoint[] = orgHistory.map((card) => ({
    asOf: card.asOf,
    rubric: card.rubric,
    score: orgVisible && card.score !== undefined ? round1(card.score) : null,
    level: orgVisible ? (card.level ?? null) : null,
    principles: orgVisible
      ? (card.principles ?? []).map((p) => ({
          principle: p.principle,
          name: p.name,
          score: p.score !== undefined ? round1(p.score) : null,
          level: p.level ?? null,
        }))
      : [],
    podsByLevel: byAsOf.get(card.asOf) ?? emptyDistribution(),
    ...podScoresOf(scoresAt.get(card.asOf) ?? []),
    ...(orgVisible ? aiAdoptionOf(card) : {}),
  }));
  const domains = domainHistories
    .filter((h) => h.length > 0 && canRead(scope, (h[h.length - 1] as UnitScorecard).unit))
    .map((h) => {
      const last = h[h.length - 1] as UnitScorecard;
      return {
        unit: last.unit,
        name: last.name,
        points: h.map((c) => ({ asOf: c.asOf, score: c.score !== undefined ? round1(c.score) : null, level: c.level ?? null })),
      };
    });
  const last = orgHistory[orgHistory.length - 1];
  return { name: last?.name ?? 'Organisation', orgVisible, points, rubricChanges: findRubricChanges(orgHistory), domains };
}

/** Counts a scorecard's signals that have no data. */
export function countMissingSignals(card: UnitScorecard): number {
  let n = 0;
  for (const d of card.dimensions) for (const s of d.signals) if (s.status === 'missing') n += 1;
  return n;
}

/** Summarises every readable unit at the latest as-of with its score change since the baseline as-of. */
export function buildUnitSummaries(
  scope: Scope,
  latest: readonly UnitScorecard[],
  baseline: readonly UnitScorecard[],
  kind?: UnitKind,
): UnitSummary[] {
  const before = new Map(baseline.map((c) => [c.unit, c]));
  return filterByScope(scope, latest, (c) => c.unit)
    .filter((c) => kind === undefined || c.kind === kind)
    .map((c) => {
      const prev = before.get(c.unit);
      const delta = c.score !== undefined && prev?.score !== undefined ? round1(c.score - prev.score) : null;
      return {
        unit: c.unit,
        kind: c.kind,
        name: c.name,
        parent: c.parent,
        status: c.status,
        score: c.score !== undefined ? round1(c.score) : null,
        level: c.level ?? null,
        delta,
        rubricVersion: c.rubric.version,
        missingSignals: countMissingSignals(c),
      };
    });
}

/** Keeps only http(s) evidence links, so a `javascript:` URL in vendor data never reaches a page as a link. */
export function withSafeEvidence(card: UnitScorecard): UnitScorecard {
  const safe = (links: readonly EvidenceLink[]): EvidenceLink[] => links.filter((l) => safeEvidenceUrl(l.url) !== null);
  return {
    ...card,
    dimensions: card.dimensions.map((d) => ({ ...d, signals: d.signals.map((s) => ({ ...s, evidence: safe(s.evidence) })) })),
    ...(card.mlops ? { mlops: card.mlops.map((m) => ({ ...m, evidence: m.evidence.map((e) => ({ ...e, links: safe(e.links) })) })) } : {}),
  };
}

/** Hides rollup members outside the caller's scope (and a weakest member they may not see). */
export function buildUnitResponse(scope: Scope, stored: UnitScorecard): UnitResponse {
  const card = withSafeEvidence(stored);
  if (scope.kind === 'all' || !card.rollup) return { scorecard: card, hiddenMembers: 0 };
  const members = card.rollup.members.filter((m) => canRead(scope, m.unit));
  const weakest = card.rollup.weakest && canRead(scope, card.rollup.weakest.unit) ? card.rollup.weakest : null;
  return {
    scorecard: { ...card, rollup: { ...card.rollup, members, weakest } },
    hiddenMembers: card.rollup.members.length - members.length,
  };
}

/** A unit's score and dimension levels over time. */
export function buildUnitTrend(history: readonly UnitScorecard[], unit: UnitRef): UnitTrendResponse | null {
  const last = history[history.length - 1];
  if (!last) return null;
  return {
    unit,
    kind: last.kind,
    name: last.name,
    points: history.map((c) => ({
      asOf: c.asOf,
      rubric: c.rubric,
      status: c.status,
      score: c.score !== undefined ? round1(c.score) : null,
      level: c.level ?? null,
      dimensions: c.dimensions.map((d) => ({
        dimensionId: d.dimensionId,
        name: d.name,
        level: d.level ?? null,
        score: d.score !== undefined ? round1(d.score) : null,
      })),
    })),
    rubricChanges: findRubricChanges(history),
  };
}

/** The biggest risers and fallers between two as-ofs among readable, scored units of a kind. */
export function buildMovers(
  scope: Scope,
  args: {
    latest: readonly UnitScorecard[];
    baseline: readonly UnitScorecard[];
    kind: UnitKind | 'all';
    weeks: number;
    limit: number;
    from: string | null;
    to: string | null;
  },
): MoversResponse {
  const before = new Map(args.baseline.map((c) => [c.unit, c]));
  const moves: Mover[] = [];
  let rubricChanged = false;
  for (const c of filterByScope(scope, args.latest, (x) => x.unit)) {
    if (args.kind !== 'all' && c.kind !== args.kind) continue;
    const prev = before.get(c.unit);
    if (c.score === undefined || prev?.score === undefined) continue;
    if (prev.rubric.version !== c.rubric.version) rubricChanged = true;
    moves.push({
      unit: c.unit,
      kind: c.kind,
      name: c.name,
      from: round1(prev.score),
      to: round1(c.score),
      delta: round1(c.score - prev.score),
      levelFrom: (prev.level ?? null) as Level | null,
      levelTo: c.level ?? null,
    });
  }
  // Ties break on the unit ref so the same data always gives the same (cacheable) answer.
  const byDelta = (a: Mover, b: Mover): number => b.delta - a.delta || a.unit.localeCompare(b.unit);
  const risers = moves.filter((m) => m.delta > 0).sort(byDelta).slice(0, args.limit);
  const fallers = moves
    .filter((m) => m.delta < 0)
    .sort((a, b) => a.delta - b.delta || a.unit.localeCompare(b.unit))
    .slice(0, args.limit);
  return { kind: args.kind, weeks: args.weeks, from: args.from, to: args.to, rubricChanged, risers, fallers };
}

/** A run record with per-source counts; bindings of units outside the scope are left out. */
export function buildRunSummary(scope: Scope, run: RunRecord): RunSummary {
  const bindings = filterByScope(scope, run.bindings, (b) => b.unit);
  const counts = { ok: 0, failed: 0, skipped: 0 };
  const bySource: RunSummary['bySource'] = {};
  for (const b of bindings) {
    counts[b.status] += 1;
    const s = (bySource[b.source] ??= { ok: 0, failed: 0, skipped: 0 });
    s[b.status] += 1;
  }
  return { ...run, bindings, counts, bySource };
}

/** A dimension's coverage when the scorecard carries one (added by the scoring that reports it), else the share of its signals with data. */
function coverageOf(d: UnitScorecard['dimensions'][number]): number | null {
  const own = (d as { coverage?: unknown }).coverage;
  if (typeof own === 'number' && Number.isFinite(own)) return Math.round(own * 1000) / 1000;
  if (d.signals.length === 0) return null;
  return Math.round((d.signals.filter((s) => s.status === 'scored').length / d.signals.length) * 1000) / 1000;
}

/** The units × dimensions matrix at one as-of: levels, scores and coverage per cell, plus each row's domain and networks. */
export function buildGrid(scope: Scope, cards: readonly UnitScorecard[]): GridResponse {
  const readable = filterByScope(scope, cards, (c) => c.unit);
  const networksOf = new Map<UnitRef, UnitRef[]>();
  for (const c of cards) {
    if (c.kind !== 'network' && c.kind !== 'lab') continue;
    for (const m of c.rollup?.members ?? []) {
      const list = networksOf.get(m.unit) ?? [];
      list.push(c.unit);
      networksOf.set(m.unit, list);
    }
  }
  const dims = new Map<string, { dimensionId: string; name: string; kinds: UnitKind[] }>();
  const rows: GridRow[] = readable.map((c) => {
    const cells: Record<string, GridCell> = {};
    for (const d of c.dimensions) {
      const entry = dims.get(d.dimensionId) ?? { dimensionId: d.dimensionId, name: d.name, kinds: [] };
      if (!entry.kinds.includes(c.kind)) entry.kinds.push(c.kind);
      dims.set(d.dimensionId, entry);
      cells[d.dimensionId] = { level: d.level ?? null, score: d.score !== undefined ? round1(d.score) : null, status: d.status, coverage: coverageOf(d) };
    }
    return {
      unit: c.unit,
      kind: c.kind,
      name: c.name,
      parent: c.parent,
      domain: c.kind === 'pod' && c.parent?.startsWith('domain:') ? c.parent : null,
      networks: (networksOf.get(c.unit) ?? []).filter((n) => canRead(scope, n)).sort(),
      score: c.score !== undefined ? round1(c.score) : null,
      level: c.level ?? null,
      missingSignals: countMissingSignals(c),
      cells,
    };
  });
  const named = (kinds: UnitKind[]) => readable.filter((c) => kinds.includes(c.kind)).map((c) => ({ unit: c.unit, name: c.name })).sort((a, b) => a.name.localeCompare(b.name));
  return { asOf: cards[0]?.asOf ?? null, dimensions: [...dims.values()], domains: named(['domain']), networks: named(['network', 'lab']), rows };
}

const ATTRIBUTION_KINDS: readonly UnitKind[] = ['pod', 'domain', 'network', 'lab', 'steering'];

/**
 * Splits the organisation's score change between two as-ofs into units and dimensions. The organisation score is
 * the weighted mean of each kind's mean unit score (rubric `scoring.organisation`), so a unit moves the
 * organisation by (its kind's renormalised weight ÷ units of the kind) × its own change. Units scored at only one
 * end and coverage changes are what the residual holds.
 */
export function buildAttribution(
  scope: Scope,
  args: { latest: readonly UnitScorecard[]; baseline: readonly UnitScorecard[]; weights: Readonly<Record<string, number>>; weeks: number; from: string | null; to: string | null },
): AttributionResponse {
  const before = new Map(args.baseline.map((c) => [c.unit, c]));
  const orgNow = args.latest.find((c) => c.kind === 'org');
  const orgThen = before.get('org');
  const orgVisible = canRead(scope, 'org');
  const orgFrom = orgVisible && orgThen?.score !== undefined ? round1(orgThen.score) : null;
  const orgTo = orgVisible && orgNow?.score !== undefined ? round1(orgNow.score) : null;
  const scoredKinds = ATTRIBUTION_KINDS.filter((k) => args.latest.some((c) => c.kind === k && c.score !== undefined));
  const weightSum = scoredKinds.reduce((a, k) => a + (args.weights[k] ?? 0), 0);
  const units: AttributionUnit[] = [];
  const dimTotals = new Map<string, { name: string; contribution: number }>();
  const kinds: AttributionResponse['kinds'] = [];
  let rubricChanged = false;
  for (const kind of scoredKinds) {
    const members = args.latest.filter((c) => c.kind === kind && c.score !== undefined);
    const weight = weightSum > 0 ? (args.weights[kind] ?? 0) / weightSum : 0;
    const share = members.length > 0 ? weight / members.length : 0;
    let kindContribution = 0;
    const deltas: number[] = [];
    for (const c of members) {
      const prev = before.get(c.unit);
      if (prev?.score === undefined || c.score === undefined) continue;
      if (prev.rubric.version !== c.rubric.version) rubricChanged = true;
      const d = c.score - prev.score;
      deltas.push(d);
      const contribution = share * d;
      kindContribution += contribution;
      if (canRead(scope, c.unit)) {
        units.push({ unit: c.unit, kind, name: c.name, from: round1(prev.score), to: round1(c.score), delta: round1(d), levelFrom: prev.level ?? null, levelTo: c.level ?? null, contribution: Math.round(contribution * 100) / 100 });
      }
      // A unit's score is a mean over its scored dimensions: spread its share over their changes.
      const scored = c.dimensions.filter((x) => x.score !== undefined);
      for (const dim of scored) {
        const old = prev.dimensions.find((x) => x.dimensionId === dim.dimensionId)?.score;
        if (old === undefined || dim.score === undefined) continue;
        const t = dimTotals.get(dim.dimensionId) ?? { name: dim.name, contribution: 0 };
        t.contribution += (share * (dim.score - old)) / scored.length;
        dimTotals.set(dim.dimensionId, t);
      }
    }
    kinds.push({
      kind,
      weight: Math.round(weight * 1000) / 1000,
      units: members.length,
      meanDelta: deltas.length > 0 ? round1(deltas.reduce((a, b) => a + b, 0) / deltas.length) : null,
      contribution: Math.round(kindContribution * 100) / 100,
    });
  }
  const byAbs = (a: { contribution: number }, b: { contribution: number }) => Math.abs(b.contribution) - Math.abs(a.contribution);
  units.sort((a, b) => byAbs(a, b) || a.unit.localeCompare(b.unit));
  const dimensions = [...dimTotals.entries()]
    .map(([dimensionId, t]) => ({ dimensionId, name: t.name, contribution: Math.round(t.contribution * 100) / 100 }))
    .filter((d) => d.contribution !== 0)
    .sort((a, b) => byAbs(a, b) || a.dimensionId.localeCompare(b.dimensionId));
  const orgDelta = orgFrom !== null && orgTo !== null && orgNow?.score !== undefined && orgThen?.score !== undefined ? round1(orgNow.score - orgThen.score) : null;
  const explained = kinds.reduce((a, k) => a + k.contribution, 0);
  const residual = orgDelta === null ? null : Math.round((orgDelta - explained) * 100) / 100;
  return {
    from: args.from,
    to: args.to,
    weeks: args.weeks,
    orgFrom,
    orgTo,
    orgDelta,
    kinds,
    units,
    dimensions,
    residual,
    rubricChanged,
    method:
      'Each unit moves the organisation by its kind’s weight in the organisation score (renormalised over the kinds scored), divided by the number of units of that kind, times its own change. Dimensions share their unit’s part equally by their own score change. The residual is what units appearing, leaving or losing their score account for.',
  };
}
