import type { UnitKind, UnitRef } from '../org/index.js';

// The shape of a scored unit: what is stored as a snapshot, served by the API and drawn by the dashboard.
// Fields may be added; none may be renamed or removed without a migration (snapshots are kept for years).

export type Level = 1 | 2 | 3 | 4 | 5;
export const LEVEL_NAMES: Readonly<Record<Level, string>> = {
  1: 'Initial',
  2: 'Emerging',
  3: 'Defined',
  4: 'Managed',
  5: 'Optimising',
};

export type PrincipleId = 'data-driven-autonomy' | 'rapid-learning-cycles' | 'cross-functional-collaboration' | 'continuous-innovation';

export interface EvidenceLink {
  url: string;
  /** Short non-personal label, e.g. `RECO-12`, `acme/reco#34`, `run 3f2a…`, `recsys-ranker v7`. */
  label: string;
}

export interface ScoreWindow {
  from: string; // ISO
  to: string; // ISO (the as-of)
  days: number;
}

/** One signal's measured value and how it maps to a level. */
export interface SignalResult {
  signalId: string;
  name: string;
  status: 'scored' | 'missing';
  /** Present when scored. */
  value?: number;
  /** e.g. `runs/week`, `hours`, `ratio`, `count`. */
  unit: string;
  window: ScoreWindow;
  direction: 'higher-is-better' | 'lower-is-better';
  /** Values needed for levels 2..5 (four numbers); below the first is level 1. */
  thresholds: [number, number, number, number];
  level?: Level;
  /** What reaches the next level: the target value and the change from now. Absent at level 5 or when missing. */
  next?: { level: Level; target: number; change: number };
  evidence: EvidenceLink[];
  /** How many items were counted (evidence is capped). */
  evidenceCount: number;
  /** When missing: why (source not configured, source failed, no data in window, group too small…). */
  missingReason?: string;
  /** Points 0–100 this signal adds to its dimension (missing evidence earns 0). Rubric 2026-12 and later. */
  points?: number;
  /** Where the thresholds come from (DORA, an MLOps maturity model, or a house rule with its reason). */
  thresholdSource?: string;
  /** True when the value is carried forward from the last good collection because the source failed. */
  stale?: boolean;
  /** When stale: the as-of of that last good collection (its age is the as-of minus this). */
  staleSince?: string;
}

export interface DimensionResult {
  dimensionId: string;
  name: string;
  status: 'scored' | 'missing';
  level?: Level;
  /** 0–100 within the dimension. */
  score?: number;
  /** How signal levels combine (as the rubric states it), e.g. `mean`, `min`. */
  combine: string;
  principles: PrincipleId[];
  signals: SignalResult[];
  /** Plain-words steps that would lift this dimension one level (smallest change per signal). */
  nextSteps: string[];
  motivation: string;
  remediation: string;
  missingReason?: string;
  /** Share of the dimension's signals that could be observed, 0..1 (rubric 2026-12 and later). */
  coverage?: number;
  /**
   * The score the observed evidence proves, 0–100: unobservable signals earn nothing, so hiding evidence never
   * raises it. Equals `score` when coverage reaches the rubric's floor; below it there is no score or level.
   */
  evidenceScore?: number;
}

/** One ranked next move: the signal raised to its next threshold and what re-scoring adds to the unit score. */
export interface TopMove {
  signal: string;
  /** Current value, or null when the signal is not observed yet. */
  from: number | null;
  to: number;
  expectedGain: number;
}

/** An honest rollup: coverage, spread and the weakest member, not only a mean. */
export interface RollupSummary {
  members: { unit: UnitRef; name: string; score: number | null; level: Level | null }[];
  /** Share of members with a score, 0..1. */
  coverage: number;
  min: number | null;
  max: number | null;
  stdev: number | null;
  weakest: { unit: UnitRef; score: number } | null;
  /** True when coverage is below the rubric's minimum; the rollup then says so instead of pretending. */
  insufficientCoverage: boolean;
}

export interface PrincipleScore {
  principle: PrincipleId;
  name: string;
  status: 'scored' | 'missing';
  score?: number;
  level?: Level;
  /** Dimensions (across units) that fed it. */
  coverage: number;
}

export interface MlopsPlacement {
  framework: 'google' | 'microsoft';
  /** Google 0–2, Microsoft 0–4. */
  level: number;
  maxLevel: number;
  evidence: { step: string; met: boolean; detail: string; links: EvidenceLink[] }[];
  /** The first unmet step, in plain words, or null at the top. */
  missingStep: string | null;
}

export interface SourceStatus {
  source: string;
  bindingId: string;
  status: 'ok' | 'failed' | 'not-configured';
  reason?: string;
  /** As-of of the last successful collection of this binding. */
  lastSuccessAt?: string;
}

/** A unit's scorecard at one as-of. */
export interface UnitScorecard {
  unit: UnitRef;
  kind: UnitKind;
  id: string;
  name: string;
  parent: UnitRef | null;
  asOf: string;
  rubric: { id: string; version: string };
  status: 'scored' | 'insufficient-data';
  /** 0–100; absent when insufficient data. */
  score?: number;
  level?: Level;
  /** Why there is no score, when status is insufficient-data. */
  statusReason?: string;
  dimensions: DimensionResult[];
  rollup?: RollupSummary;
  principles?: PrincipleScore[];
  mlops?: MlopsPlacement[];
  sources: SourceStatus[];
  /** Weighted share of the unit's evidence that could be observed, 0..1 (rubric 2026-12 and later). */
  coverage?: number;
  /** The score the observed evidence proves (see DimensionResult.evidenceScore); equals `score` when scored. */
  evidenceScore?: number;
  /** The moves that would raise the score most, by expected gain (descending). */
  topMoves?: TopMove[];
  /** Rollup cards: the documented formula with this snapshot's numbers. */
  arithmetic?: string;
}
