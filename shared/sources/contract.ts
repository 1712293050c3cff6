import type { Binding, OrgConfig, SourceId, UnitRef } from '../org/index.js';

// The boundary every connector implements (see ../../README.md "Architecture"): collect does the HTTP and
// yields raw pages exactly as received; normalise is pure and turns one raw page into team-level activities.

/** Values an activity may carry; people never appear in them (actors are opaque hashes). */
export type AttrValue = string | number | boolean | null | string[];

/**
 * The kinds of normalised, team-level events. Each source documents which attributes it fills:
 * - `issue` (jira): at=created; attrs key, project, type, statusCategory (new|indeterminate|done), labels[], components[],
 *   resolvedAt|null, updatedAt, parentKey|null
 * - `issue-transition` (jira changelog): at=change time; attrs issueKey, fromCategory, toCategory, toStatus
 * - `sprint` (jira agile): at=startDate; attrs state, endAt, completeAt|null, hasGoal
 * - `pull-request` (github): at=created_at; attrs repo, number, state, mergedAt|null, closedAt|null, updatedAt, draft;
 *   actor=author
 * - `review` (github): at=submitted_at; attrs repo, number, state, prActor (hash of the PR author); actor=reviewer
 * - `commit` (github): at=committer date; attrs repo; actor=author
 * - `deployment` (github): at=created_at; attrs repo, environment, state (latest status state), statusAt, sha|null (deployed commit)
 * - `workflow-run` (github): at=created_at; attrs repo, workflow, event, conclusion|null, updatedAt
 * - `release` (github): at=published_at; attrs repo, tag, prerelease
 * - `experiment` (mlflow): at=creation_time; attrs experimentId, name
 * - `ml-run` (mlflow): at=start_time; attrs experimentId, status, endAt|null, trigger|null, sourceType|null, metricCount
 * - `model-version` (mlflow): at=creation_timestamp; attrs model, version, stage, aliases[], status, runId|null,
 *   tags[] (tag keys only), updatedAt
 * - `copilot-day` (copilot): at=day; team-level aggregates only
 */
export type ActivityKind =
  | 'issue'
  | 'issue-transition'
  | 'sprint'
  | 'pull-request'
  | 'review'
  | 'commit'
  | 'deployment'
  | 'workflow-run'
  | 'release'
  | 'experiment'
  | 'ml-run'
  | 'model-version'
  | 'copilot-day';

/** One normalised team-level event. */
export interface Activity {
  /** Stable and unique within its binding, e.g. `github:pr:acme/reco#12`; the merge key across syncs. */
  id: string;
  source: SourceId;
  kind: ActivityKind;
  /** The unit whose binding produced it. */
  unit: UnitRef;
  bindingId: string;
  /** ISO-8601 UTC timestamp, e.g. `2026-05-01T10:20:30.123Z`. */
  at: string;
  /** Opaque keyed hash of the person (for counting distinct actors), or null. */
  actor: string | null;
  /** Evidence link a user can open (vendor UI URL where derivable, else the API URL without query). */
  url: string;
  attrs: Record<string, AttrValue>;
  /** Link back to the raw page it came from. */
  rawRef: { key: string; index: number };
}

/** A page exactly as the vendor returned it (body parsed from JSON), plus where it came from. */
export interface RawPage {
  source: SourceId;
  bindingId: string;
  /** Which listing this page belongs to, e.g. `pulls:acme/reco`, `search`, `runs`. */
  stream: string;
  /** Request path with query (no host, no credentials), for the run log and debugging. */
  path: string;
  /** Sequence number within the binding's collection, from 0. */
  seq: number;
  /** HTTP Date header (or fetch time) as ISO-8601. */
  fetchedAt: string;
  status: number;
  body: unknown;
  /**
   * For sub-listings, the fields of the parent item the page belongs to, as received on the parent's own page
   * (e.g. a GitHub pull request's `number` and `user` for its reviews, a deployment's `created_at` and
   * `environment` for its statuses): vendors omit them from the child objects, and normalise must stay per-page.
   */
  parent?: Record<string, unknown>;
}

/** Incremental position of a binding: opaque to the pipeline, JSON-serialisable, owned by the source. */
export type Cursor = Record<string, unknown>;

/** Credentials resolved from environment variables (locally) or Secrets Manager (AWS); never logged. */
export type Credentials = Readonly<Record<string, string>>;

/** Everything one binding's collection needs; the pipeline builds it. */
export interface CollectContext {
  binding: Binding;
  org: OrgConfig;
  credentials: Credentials;
  /** Cursor saved after the last successful collection, or null for a full sync. */
  cursor: Cursor | null;
  /** The run's as-of time (ISO); nothing is requested beyond it when the API allows bounding. */
  asOf: string;
  /** Earliest time a full sync reaches back to (ISO). */
  since: string;
  /** Called for every page as soon as it is received; the pipeline stores it raw before anything else. */
  onPage: (page: RawPage) => Promise<void>;
  /** Stop early (deadline, shutdown). */
  signal?: AbortSignal;
  /** fetch implementation (defaults to global fetch); lets the pipeline count requests. */
  fetch?: typeof fetch;
}

/** What a finished collection reports. */
export interface CollectOutcome {
  /** The cursor to save once everything collected is stored. */
  cursor: Cursor;
  /** HTTP requests made (including retries and 304s). */
  requests: number;
  /** Reconciliation findings or other notes for the run record (counts only; no names). */
  notes: string[];
  /** Ids of activities the source reports as deleted/moved since the last sync (reconciliation). */
  removedIds?: string[];
  /**
   * Id prefixes of activities this binding stored before and no longer keeps (every stored activity whose id starts
   * with one goes): an upgraded connector handing a kind of activity over to another binding.
   */
  removedIdPrefixes?: string[];
}

/** Context for pure normalisation. */
export interface NormaliseContext {
  binding: Binding;
  /** Key of the stored raw page, for rawRef. */
  rawKey: string;
  /** Keyed hash for person identifiers. */
  hashActor: (personId: string) => string;
  /** Base URL of the source's web UI for evidence links. */
  baseUrl: string;
}

/** A connector as a plugin: adding a source means adding a folder that exports one of these. */
export interface SourcePlugin {
  id: Exclude<SourceId, 'copilot'> | 'copilot';
  /** Names of the credential fields this source needs, resolved from the config's `*Env` names. */
  credentialEnvNames(org: OrgConfig): string[];
  collect(ctx: CollectContext): Promise<CollectOutcome>;
  /** Pure: throws NormaliseError when the page is malformed. */
  normalise(page: RawPage, ctx: NormaliseContext): Activity[];
}
