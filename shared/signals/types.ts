import type { OrgConfig, SourceId, Unit, UnitRef } from '../org/index.js';
import type { Activity, ActivityKind } from '../sources/contract.js';
import type { EvidenceLink } from '../scoring/types.js';

/** An activity with its timestamp parsed once (epoch ms); signals never re-parse `at`. */
export interface TimedActivity {
  t: number;
  a: Activity;
}

/** What a signal function measured for one unit and window: a value with evidence, or missing with a reason. */
export type SignalValue =
  | { status: 'scored'; value: number; evidence: EvidenceLink[]; evidenceCount: number }
  | { status: 'missing'; reason: string };

/** Whether a unit's binding for a source can be read this run. */
export type SourceState =
  | { state: 'ok'; /** Set when the binding failed this run and its last good data (collected then) is carried forward. */ staleSince?: string }
  | { state: 'failed' | 'not-configured' | 'not-collected'; reason: string };

/** Read-only view of the activities of every unit, bucketed once by unit and kind. */
export interface ActivityLookup {
  /** Activities of one unit and kind (any order), never copied. */
  of(unit: UnitRef, kind: ActivityKind): readonly TimedActivity[];
}

/** Everything a signal function may read; built once per scoring call, shared by every unit. */
export interface SignalEnvironment {
  org: OrgConfig;
  units: ReadonlyMap<UnitRef, Unit>;
  activities: ActivityLookup;
  asOfMs: number;
  /** State of a unit's binding for a source. */
  source(unit: UnitRef, source: SourceId): SourceState;
  /** Org-wide facts several signals need (home pods, adoption times); computed lazily, once. */
  memo<T>(key: string, build: () => T): T;
}

/** One signal evaluation: the unit, its window and the shared environment. */
export interface SignalContext {
  env: SignalEnvironment;
  unit: Unit;
  windowDays: number;
  /** The rubric's window in days (windowDays is shorter when the unit's `since` clips it). */
  nominalDays?: number;
  /** Window start (exclusive) and end (inclusive, the as-of) in epoch ms. */
  fromMs: number;
  toMs: number;
}

/** A signal implementation: pure, reads only its context. Adding a signal = one function + rubric entries. */
export type SignalFn = (ctx: SignalContext) => SignalValue;
