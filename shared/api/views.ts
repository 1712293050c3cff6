import type { UnitKind, UnitRef } from '../org/index.js';
import { safeEvidenceUrl } from '../kernel/index.js';
import type { EvidenceLink, Level, UnitScorecard } from '../scoring/types.js';
import type { RunRecord } from '../storage/ports.js';
import type {
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

/** Builds the executive trend from the org unit's history and its domains' histories (their rollups list pods). */
export function buildOrgTrend(
  scope: Scope,
  orgHistory: readonly UnitScorecard[],
  domainHistories: readonly UnitScorecard[][],
): OrgTrendResponse {
  const orgVisible = canRead(scope, 'org');
  const byAsOf = new Map<string, LevelDistribution>();
  for (const history of domainHistories) {
    for (const card of history) {
      const dist = byAsOf.get(card.asOf) ?? emptyDistribution();
      for (const m of card.rollup?.members ?? []) {
        if (!m.unit.startsWith('pod:') || !canRead(scope, m.unit)) continue;
        dist[m.level === null ? 'none' : (String(m.level) as keyof LevelDistribution)] += 1;
      }
      byAsOf.set(card.asOf, dist);
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
