import type { LoggerPort } from '../kernel/index.js';
import type { OrgConfig, SourceId, UnitRef } from '../org/index.js';
import type { Activity, SourcePlugin } from '../sources/contract.js';
import type { SourceStatus, UnitScorecard } from '../scoring/types.js';
import type { BindingOutcome, Stores } from '../storage/ports.js';
import type { CredentialResolver } from './credentials.js';

/** One collection task: one unit × source binding (one item of the Step Functions Distributed Map). */
export interface CollectTask {
  bindingId: string;
  unit: UnitRef;
  source: SourceId;
}

/** What plan returns (and the state machine maps over `tasks`). */
export interface RunPlan {
  runId: string;
  asOf: string;
  /** The org YAML's settings.maxConcurrency; the Distributed Map reads it (MaxConcurrencyPath `$.maxConcurrency`). */
  maxConcurrency: number;
  tasks: CollectTask[];
  /**
   * How the score step runs (settings.scoring.fanOutAbovePods): `fanOut` false = one Score task; true = one item
   * per pod in `pods` (each writes its card, not yet visible), then one rollup task that saves the as-of.
   */
  scoring: { fanOut: boolean; pods: UnitRef[] };
}

/** The scoring engine as the pipeline sees it: a pure function plus the rubric's identity for the run log. */
export interface Scorer {
  rubric: { id: string; version: string };
  score(input: ScorerInput): UnitScorecard[];
  /** Scores some pods or rollup units from only the activities they read; member cards come from `scored`. */
  scoreUnits(input: ScorerInput, refs: readonly UnitRef[], scored: readonly UnitScorecard[]): UnitScorecard[];
  /** The organisation's card from every other unit's card (listUnits order) and the organisation's own activities. */
  scoreOrganisationCard(input: ScorerInput, cards: readonly UnitScorecard[]): UnitScorecard;
  /** The window scoring reads at an as-of (derived from the rubric and the org's history horizon). */
  window(org: OrgConfig, asOf: string): { from: string; to: string };
}

/** What the scorer is given besides its rubric. */
export interface ScorerInput {
  org: OrgConfig;
  asOf: string;
  activities: readonly Activity[];
  sources: readonly SourceStatus[];
}

/** Everything the pipeline functions need; built once per process (CLI) or per container (Lambda). */
export interface PipelineDeps {
  org: OrgConfig;
  stores: Stores;
  scorer: Scorer;
  /** Connectors by source id; a binding whose source has no plugin fails with a clear reason. */
  sources: Partial<Record<SourceId, SourcePlugin>>;
  credentials: CredentialResolver;
  logger: LoggerPort;
  /** Wall clock for run-log times only (never for snapshot content). */
  now?: () => Date;
  /** fetch used by connectors; the pipeline wraps it to count requests. */
  fetch?: typeof fetch;
}

/** Progress callbacks for the CLI (bindings done/total, requests so far). */
export interface RunProgress {
  onPlanned?(plan: RunPlan): void;
  onBindingDone?(outcome: BindingOutcome, done: number, total: number): void;
  onScored?(asOf: string, units: number): void;
}
