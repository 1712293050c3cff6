import pLimit from 'p-limit';
import { listBindings, listUnits } from '../org/index.js';
import type { Binding, Unit, UnitRef } from '../org/index.js';
import { activityNeeds, keepsActivity } from '../signals/index.js';
import type { ActivityNeed } from '../signals/index.js';
import type { SourceStatus, UnitScorecard } from '../scoring/types.js';
import type { Activity } from '../sources/contract.js';
import type { PipelineDeps, ScorerInput } from './types.js';

// Scoring unit by unit with bounded memory: each unit loads only the bindings (and activity kinds) it reads, within
// the rubric's window, is scored, and keeps only its card; the activities are dropped before the next units load.
// Peak memory follows the largest unit (a pod's bindings, a domain's pods' GitHub work), not the organisation.

const POD_CONCURRENCY = 4;
const LOAD_CONCURRENCY = 8;

/** What every unit of one as-of is scored with. */
export interface AsOfContext {
  asOf: string;
  sources: readonly SourceStatus[];
}

/**
 * Bindings read by many units, loaded once per scoring pass and handed out per unit: the organisation's Copilot
 * days (one binding covering every pod) and each pod's adoption issues (every network reads every pod's).
 */
class SharedReads {
  private readonly perUnit = new Map<string, Promise<Map<UnitRef, Activity[]>>>();
  private readonly adoptions = new Map<string, Promise<Activity[]>>();

  constructor(private readonly load: (bindingId: string) => Promise<Activity[]>) {}

  /** The part of a binding that belongs to one unit (the binding is read once and split by unit). */
  async ofUnit(need: ActivityNeed & { unit: UnitRef }): Promise<Activity[]> {
    let split = this.perUnit.get(need.bindingId);
    if (split === undefined) {
      split = this.load(need.bindingId).then((all) => {
        const byUnit = new Map<UnitRef, Activity[]>();
        for (const a of all) {
          let list = byUnit.get(a.unit);
          if (list === undefined) byUnit.set(a.unit, (list = []));
          list.push(a);
        }
        return byUnit;
      });
      this.perUnit.set(need.bindingId, split);
    }
    return ((await split).get(need.unit) ?? []).filter((a) => keepsActivity(need, a));
  }

  async adoptionIssues(need: ActivityNeed): Promise<Activity[]> {
    let list = this.adoptions.get(need.bindingId);
    if (list === undefined) {
      list = this.load(need.bindingId).then((all) => all.filter((a) => keepsActivity(need, a)));
      this.adoptions.set(need.bindingId, list);
    }
    return list;
  }
}

/**
 * Activities kept in memory across units, at most: a domain re-reads its pods' GitHub work and the organisation
 * their deployments, so a small organisation is then read from storage about once, while a large one stays bounded
 * (parsed activities take some 2–3 KB each: under 100 MB). Measured with `npm run bench` at 1,000 pods: 744 MB peak
 * RSS without the cache, 1,315 MB with 200,000 activities, 929–1,049 MB with 50,000 (the higher under load); the
 * 40-pod bench org's score step took 54 s against s3rver without it, 11–17 s with it.
 */
export const BINDING_CACHE_ACTIVITIES = 30_000;

type Loader = (bindingId: string) => Promise<Activity[]>;

/**
 * Loaded bindings kept for the next unit that reads them, least recently used dropped first once the held
 * activities pass the budget (a binding in flight is never dropped; a failed load is not kept).
 */
export function cachedLoader(load: Loader, budget: number = BINDING_CACHE_ACTIVITIES): Loader {
  const entries = new Map<string, Promise<Activity[]>>();
  const sizes = new Map<string, number>();
  let held = 0;
  const evict = (): void => {
    for (const id of [...entries.keys()]) {
      if (held <= budget) return;
      const n = sizes.get(id);
      if (n === undefined) continue;
      entries.delete(id);
      sizes.delete(id);
      held -= n;
    }
  };
  return (bindingId) => {
    const hit = entries.get(bindingId);
    if (hit !== undefined) {
      // Map order is insertion order: re-inserting marks it most recently used.
      entries.delete(bindingId);
      entries.set(bindingId, hit);
      return hit;
    }
    const p = load(bindingId);
    entries.set(bindingId, p);
    p.then(
      (list) => {
        if (entries.get(bindingId) !== p) return;
        sizes.set(bindingId, list.length);
        held += list.length;
        evict();
      },
      () => {
        if (entries.get(bindingId) === p) entries.delete(bindingId);
      },
    );
    return p;
  };
}

function windowLoader(deps: PipelineDeps, asOf: string): (bindingId: string) => Promise<Activity[]> {
  const window = deps.scorer.window(deps.org, asOf);
  const toMs = Date.parse(asOf);
  // The port may return more than the window (whole partitions); later activities never count at this as-of.
  return async (bindingId) => (await deps.stores.objects.loadActivities(bindingId, window)).filter((a) => Date.parse(a.at) <= toMs);
}

async function loadUnitActivities(unit: Unit, units: readonly Unit[], bindings: readonly Binding[], deps: PipelineDeps, load: (id: string) => Promise<Activity[]>, shared: SharedReads): Promise<Activity[]> {
  const limit = pLimit(LOAD_CONCURRENCY);
  const lists = await Promise.all(
    activityNeeds(deps.org, unit, units, bindings).map((need) =>
      limit(async () => {
        if (need.unit !== undefined) return shared.ofUnit({ ...need, unit: need.unit });
        if (need.adoptionsOnly === true) return shared.adoptionIssues(need);
        const all = await load(need.bindingId);
        return need.kinds === undefined ? all : all.filter((a) => keepsActivity(need, a));
      }),
    ),
  );
  return lists.flat();
}

function inputOf(deps: PipelineDeps, ctx: AsOfContext, activities: readonly Activity[]): ScorerInput {
  return { org: deps.org, asOf: ctx.asOf, activities, sources: ctx.sources };
}

/** Scores the given pods one at a time (a few in flight), each from its own bindings; returns their cards in order. */
export async function scorePodsStreamed(deps: PipelineDeps, ctx: AsOfContext, pods: readonly UnitRef[], load: Loader = cachedLoader(windowLoader(deps, ctx.asOf))): Promise<UnitScorecard[]> {
  const units = listUnits(deps.org);
  const bindings = listBindings(deps.org);
  const byRef = new Map(units.map((u) => [u.ref, u]));
  const shared = new SharedReads(load);
  const limit = pLimit(POD_CONCURRENCY);
  return Promise.all(
    pods.map((ref) =>
      limit(async () => {
        const unit = byRef.get(ref);
        if (unit === undefined || unit.kind !== 'pod') throw new RangeError(`${ref} is not a pod of this organisation`);
        const activities = await loadUnitActivities(unit, units, bindings, deps, load, shared);
        return deps.scorer.scoreUnits(inputOf(deps, ctx, activities), [ref], [])[0] as UnitScorecard;
      }),
    ),
  );
}

/**
 * Scores every rollup unit (domains, networks, labs, the steering group, then the organisation) one at a time from
 * the pods' cards and each unit's own reads. Returns every card in listUnits order, the organisation last.
 */
export async function scoreRollupsStreamed(deps: PipelineDeps, ctx: AsOfContext, podCards: readonly UnitScorecard[], load: Loader = cachedLoader(windowLoader(deps, ctx.asOf))): Promise<UnitScorecard[]> {
  const units = listUnits(deps.org);
  const bindings = listBindings(deps.org);
  const shared = new SharedReads(load);
  const cards = new Map<UnitRef, UnitScorecard>(podCards.map((c) => [c.unit, c]));
  for (const unit of units) {
    if (unit.kind === 'pod') {
      if (!cards.has(unit.ref)) throw new RangeError(`no card for ${unit.ref}: every pod is scored before the rollups`);
      continue;
    }
    if (unit.kind === 'org') continue;
    const activities = await loadUnitActivities(unit, units, bindings, deps, load, shared);
    const members = unit.members.map((m) => cards.get(m)).filter((c): c is UnitScorecard => c !== undefined);
    const card = deps.scorer.scoreUnits(inputOf(deps, ctx, activities), [unit.ref], members)[0] as UnitScorecard;
    cards.set(unit.ref, card);
  }
  const all = units.filter((u) => u.kind !== 'org').map((u) => cards.get(u.ref) as UnitScorecard);
  const orgUnit = units[units.length - 1] as Unit;
  const orgActivities = await loadUnitActivities(orgUnit, units, bindings, deps, load, shared);
  return [...all, deps.scorer.scoreOrganisationCard(inputOf(deps, ctx, orgActivities), all)];
}

/** Scores the whole organisation at one as-of, unit by unit (the single-task path and the local runner). */
export async function scoreStreamed(deps: PipelineDeps, ctx: AsOfContext): Promise<UnitScorecard[]> {
  const pods = listUnits(deps.org).filter((u) => u.kind === 'pod').map((u) => u.ref);
  // One cache for both passes: the rollups re-read what the pods just read.
  const load = cachedLoader(windowLoader(deps, ctx.asOf));
  const podCards = await scorePodsStreamed(deps, ctx, pods, load);
  return scoreRollupsStreamed(deps, ctx, podCards, load);
}
