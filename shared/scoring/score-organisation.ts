import { listUnits } from '../org/index.js';
import type { OrgConfig, Unit, UnitKind, UnitRef } from '../org/index.js';
import type { Rubric } from '../rubric/index.js';
import { createSignalEnvironment, deriveSignals, unitSourceStatus } from '../signals/index.js';
import type { SignalEnvironment } from '../signals/index.js';
import type { Activity } from '../sources/contract.js';
import { levelFromScore, roundScore, roundShare, stableSum } from './levels.js';
import { placeMlops } from './mlops.js';
import { rollupMembers } from './rollup.js';
import type { RollupMember } from './rollup.js';
import { combineSignalPoints, rulesOf, scoreDimension, scoreSignal, signalPoints, signalSpecsFor } from './score-dimension.js';
import type { ScoringRules } from './score-dimension.js';
import type { DimensionResult, PrincipleScore, SignalResult, SourceStatus, TopMove, UnitScorecard } from './types.js';
import { sinceOf } from '../org/index.js';

/** Input of one organisation-wide scoring. */
export interface ScoreInput {
  org: OrgConfig;
  rubric: Rubric;
  /** ISO timestamp; windows end here and later activities are ignored. */
  asOf: string;
  /** Every unit's normalised activities, in any order. */
  activities: readonly Activity[];
  /** One status per binding of this run (ok, failed, not-configured); a configured binding without one is missing. */
  sources: readonly SourceStatus[];
}

/** A unit's own dimensions, their fixed-weight evidence score and coverage. */
export interface OwnScore {
  dimensions: DimensionResult[];
  /** Weighted mean of every own dimension's evidence score (a dimension without evidence earns 0); null without dimensions. */
  score: number | null;
  coverage: number;
  /** Why the own part is below the coverage floor, when it is. */
  reason: string | null;
}

function cardSources(unit: Unit, input: ReadonlyMap<string, SourceStatus>): SourceStatus[] {
  if (unit.kind === 'org') return [];
  const out: SourceStatus[] = [];
  for (const source of ['jira', 'github', 'mlflow'] as const) {
    const bindingId = `${unit.ref}/${source}`;
    const given = unitSourceStatus(unit, source, input);
    if (unit.sources[source] === undefined) {
      out.push({ source, bindingId, status: 'not-configured', reason: `no ${source} binding in the org config` });
    } else if (given === undefined) {
      out.push({ source, bindingId, status: 'failed', reason: 'no collection of this binding is recorded for this run' });
    } else {
      out.push({ ...given });
    }
  }
  return out;
}

function unitSinceMs(org: OrgConfig, unit: Unit): number | undefined {
  const since = sinceOf(org, unit);
  return since === undefined ? undefined : Date.parse(`${since}T00:00:00.000Z`);
}

/** Scores one unit's own dimensions from the rubric (no rollup): signals → points → dimensions → own evidence score. */
export function scoreUnit(env: SignalEnvironment, rubric: Rubric, unit: Unit, org: OrgConfig): OwnScore {
  const rules = rulesOf(rubric);
  const dims = rubric.dimensions.filter((d) => d.unitKind === unit.kind);
  if (dims.length === 0) return { dimensions: [], score: null, coverage: 0, reason: null };
  const specs = signalSpecsFor(rubric, dims);
  const notBeforeMs = unitSinceMs(org, unit);
  const minGroupSize = rubric.scoring.minGroupSize;
  const derived = deriveSignals(env, unit, specs, { ...(notBeforeMs === undefined ? {} : { notBeforeMs }), ...(minGroupSize === undefined ? {} : { minGroupSize }) });
  const results = new Map<string, SignalResult>();
  for (const spec of specs) {
    const d = derived.get(spec.id);
    if (d === undefined) continue;
    const r = scoreSignal(spec, d, rules.bands);
    // A failing source whose last good data is carried forward: the value stands, marked stale with its age.
    for (const src of spec.sources) {
      if (src === 'config') continue;
      const st = env.source(unit.ref, src);
      if (st.state === 'ok' && st.staleSince !== undefined && r.status === 'scored') {
        r.stale = true;
        r.staleSince = st.staleSince;
      }
    }
    results.set(spec.id, r);
  }
  const dimensions = dims.map((d) => scoreDimension(d, results, rules));
  const weights = dims.map((d) => d.weight);
  const score = weightedMean(dimensions.map((d, i) => ({ value: d.evidenceScore ?? 0, weight: weights[i] as number })));
  const coverage = roundShare(weightedMean(dimensions.map((d, i) => ({ value: d.coverage ?? 0, weight: weights[i] as number }))));
  const scored = dimensions.filter((d) => d.status === 'scored');
  const reason =
    coverage < rules.floor - 1e-9
      ? `insufficient evidence: coverage ${Math.round(coverage * 100)}% is below the rubric's floor of ${Math.round(rules.floor * 100)}% (${scored.length} of ${dimensions.length} dimensions scored; missing: ${dimensions
          .filter((d) => d.status === 'missing')
          .map((d) => d.name)
          .join(', ')})`
      : null;
  return { dimensions, score: roundScore(score), coverage, reason };
}

/** Fixed-weight mean (weights never renormalise over what happens to be present, so hiding cannot pay). */
function weightedMean(parts: readonly { value: number; weight: number }[]): number {
  let num = 0;
  let den = 0;
  const sorted = parts.slice().sort((a, b) => a.value - b.value || a.weight - b.weight);
  for (const p of sorted) {
    num += p.value * p.weight;
    den += p.weight;
  }
  return den === 0 ? 0 : num / den;
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : stableSum(xs) / xs.length);
const fmt = (x: number): string => String(Math.round(x * 1000) / 1000);

function baseCard(unit: Unit, input: ScoreInput, statuses: ReadonlyMap<string, SourceStatus>): Omit<UnitScorecard, 'status' | 'dimensions'> {
  return {
    unit: unit.ref,
    kind: unit.kind,
    id: unit.id,
    name: unit.name,
    parent: unit.parent,
    asOf: input.asOf,
    rubric: { id: input.rubric.id, version: input.rubric.version },
    sources: cardSources(unit, statuses),
  };
}

function finish(
  card: Omit<UnitScorecard, 'status' | 'dimensions'>,
  dimensions: DimensionResult[],
  evidence: { score: number; coverage: number },
  rules: ScoringRules,
  reason: string | null,
): UnitScorecard {
  const extra = { coverage: roundShare(evidence.coverage), evidenceScore: roundScore(evidence.score) };
  if (evidence.coverage < rules.floor - 1e-9) {
    return { ...card, status: 'insufficient-data', statusReason: reason ?? 'insufficient evidence', dimensions, ...extra };
  }
  return { ...card, status: 'scored', score: extra.evidenceScore, level: levelFromScore(extra.evidenceScore, rules.bands), dimensions, ...extra };
}

/**
 * Organisation-level principles: the mean evidence score of every dimension mapped to it (a dimension without
 * evidence earns 0) and the mean coverage; no score below the coverage floor.
 */
export function scorePrinciples(rubric: Rubric, cards: readonly UnitScorecard[]): PrincipleScore[] {
  const rules = rulesOf(rubric);
  return rubric.principles.map((p) => {
    const scores: number[] = [];
    const coverages: number[] = [];
    for (const card of cards) {
      for (const d of card.dimensions) {
        if (!d.principles.includes(p.id)) continue;
        scores.push(d.evidenceScore ?? d.score ?? 0);
        coverages.push(d.coverage ?? (d.status === 'scored' ? 1 : 0));
      }
    }
    const coverage = roundShare(mean(coverages));
    if (scores.length === 0 || coverage < rules.floor - 1e-9) return { principle: p.id, name: p.name, status: 'missing', coverage };
    const score = roundScore(mean(scores));
    return { principle: p.id, name: p.name, status: 'scored', score, level: levelFromScore(score, rules.bands), coverage };
  });
}

const evidenceOf = (c: UnitScorecard | undefined): number => c?.evidenceScore ?? c?.score ?? 0;
const coverageOf = (c: UnitScorecard | undefined): number => c?.coverage ?? 0;

/**
 * The organisation as documented in the rubric: the fixed-weight mean, over the unit kinds the organisation has,
 * of each kind's mean evidence score (and, the same way, coverage). Exported so tests can check the law.
 */
export function combineOrganisation(rubric: Rubric, cards: readonly UnitScorecard[]): { score: number; coverage: number; arithmetic: string } {
  const kinds = ['pod', 'domain', 'network', 'lab', 'steering'] as const;
  const parts: { value: number; weight: number }[] = [];
  const covs: { value: number; weight: number }[] = [];
  const words: string[] = [];
  for (const kind of kinds) {
    const members = cards.filter((c) => c.kind === kind);
    if (members.length === 0) continue;
    const w = rubric.scoring.organisation[kind];
    const m = roundScore(mean(members.map(evidenceOf)));
    parts.push({ value: m, weight: w });
    covs.push({ value: mean(members.map(coverageOf)), weight: w });
    words.push(`${fmt(w)} × ${kind} mean ${fmt(m)} (${members.length})`);
  }
  const score = roundScore(weightedMean(parts));
  const coverage = roundShare(weightedMean(covs));
  const den = parts.reduce((a, p) => a + p.weight, 0);
  return { score, coverage, arithmetic: `(${words.join(' + ')}) ÷ ${fmt(den)} = ${fmt(score)}; coverage ${fmt(coverage)}` };
}

/**
 * The moves that would raise a unit's score most: each signal of its own dimensions set to its next threshold
 * (or, when not observed yet, to the level-2 threshold), re-scored through the same dimension and unit formula.
 * `factor` is the own part's weight in the unit score. Only moves that add something are kept.
 */
export function rankMoves(rubric: Rubric, unitKind: string, dimensions: readonly DimensionResult[], ownScore: number, factor: number): TopMove[] {
  const rules = rulesOf(rubric);
  const specs = new Map(rubric.signals.map((s) => [s.id, s]));
  const dims = rubric.dimensions.filter((d) => d.unitKind === unitKind);
  const byId = new Map<string, SignalResult>();
  for (const d of dimensions) for (const s of d.signals) byId.set(s.signalId, s);
  const own = (override: { id: string; points: number } | null): number =>
    weightedMean(
      dims.map((d) => ({
        value: roundScore(combineSignalPoints(d.combine, d.signals.map((id) => (override?.id === id ? override.points : (byId.get(id)?.points ?? 0))))),
        weight: d.weight,
      })),
    );
  const base = own(null);
  const moves: TopMove[] = [];
  for (const [id, s] of [...byId].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const spec = specs.get(id);
    if (spec === undefined) continue;
    const to = s.status === 'scored' ? s.next?.target : spec.thresholds[0];
    if (to === undefined) continue;
    const points = roundScore(signalPoints(spec, to, rules.bands));
    if (points <= (s.points ?? 0)) continue;
    const gain = roundScore((own({ id, points }) - base) * factor);
    if (gain > 0) moves.push({ signal: id, from: s.status === 'scored' ? (s.value as number) : null, to, expectedGain: gain });
  }
  void ownScore;
  return moves.sort((a, b) => b.expectedGain - a.expectedGain || (a.signal < b.signal ? -1 : 1));
}

// Scoring unit by unit calls scoreUnits once per unit with the same config and statuses: derive their lookups once.
const UNITS = new WeakMap<OrgConfig, readonly Unit[]>();
const STATUSES = new WeakMap<readonly SourceStatus[], ReadonlyMap<string, SourceStatus>>();
function unitsOf(org: OrgConfig): readonly Unit[] {
  let units = UNITS.get(org);
  if (units === undefined) UNITS.set(org, (units = listUnits(org)));
  return units;
}
function statusesOf(sources: readonly SourceStatus[]): ReadonlyMap<string, SourceStatus> {
  let map = STATUSES.get(sources);
  if (map === undefined) STATUSES.set(sources, (map = new Map(sources.map((s) => [s.bindingId, s]))));
  return map;
}

/**
 * Scores the given units (pods, domains, networks, labs, the steering group; never the organisation) at one as-of,
 * in rollup order (pods first). A rollup unit's member cards come from `scored` or from this same call, so pods can
 * be scored one at a time and each rollup unit later from the stored pod cards; `input.activities` need only hold
 * what these units read (see activityNeeds). Pure and deterministic; cards come back in the order of `refs`.
 */
export function scoreUnits(input: ScoreInput, refs: readonly UnitRef[], scored: readonly UnitScorecard[] = []): UnitScorecard[] {
  const { org, rubric } = input;
  const rules = rulesOf(rubric);
  const units = unitsOf(org);
  const wanted = new Set(refs);
  const env = createSignalEnvironment({ org, asOf: input.asOf, activities: input.activities, sources: input.sources, units });
  const statuses = statusesOf(input.sources);
  const cards = new Map<UnitRef, UnitScorecard>(scored.map((c) => [c.unit, c]));
  const member = (ref: UnitRef): RollupMember => {
    const c = cards.get(ref);
    return { unit: ref, name: c?.name ?? ref, score: c !== undefined && c.status === 'scored' ? (c.score ?? null) : null };
  };
  const order: UnitKind[] = ['pod', 'domain', 'network', 'lab', 'steering'];
  for (const kind of order) {
    for (const unit of units) {
      if (unit.kind !== kind || !wanted.has(unit.ref)) continue;
      const own = scoreUnit(env, rubric, unit, org);
      const base = baseCard(unit, input, statuses);
      const start = unitSinceMs(org, unit);
      if (start !== undefined && start > env.asOfMs) {
        const card = finish(base, own.dimensions, { score: 0, coverage: 0 }, rules, `${unit.ref} starts on ${new Date(start).toISOString().slice(0, 10)}, after this as-of`);
        cards.set(unit.ref, card);
        continue;
      }
      if (kind === 'domain' || kind === 'network') {
        const weights = rubric.scoring.rollups[kind];
        const rollup = rollupMembers(unit.members.map(member), rubric.scoring.minRollupCoverage);
        const memberCards = unit.members.map((m) => cards.get(m));
        const membersEv = roundScore(mean(memberCards.map(evidenceOf)));
        const membersCov = mean(memberCards.map(coverageOf));
        const den = weights.own + weights.members;
        const score = (weights.own * (own.score ?? 0) + weights.members * membersEv) / den;
        const coverage = (weights.own * own.coverage + weights.members * membersCov) / den;
        const reason = coverage < rules.floor - 1e-9 ? `insufficient evidence: coverage ${Math.round(coverage * 100)}% (own ${Math.round(own.coverage * 100)}%, members ${Math.round(membersCov * 100)}%) is below the floor of ${Math.round(rules.floor * 100)}%` : null;
        const { mean: _mean, ...summary } = rollup;
        const card = finish(base, own.dimensions, { score, coverage }, rules, reason);
        card.rollup = summary;
        card.arithmetic = `(${fmt(weights.own)} × own ${fmt(own.score ?? 0)} + ${fmt(weights.members)} × mean of ${unit.members.length} member pods ${fmt(membersEv)}) ÷ ${fmt(den)} = ${fmt(roundScore(score))}; coverage (${fmt(weights.own)} × ${fmt(own.coverage)} + ${fmt(weights.members)} × ${fmt(roundShare(membersCov))}) ÷ ${fmt(den)} = ${fmt(roundShare(coverage))}`;
        card.topMoves = rankMoves(rubric, kind, own.dimensions, own.score ?? 0, weights.own / den);
        cards.set(unit.ref, card);
      } else {
        const card = finish(base, own.dimensions, { score: own.score ?? 0, coverage: own.coverage }, rules, own.reason);
        if (kind === 'pod') card.mlops = placeMlops(env, unit);
        card.topMoves = rankMoves(rubric, kind, own.dimensions, own.score ?? 0, 1);
        cards.set(unit.ref, card);
      }
    }
  }
  return refs.map((ref) => {
    const c = cards.get(ref);
    if (c === undefined) throw new RangeError(`${ref} is not a pod or rollup unit of this organisation`);
    return c;
  });
}

/**
 * The organisation's own card from every other unit's card (in listUnits order) and the activities the
 * organisation's own signals read. Pure.
 */
export function scoreOrganisationCard(input: ScoreInput, cards: readonly UnitScorecard[]): UnitScorecard {
  const { org, rubric } = input;
  const rules = rulesOf(rubric);
  const units = listUnits(org);
  const env = createSignalEnvironment({ org, asOf: input.asOf, activities: input.activities, sources: input.sources, units });
  const statuses = new Map(input.sources.map((s) => [s.bindingId, s]));
  const orgUnit = units[units.length - 1] as Unit;
  const combined = combineOrganisation(rubric, cards);
  const orgOwn = scoreUnit(env, rubric, orgUnit, org);
  const members: RollupMember[] = cards.map((c) => ({ unit: c.unit, name: c.name, score: c.status === 'scored' ? (c.score ?? null) : null }));
  const rollup = rollupMembers(members, rubric.scoring.minRollupCoverage);
  const { mean: _mean, ...summary } = rollup;
  const orgCard = finish(baseCard(orgUnit, input, statuses), orgOwn.dimensions, combined, rules, `insufficient evidence: organisation coverage ${Math.round(combined.coverage * 100)}% is below the floor`);
  orgCard.rollup = summary;
  orgCard.arithmetic = combined.arithmetic;
  orgCard.principles = scorePrinciples(rubric, cards);
  return orgCard;
}

/**
 * Scores every unit of the organisation at one as-of: one card per unit in listUnits order (pods first, the
 * organisation last). Pure, deterministic and independent of activity and config order. The composition of
 * scoreUnits and scoreOrganisationCard, which the pipeline also runs unit by unit with bounded memory.
 */
export function scoreOrganisation(input: ScoreInput): UnitScorecard[] {
  const refs = listUnits(input.org).filter((u) => u.kind !== 'org').map((u) => u.ref);
  const cards = scoreUnits(input, refs);
  return [...cards, scoreOrganisationCard(input, cards)];
}
