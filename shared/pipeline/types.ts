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
}

/** The scoring engine as the pipeline sees it: a pure function plus the rubric's identity for the run log. */
export interface Scorer {
  rubric: { id: string; version: string };
  score(input: { org: OrgConfig; asOf: string; activities: readonly Activity[]; sources: SourceStatus[] }): UnitScorecard[];
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
