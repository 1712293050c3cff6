// Response shapes of the /api routes. The dashboard imports these with `import type` only, so this file must
// stay free of runtime code. Every field is team level: no response carries a person, login or email.
import type { UnitKind, UnitRef } from '../org/index.js';
import type { Level, PrincipleId, UnitScorecard } from '../scoring/types.js';
import type { BindingOutcome, RunRecord } from '../storage/ports.js';

export type { Level, PrincipleId, UnitScorecard, UnitKind, UnitRef, BindingOutcome };
export type {
  DimensionResult,
  SignalResult,
  RollupSummary,
  PrincipleScore,
  MlopsPlacement,
  SourceStatus,
  EvidenceLink,
} from '../scoring/types.js';

/** Pods per level at one as-of; `none` counts pods without a score (insufficient data). */
export type LevelDistribution = Record<'1' | '2' | '3' | '4' | '5' | 'none', number>;

/** Where the rubric changed between two consecutive as-ofs; trend charts draw a marker there. */
export interface RubricChange {
  asOf: string;
  from: string;
  to: string;
}

export interface OrgTrendPoint {
  asOf: string;
  rubric: { id: string; version: string };
  /** Null when the organisation had insufficient data, or when the caller may not read the org unit. */
  score: number | null;
  level: Level | null;
  principles: { principle: PrincipleId; name: string; score: number | null; level: Level | null }[];
  podsByLevel: LevelDistribution;
  /**
   * The distribution of pod scores behind `podsByLevel` (quantiles, nearest rank), and how many pods sit within
   * 2 points of a level line, where a small move flips their level. Absent when no pod was scored.
   */
  podScores?: { p10: number; p25: number; p50: number; p75: number; p90: number; nearBoundary: number; scored: number };
  /**
   * AI adoption set against delivery (from the org card's `org.ai-assisted-delivery` signals): Copilot active members
   * as a share of measured pods, and production deployments per week per pod. Null where missing; absent on
   * snapshots scored before the rubric had them, or when the caller may not read the org unit.
   */
  aiAdoption?: { copilotActiveShare: number | null; deploysPerWeekPerPod: number | null };
}

export interface ScorePoint {
  asOf: string;
  score: number | null;
  level: Level | null;
}

/** GET /api/org/trend */
export interface OrgTrendResponse {
  name: string;
  /** False when the caller's scope excludes the org unit: scores are then null and lists hold only their units. */
  orgVisible: boolean;
  points: OrgTrendPoint[];
  rubricChanges: RubricChange[];
  domains: { unit: UnitRef; name: string; points: ScorePoint[] }[];
}

export interface UnitSummary {
  unit: UnitRef;
  kind: UnitKind;
  name: string;
  parent: UnitRef | null;
  status: UnitScorecard['status'];
  score: number | null;
  level: Level | null;
  /** Score change since `deltaFrom`; null when either side has no score. */
  delta: number | null;
  rubricVersion: string;
  /** Signals without data across the unit's dimensions (shown as missing, never as 0). */
  missingSignals: number;
}

/** GET /api/units */
export interface UnitsResponse {
  asOf: string | null;
  deltaFrom: string | null;
  units: UnitSummary[];
  /** Where each unit sits (its domain and the networks and labs that list it), for the units list's filters. */
  placement?: {
    domains: { unit: UnitRef; name: string }[];
    networks: { unit: UnitRef; name: string }[];
    rows: { unit: UnitRef; domain: UnitRef | null; networks: UnitRef[] }[];
  };
}

/** GET /api/units/:unit */
export interface UnitResponse {
  scorecard: UnitScorecard;
  /** Rollup members the caller may not read are left out; this says how many. */
  hiddenMembers: number;
}

export interface UnitTrendPoint extends ScorePoint {
  rubric: { id: string; version: string };
  status: UnitScorecard['status'];
  dimensions: { dimensionId: string; name: string; level: Level | null; score: number | null }[];
}

/** GET /api/units/:unit/trend */
export interface UnitTrendResponse {
  unit: UnitRef;
  kind: UnitKind;
  name: string;
  points: UnitTrendPoint[];
  rubricChanges: RubricChange[];
  /** Every as-of the unit has a card at, oldest first, when `points` is downsampled for the chart. */
  asOfs?: string[];
}

/** GET /api/units/:unit/page: what a unit's page draws, in one request. */
export interface UnitPageResponse extends UnitResponse {
  /** Downsampled for the charts (at most ~120 points, the latest exact); `asOfs` lists every as-of. */
  trend: UnitTrendResponse;
  /** The unit's card at the as-of before, and at least four weeks before, the shown one (null when none). */
  previous: UnitScorecard | null;
  fourWeeks: UnitScorecard | null;
}

/** GET /api/overview: everything the executive view draws, in one request. */
export interface OverviewResponse {
  asOf: string | null;
  /** Downsampled for the charts (at most ~120 points, the latest exact). */
  trend: OrgTrendResponse;
  grid: GridResponse;
  attribution: AttributionResponse;
  /** The exact organisation point at the attribution's `from` (the downsampled trend may skip it). */
  basePoint: OrgTrendPoint | null;
}

export interface Mover {
  unit: UnitRef;
  kind: UnitKind;
  name: string;
  from: number;
  to: number;
  delta: number;
  levelFrom: Level | null;
  levelTo: Level | null;
}

/** GET /api/movers */
export interface MoversResponse {
  kind: UnitKind | 'all';
  weeks: number;
  from: string | null;
  to: string | null;
  /** True when the rubric version differs between `from` and `to` (part of a move may be the rubric's). */
  rubricChanged: boolean;
  risers: Mover[];
  fallers: Mover[];
}

export interface RunSummary extends Omit<RunRecord, 'bindings'> {
  bindings: BindingOutcome[];
  counts: { ok: number; failed: number; skipped: number };
  bySource: Record<string, { ok: number; failed: number; skipped: number }>;
}

/** GET /api/runs */
export interface RunsResponse {
  runs: RunSummary[];
}

/** GET /api/asofs */
export interface AsOfsResponse {
  asOfs: string[];
}

/** RFC 9457 problem document of every error response. */
export type { Problem } from './errors.js';

/** One cell of the units × dimensions grid: a dimension's level (absent when insufficient evidence) and coverage. */
export interface GridCell {
  level: Level | null;
  score: number | null;
  status: 'scored' | 'missing';
  /** Share (0..1) of the dimension's signals with data; from the scorecard's `coverage` when it carries one. */
  coverage: number | null;
}

export interface GridRow {
  unit: UnitRef;
  kind: UnitKind;
  name: string;
  parent: UnitRef | null;
  /** The domain a pod belongs to (its parent when that is a domain); null for other units. */
  domain: UnitRef | null;
  /** Capability networks and labs that list the unit as a member. */
  networks: UnitRef[];
  score: number | null;
  level: Level | null;
  missingSignals: number;
  /** Keyed by dimension id; dimensions the unit's rubric does not score are absent. */
  cells: Record<string, GridCell>;
}

/** GET /api/grid: every readable unit × every dimension id seen at one as-of (the rubric matrix). */
export interface GridResponse {
  asOf: string | null;
  dimensions: { dimensionId: string; name: string; kinds: UnitKind[] }[];
  domains: { unit: UnitRef; name: string }[];
  networks: { unit: UnitRef; name: string }[];
  rows: GridRow[];
}

export interface AttributionUnit {
  unit: UnitRef;
  kind: UnitKind;
  name: string;
  from: number;
  to: number;
  delta: number;
  levelFrom: Level | null;
  levelTo: Level | null;
  /** Points of the organisation's change this unit accounts for (its kind's weight share × its change ÷ units of the kind). */
  contribution: number;
}

/** GET /api/attribution: the organisation's change between two as-ofs split into the units and dimensions behind it. */
export interface AttributionResponse {
  from: string | null;
  to: string | null;
  weeks: number;
  orgFrom: number | null;
  orgTo: number | null;
  orgDelta: number | null;
  /** Per unit kind: its weight in the organisation score (renormalised over the kinds scored at `to`) and the points it moved the org. */
  kinds: { kind: UnitKind; weight: number; units: number; meanDelta: number | null; contribution: number }[];
  /** Every readable unit scored at both as-ofs, biggest absolute contribution first. */
  units: AttributionUnit[];
  /** The same change split over dimension ids: each unit's contribution spread over its dimensions by their score change. */
  dimensions: { dimensionId: string; name: string; contribution: number }[];
  /** Org change not explained by units scored at both ends (units appearing or leaving, coverage, rubric). */
  residual: number | null;
  rubricChanged: boolean;
  /** How the split was made, in plain words (shown under the chart). */
  method: string;
}
