import { COPILOT_BINDING_ID, MLFLOW_REGISTRY_BINDING_ID, ROLE_IDS, bindsModels, listUnits } from '../org/index.js';
import type { OrgConfig, SourceId, Unit, UnitRef } from '../org/index.js';
import type { Activity } from '../sources/contract.js';
import type { SourceStatus } from '../scoring/types.js';
import { indexActivities } from './activity-index.js';
import { DAY_MS, sourceName } from './helpers.js';
import { SIGNAL_FUNCTIONS } from './registry.js';
import type { SignalContext, SignalEnvironment, SignalValue, SourceState } from './types.js';

/** Builds the shared, read-only environment every signal of one scoring call reads (activities bucketed once). */
export function createSignalEnvironment(input: {
  org: OrgConfig;
  asOf: string;
  activities: readonly Activity[];
  sources: readonly SourceStatus[];
  units?: readonly Unit[];
}): SignalEnvironment {
  const asOfMs = Date.parse(input.asOf);
  if (Number.isNaN(asOfMs)) throw new RangeError(`asOf is not an ISO timestamp: ${input.asOf}`);
  const units = new Map<UnitRef, Unit>();
  for (const u of input.units ?? listUnits(input.org)) units.set(u.ref, u);
  const statusByBinding = new Map<string, SourceStatus>();
  for (const s of input.sources) statusByBinding.set(s.bindingId, s);
  const memo = new Map<string, unknown>();
  const stateCache = new Map<string, SourceState>();
  return {
    org: input.org,
    units,
    activities: indexActivities(input.activities),
    asOfMs,
    source(unit: UnitRef, source: SourceId): SourceState {
      // Copilot usage has one org-level binding whose reports cover every pod (mapped by GitHub team).
      const bindingId = source === 'copilot' ? COPILOT_BINDING_ID : `${unit}/${source}`;
      const key = `${unit}/${source}`;
      const cached = stateCache.get(key);
      if (cached !== undefined) return cached;
      const configured = source === 'copilot' ? input.org.sources.github?.copilot?.enabled === true : undefined;
      const u = units.get(unit);
      const status = source === 'copilot' || u === undefined ? statusByBinding.get(bindingId) : unitSourceStatus(u, source, statusByBinding);
      const state = sourceState(u, unit, source, status, asOfMs, configured);
      stateCache.set(key, state);
      return state;
    },
    memo<T>(key: string, build: () => T): T {
      if (memo.has(key)) return memo.get(key) as T;
      const value = build();
      memo.set(key, value);
      return value;
    },
  };
}

/**
 * The status of a unit's own binding of a source as scoring sees it. A unit that binds registered models gets their
 * versions from the organisation's registry binding (`org/mlflow`), so its MLflow data is whole only when both
 * bindings are: a failed registry read fails the unit's MLflow too, and its last good data is carried only as long
 * as the older of the two last successes allows. Hiding the registry can thus never leave a unit's model signals
 * scored from a partial picture.
 */
export function unitSourceStatus(unit: Unit, source: Exclude<SourceId, 'copilot'>, statuses: ReadonlyMap<string, SourceStatus>): SourceStatus | undefined {
  const own = statuses.get(`${unit.ref}/${source}`);
  const registry = statuses.get(MLFLOW_REGISTRY_BINDING_ID);
  if (source !== 'mlflow' || own === undefined || registry?.status !== 'failed' || !bindsModels(unit)) return own;
  const reason = `model registry (${MLFLOW_REGISTRY_BINDING_ID}): ${registry.reason ?? 'failed'}`;
  const failed: SourceStatus = { ...own, status: 'failed', reason: own.status === 'failed' ? `${own.reason ?? 'failed'}; ${reason}` : reason };
  delete failed.lastSuccessAt;
  const lasts = [own.lastSuccessAt, registry.lastSuccessAt];
  if (lasts.every((l): l is string => l !== undefined)) failed.lastSuccessAt = lasts.sort()[0] as string;
  return failed;
}

/**
 * How long a failing binding's last good data is carried forward (house rule: two weekly runs; older data would
 * describe a team that may have changed, so the signal becomes missing instead).
 */
export const STALE_CARRY_DAYS = 14;

function sourceState(unit: Unit | undefined, ref: UnitRef, source: SourceId, status: SourceStatus | undefined, asOfMs: number, orgLevel?: boolean): SourceState {
  const name = sourceName(source);
  const configured = unit !== undefined && (orgLevel ?? (source !== 'copilot' && unit.sources[source] !== undefined));
  if (!configured || status?.status === 'not-configured') {
    return { state: 'not-configured', reason: `${ref} has no ${name} binding in the org config` };
  }
  if (status === undefined) return { state: 'not-collected', reason: `${name} for ${ref} has not been collected yet` };
  if (status.status === 'failed') {
    const last = status.lastSuccessAt === undefined ? Number.NaN : Date.parse(status.lastSuccessAt);
    if (Number.isFinite(last) && last <= asOfMs && asOfMs - last <= STALE_CARRY_DAYS * DAY_MS) return { state: 'ok', staleSince: status.lastSuccessAt as string };
    return { state: 'failed', reason: `${name} collection for ${ref} failed in this run${status.reason ? ` (${status.reason})` : ''}` };
  }
  return { state: 'ok' };
}

/**
 * Signals computed over several units' bindings whose value is a share, a median or depends on who works where:
 * reading only some of those bindings could give a better number than reading all of them, so they need every
 * binding in scope to be readable (else they are missing, which earns nothing). Counts and unions of evidence
 * (rates, stages) only grow with more bindings and stay partial.
 */
const NEEDS_EVERY_BINDING: Readonly<Record<string, { source: SourceId; scope: 'members' | 'org' }>> = {
  'jira.objective-linked-share': { source: 'jira', scope: 'members' },
  'github.shared-repos-used': { source: 'github', scope: 'members' },
  'github.cross-pod-review-share': { source: 'github', scope: 'members' },
  'jira.standards-adoption-share': { source: 'jira', scope: 'members' },
  'jira.breakthrough-adoption-days-p50': { source: 'jira', scope: 'org' },
  'jira.breakthrough-adoption-share': { source: 'jira', scope: 'org' },
  'github.org-deploys-per-week-per-pod': { source: 'github', scope: 'org' },
};

function unreadableInScope(env: SignalEnvironment, unit: Unit, id: string): string | null {
  const need = NEEDS_EVERY_BINDING[id];
  if (need === undefined) return null;
  const pods = need.scope === 'members' ? unit.members.filter((m) => m.startsWith('pod:')) : [...env.units.values()].filter((u) => u.kind === 'pod').map((u) => u.ref);
  const problems: string[] = [];
  for (const p of pods.slice().sort()) {
    const s = env.source(p, need.source);
    if (s.state !== 'ok') problems.push(s.reason);
  }
  if (problems.length === 0) return null;
  return `needs every ${need.scope === 'members' ? 'member pod' : 'pod'}'s ${sourceName(need.source)} binding: ${problems.join('; ')}`;
}

/**
 * People in a unit, from the role counts of its pods in the org config (a pod's own; a domain's or network's member
 * pods; the organisation's every pod). Units without pods (labs, the steering group) list nobody: 0.
 */
export function groupSize(env: SignalEnvironment, unit: Unit): number {
  return env.memo(`group-size:${unit.ref}`, () => {
    const refs = new Set<UnitRef>(unit.kind === 'pod' ? [unit.ref] : unit.kind === 'org' ? [...env.units.values()].filter((u) => u.kind === 'pod').map((u) => u.ref) : unit.members);
    let people = 0;
    for (const d of env.org.domains) {
      for (const p of d.pods) if (refs.has(`pod:${p.id}`)) for (const r of ROLE_IDS) people += p.roles[r];
    }
    return people;
  });
}

/** One derived signal: its value and the window it was measured over. */
export interface DerivedSignal {
  value: SignalValue;
  fromMs: number;
  toMs: number;
  windowDays: number;
}

/**
 * Computes the requested signals for one unit at the environment's as-of. `notBeforeMs` clips windows that start
 * before the unit existed (a lab's `since`), so rates are not diluted by weeks when it did not exist.
 */
export function deriveSignals(
  env: SignalEnvironment,
  unit: Unit,
  specs: readonly { id: string; windowDays: number; countsPeople?: boolean }[],
  opts: { notBeforeMs?: number; minGroupSize?: number } = {},
): Map<string, DerivedSignal> {
  const out = new Map<string, DerivedSignal>();
  const minGroup = opts.minGroupSize ?? 0;
  for (const spec of specs) {
    const fn = SIGNAL_FUNCTIONS[spec.id];
    const toMs = env.asOfMs;
    const fromMs = Math.max(toMs - spec.windowDays * DAY_MS, opts.notBeforeMs ?? -Infinity);
    const windowDays = spec.windowDays === 0 ? 0 : Math.max(0, (toMs - fromMs) / DAY_MS);
    let value: SignalValue;
    const unreadable = unreadableInScope(env, unit, spec.id);
    if (fn === undefined) value = { status: 'missing', reason: `no implementation for signal ${spec.id}` };
    else if (spec.countsPeople === true && groupSize(env, unit) < minGroup) value = { status: 'missing', reason: `group smaller than ${minGroup} people (minimum group size)` };
    else if (spec.windowDays > 0 && windowDays <= 0) value = { status: 'missing', reason: 'the unit did not exist yet in this window' };
    else if (unreadable !== null) value = { status: 'missing', reason: unreadable };
    else {
      const ctx: SignalContext = { env, unit, windowDays, nominalDays: spec.windowDays, fromMs, toMs };
      value = fn(ctx);
    }
    out.set(spec.id, { value, fromMs, toMs, windowDays });
  }
  return out;
}
