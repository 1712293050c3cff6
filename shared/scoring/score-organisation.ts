import { listUnits } from '../org/index.js';
import type { OrgConfig, Unit, UnitKind, UnitRef } from '../org/index.js';
import type { Rubric } from '../rubric/index.js';
import { createSignalEnvironment, deriveSignals } from '../signals/index.js';
import type { SignalEnvironment } from '../signals/index.js';
import type { Activity } from '../sources/contract.js';
import { levelFromScore, roundScore, stableSum } from './levels.js';
import { placeMlops } from './mlops.js';
import { combineParts, rollupMembers } from './rollup.js';
import type { RollupMember } from './rollup.js';
import { scoreDimension, scoreSignal, signalSpecsFor } from './score-dimension.js';
import type { DimensionResult, PrincipleScore, SignalResult, SourceStatus, UnitScorecard } from './types.js';

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

/** A unit's own dimensions and the share of them that could be scored. */
export interface OwnScore {
  dimensions: DimensionResult[];
  /** Weighted mean of scored dimension scores, or null. */
  score: number | null;
  coverage: number;
  /** Why the own part has no score (too few dimensions scored), when score is null. */
  reason: string | null;
}

function cardSources(unit: Unit, input: ReadonlyMap<string, SourceStatus>): SourceStatus[] {
  if (unit.kind === 'org') return [];
  const out: SourceStatus[] = [];
  for (const source of ['jira', 'github', 'mlflow'] as const) {
    const bindingId = `${unit.ref}/${source}`;
    const given = input.get(bindingId);
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

function labStartMs(org: OrgConfig, unit: Unit): number | undefined {
  if (unit.kind !== 'lab') return undefined;
  const since = org.labs.find((l) => l.id === unit.id)?.since;
  return since === undefined ? undefined : Date.parse(`${since}T00:00:00.000Z`);
}

/** Scores one unit's own dimensions from the rubric (no rollup): signals → levels → dimensions → own score. */
export function scoreUnit(env: SignalEnvironment, rubric: Rubric, unit: Unit, org: OrgConfig): OwnScore {
  const dims = rubric.dimensions.filter((d) => d.unitKind === unit.kind);
  if (dims.length === 0) return { dimensions: [], score: null, coverage: 0, reason: null };
  const specs = signalSpecsFor(rubric, dims);
  const notBeforeMs = labStartMs(org, unit);
  const derived = deriveSignals(env, unit, specs, notBeforeMs === undefined ? {} : { notBeforeMs });
  const results = new Map<string, SignalResult>();
  for (const spec of specs) {
    const d = derived.get(spec.id);
    if (d !== undefined) results.set(spec.id, scoreSignal(spec, d));
  }
  const dimensions = dims.map((d) => scoreDimension(d, results));
  const weights = new Map(dims.map((d) => [d.id, d.weight]));
  const scored = dimensions.filter((d) => d.status === 'scored');
  const coverage = scored.length / dimensions.length;
  if (scored.length === 0 || coverage < rubric.scoring.minDimensionCoverage) {
    const missingNames = dimensions.filter((d) => d.status === 'missing').map((d) => d.name);
    return {
      dimensions,
      score: null,
      coverage,
      reason: `only ${scored.length} of ${dimensions.length} dimensions could be scored (the rubric needs ${Math.round(
        rubric.scoring.minDimensionCoverage * 100,
      )}%); missing: ${missingNames.join(', ')}`,
    };
  }
  const score = combineParts(scored.map((d) => ({ score: d.score as number, weight: weights.get(d.dimensionId) ?? 1 })));
  return { dimensions, score, coverage, reason: null };
}

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

function finish(card: Omit<UnitScorecard, 'status' | 'dimensions'>, dimensions: DimensionResult[], score: number | null, reason: string): UnitScorecard {
  if (score === null) return { ...card, status: 'insufficient-data', statusReason: reason, dimensions };
  return { ...card, status: 'scored', score, level: levelFromScore(score), dimensions };
}

/** Organisation-level principles: each is the mean score of every scored dimension mapped to it, with coverage. */
export function scorePrinciples(rubric: Rubric, cards: readonly UnitScorecard[]): PrincipleScore[] {
  return rubric.principles.map((p) => {
    const scores: number[] = [];
    let total = 0;
    for (const card of cards) {
      for (const d of card.dimensions) {
        if (!d.principles.includes(p.id)) continue;
        total++;
        if (d.status === 'scored' && d.score !== undefined) scores.push(d.score);
      }
    }
    const coverage = total === 0 ? 0 : Math.round((scores.length / total) * 1000) / 1000;
    if (scores.length === 0) return { principle: p.id, name: p.name, status: 'missing', coverage };
    const score = roundScore(stableSum(scores) / scores.length);
    return { principle: p.id, name: p.name, status: 'scored', score, level: levelFromScore(score), coverage };
  });
}

/**
 * The organisation score as documented in the rubric: the weighted mean of each unit kind's mean score, over kinds
 * whose scored share reaches the rubric's minimum coverage (weights renormalise). Exported so tests can check the
 * law against the stored cards.
 */
export function combineOrganisation(rubric: Rubric, cards: readonly UnitScorecard[]): { score: number | null; included: UnitKind[] } {
  const kinds = ['pod', 'domain', 'network', 'lab', 'steering'] as const;
  const parts: { score: number | null; weight: number }[] = [];
  const included: UnitKind[] = [];
  for (const kind of kinds) {
    const members = cards.filter((c) => c.kind === kind);
    if (members.length === 0) continue;
    const r = rollupMembers(
      members.map((c) => ({ unit: c.unit, name: c.name, score: c.status === 'scored' ? (c.score ?? null) : null })),
      rubric.scoring.minRollupCoverage,
    );
    if (r.insufficientCoverage || r.mean === null) continue;
    included.push(kind);
    parts.push({ score: r.mean, weight: rubric.scoring.organisation[kind] });
  }
  return { score: combineParts(parts), included };
}

/**
 * Scores every unit of the organisation at one as-of: one card per unit in listUnits order (pods first, the
 * organisation last). Pure, deterministic and independent of activity order.
 */
export function scoreOrganisation(input: ScoreInput): UnitScorecard[] {
  const { org, rubric } = input;
  const units = listUnits(org);
  const env = createSignalEnvironment({ org, asOf: input.asOf, activities: input.activities, sources: input.sources, units });
  const statuses = new Map(input.sources.map((s) => [s.bindingId, s]));
  const cards = new Map<UnitRef, UnitScorecard>();
  const member = (ref: UnitRef): RollupMember => {
    const c = cards.get(ref);
    return { unit: ref, name: c?.name ?? ref, score: c !== undefined && c.status === 'scored' ? (c.score ?? null) : null };
  };
  const order: UnitKind[] = ['pod', 'domain', 'network', 'lab', 'steering'];
  for (const kind of order) {
    for (const unit of units) {
      if (unit.kind !== kind) continue;
      const own = scoreUnit(env, rubric, unit, org);
      const base = baseCard(unit, input, statuses);
      const start = labStartMs(org, unit);
      if (start !== undefined && start > env.asOfMs) {
        cards.set(unit.ref, finish(base, own.dimensions, null, `the lab starts on ${new Date(start).toISOString().slice(0, 10)}, after this as-of`));
        continue;
      }
      if (kind === 'pod') {
        const card = finish(base, own.dimensions, own.score, own.reason ?? 'no dimension could be scored');
        card.mlops = placeMlops(env, unit);
        cards.set(unit.ref, card);
      } else if (kind === 'domain' || kind === 'network') {
        const weights = rubric.scoring.rollups[kind];
        const rollup = rollupMembers(unit.members.map(member), rubric.scoring.minRollupCoverage);
        const membersPart = rollup.insufficientCoverage ? null : rollup.mean;
        const score = combineParts([
          { score: own.score, weight: weights.own },
          { score: membersPart, weight: weights.members },
        ]);
        const reasons = [own.reason, rollup.insufficientCoverage ? `only ${Math.round(rollup.coverage * 100)}% of member pods are scored` : null];
        const { mean: _mean, ...summary } = rollup;
        const card = finish(base, own.dimensions, score, reasons.filter((r) => r !== null).join('; ') || 'nothing could be scored');
        card.rollup = summary;
        cards.set(unit.ref, card);
      } else {
        cards.set(unit.ref, finish(base, own.dimensions, own.score, own.reason ?? 'no dimension could be scored'));
      }
    }
  }
  const orgUnit = units[units.length - 1] as Unit;
  const all = [...cards.values()];
  const { score } = combineOrganisation(rubric, all);
  const orgOwn = scoreUnit(env, rubric, orgUnit, org);
  const rollup = rollupMembers(all.map((c) => member(c.unit)), rubric.scoring.minRollupCoverage);
  const { mean: _mean, ...summary } = rollup;
  const orgCard = finish(baseCard(orgUnit, input, statuses), orgOwn.dimensions, score, 'no unit kind has enough scored units');
  orgCard.rollup = summary;
  orgCard.principles = scorePrinciples(rubric, all);
  return [...units.filter((u) => u.kind !== 'org').map((u) => cards.get(u.ref) as UnitScorecard), orgCard];
}
