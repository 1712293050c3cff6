import type { UnitRef } from '../org/index.js';
import type { Activity, Cursor } from '../sources/contract.js';
import type { UnitScorecard } from '../scoring/types.js';
import type { UnitTrendPoint } from '../api/contract.js';
import type { SummaryView } from '../api/summaries.js';

// Storage ports: the pipeline and the API depend on these, the DynamoDB/S3 adapters implement them.

/** Per-binding outcome in a run record (no secrets, no person data). */
export interface BindingOutcome {
  bindingId: string;
  unit: UnitRef;
  source: string;
  status: 'ok' | 'failed' | 'skipped';
  /** Error class name, e.g. `SourceAuthError`. */
  errorClass?: string;
  /** Error code, e.g. `HTTP_401`. */
  errorCode?: string;
  /** Plain-words reason, scrubbed of secrets. */
  message?: string;
  items: number;
  requests: number;
  pages: number;
  durationMs: number;
  notes: string[];
}

export interface RunRecord {
  runId: string;
  asOf: string;
  kind: 'scheduled' | 'backfill';
  status: 'running' | 'completed' | 'failed';
  startedAt: string;
  finishedAt?: string;
  rubric: { id: string; version: string };
  bindings: BindingOutcome[];
  unitsScored: number;
  requests: number;
  message?: string;
}

/** What a unit's page needs: its card at an as-of, the cards it is compared with, and its trend points (complete as-ofs, oldest first). */
export interface UnitPage {
  card: UnitScorecard | null;
  previous: UnitScorecard | null;
  fourWeeks: UnitScorecard | null;
  points: UnitTrendPoint[];
}

/** Snapshots: one scorecard per unit per as-of; an as-of is visible only once all its units are written. */
export interface SnapshotStore {
  /** Writes every scorecard of one as-of, then marks the as-of complete (readers ignore incomplete as-ofs). */
  saveSnapshots(asOf: string, cards: readonly UnitScorecard[], meta: { runId: string }): Promise<void>;
  /** The scorecard at an as-of (exact), or at the latest complete as-of when asOf is omitted. */
  loadScorecard(unit: UnitRef, asOf?: string): Promise<UnitScorecard | null>;
  /** Every scorecard of one complete as-of (GSI query). */
  loadAllAt(asOf: string): Promise<UnitScorecard[]>;
  /** Complete as-ofs, oldest first. */
  listAsOfs(): Promise<string[]>;
  /** A unit's scorecards over time, oldest first (complete as-ofs only). */
  loadUnitHistory(unit: UnitRef, opts?: { from?: string; to?: string }): Promise<UnitScorecard[]>;
  /**
   * Optional: several units' histories at once, in the order of `units`, each as loadUnitHistory would return it.
   * Adapters implement it when a batch is cheaper than one call per unit (DynamoDB reads the as-of markers once).
   */
  loadHistories?(units: readonly UnitRef[], opts?: { from?: string; to?: string }): Promise<UnitScorecard[][]>;
  /**
   * Optional: a short-lived view of this store for one request that may share reads between its calls (DynamoDB
   * reads the as-of markers once). Writes and long-lived use belong on the store itself.
   */
  readSession?(): SnapshotStore;
  /**
   * Optional: the per-as-of view summary written at score time (latest when asOf is omitted), or null when the
   * caller must take the full reads (no current summary for that as-of).
   */
  loadSummary?(asOf?: string): Promise<{ asOf: string; view: SummaryView } | null>;
  /** Optional: a unit page in a bounded number of reads, or null when the caller must take the full reads. */
  loadUnitPage?(unit: UnitRef, asOf?: string): Promise<UnitPage | null>;
}

export interface RunStore {
  saveRun(run: RunRecord): Promise<void>;
  loadRun(runId: string): Promise<RunRecord | null>;
  /** Newest first. */
  listRuns(limit?: number): Promise<RunRecord[]>;
}

export interface CursorStore {
  loadCursor(bindingId: string): Promise<{ cursor: Cursor; asOf: string } | null>;
  saveCursor(bindingId: string, cursor: Cursor, asOf: string): Promise<void>;
  /** Several bindings' cursors at once (DynamoDB: BatchGetItem, 100 keys per call); bindings without one are absent. */
  loadCursors(bindingIds: readonly string[]): Promise<Map<string, { cursor: Cursor; asOf: string }>>;
}

/** A time window over activities' `at`, both ends inclusive; an omitted end is open. */
export interface ActivityWindow {
  from?: string;
  to?: string;
}

/** What a change to a binding's activities touches: the times of the activities it brings and the ids it changes or removes. */
export interface ActivityTouch {
  /** `at` of every activity the change may add or replace (their month partitions are read and may be written). */
  ats: readonly string[];
  /** Ids the change may replace or remove (the partitions that hold them now are read and may be written). */
  ids: readonly string[];
  /**
   * Id prefixes the change may remove (every partition holding an id with one of them is read and may be written):
   * a connector that hands a kind of activity over to another binding drops what it stored of it.
   */
  idPrefixes?: readonly string[];
}

/** What updateActivities did. */
export interface ActivityUpdateResult {
  /** Activities stored for the binding after the update (all partitions). */
  stored: number;
  /** Partition objects read and written (the index object not included). */
  partitionsRead: number;
  partitionsWritten: number;
}

/** S3 side: raw pages as received, and the merged normalised activities of each binding. */
export interface ObjectStore {
  /** Stores a raw page (gzip JSON) under `raw/{source}/{binding}/{runId}/{seq}.json.gz`; returns the key. */
  putRawPage(key: string, body: unknown): Promise<void>;
  getRawPage(key: string): Promise<unknown>;
  /** Replaces a binding's normalised activities (gzip JSONL per month of `at`, sorted by id, deterministic bytes). */
  saveActivities(bindingId: string, activities: readonly Activity[]): Promise<void>;
  /**
   * Applies a change to a binding's activities reading and writing only the month partitions it touches: `apply`
   * gets the stored activities of those partitions and returns what they should hold. A partition is written only
   * when its bytes change, so a change that changes nothing writes nothing. Partitions are written before the index
   * that lists them; a crash in between leaves the previous index, which a rerun of the same change repairs.
   */
  updateActivities(bindingId: string, touch: ActivityTouch, apply: (stored: Activity[]) => Activity[]): Promise<ActivityUpdateResult>;
  /**
   * A binding's normalised activities, or [] when none were ever stored. With a window, only activities whose `at`
   * lies within it (both ends inclusive, ISO timestamps); adapters may read less (e.g. only the partitions the
   * window touches), callers must not rely on activities outside it being returned.
   */
  loadActivities(bindingId: string, window?: ActivityWindow): Promise<Activity[]>;
  /** Keys under a prefix (paginated listing). */
  listKeys(prefix: string): Promise<string[]>;
}

/**
 * The run log: each collect task's binding outcome, written by the task that collected it and read by score (the
 * tasks run in separate Lambdas, so the outcomes meet in storage). A port of its own, not the raw-page API: in S3
 * it lives under `runs/{runId}/outcomes/`, a prefix only collect may write and only score may read.
 * @example await runLog.saveOutcome(runId, outcome); const outcomes = await runLog.loadOutcomes(runId);
 */
export interface RunLogStore {
  /** Records (or replaces, on a rerun of the same run) one binding's outcome. */
  saveOutcome(runId: string, outcome: BindingOutcome): Promise<void>;
  /** Every outcome recorded for the run, by binding id. */
  loadOutcomes(runId: string): Promise<Map<string, BindingOutcome>>;
  /** The outcomes recorded for the given bindings only (one read each, no listing), by binding id. */
  loadOutcomesOf(runId: string, bindingIds: readonly string[]): Promise<Map<string, BindingOutcome>>;
}

/** Storage calls made so far, per service and operation (e.g. `dynamodb.BatchWriteItem`, `s3.PutObject`). */
export interface StorageCallCounts {
  /** Keyed `{service}.{Operation}`; one count per SDK command sent (SDK-internal retries not counted twice). */
  calls: Record<string, number>;
  dynamodb: number;
  s3: number;
  /** HTTP attempts including the SDK's retries (from each response's `$metadata.attempts`). */
  attempts: number;
  /** Body bytes of successful PutObject calls by the key's first segment (`raw`, `normalised`, `runs`, …). */
  putBytes: Record<string, number>;
}

/**
 * Pod scorecards of a fanned-out score step that are not visible yet: each pod item writes its card here, the
 * rollup task reads them all and saves the as-of through SnapshotStore.saveSnapshots (readers never see these).
 */
export interface PendingCardStore {
  /** Writes (or, on a rerun, replaces) pod cards of one run and as-of. */
  savePending(runId: string, asOf: string, cards: readonly UnitScorecard[]): Promise<void>;
  /** Every pending card of the run and as-of (any order). */
  loadPending(runId: string, asOf: string): Promise<UnitScorecard[]>;
}

export interface Stores {
  snapshots: SnapshotStore;
  /** Optional: needed only when the score step fans out (settings.scoring.fanOutAbovePods). */
  pending?: PendingCardStore;
  runs: RunStore;
  cursors: CursorStore;
  objects: ObjectStore;
  runLog: RunLogStore;
  /** Optional: calls made through these stores since creation (or the last reset), for run summaries and benchmarks. */
  metrics?(): StorageCallCounts;
  /** Optional: zeroes the call counts (e.g. at the start of a run). */
  resetMetrics?(): void;
}
