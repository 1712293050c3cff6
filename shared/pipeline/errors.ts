import { RadarError } from '../kernel/index.js';

// Errors the pipeline raises itself. Source failures keep their own classes (shared/sources/errors.ts); these
// cover what happens around a source: events, credentials, deadlines, storage of a binding's outcome.

/** A Lambda or local-runner event that does not have the documented shape. */
export class InvalidEventError extends RadarError {
  constructor(reason: string, path = '(event)', cause?: unknown) {
    super({ code: 'INVALID_EVENT', reason, path, cause });
  }
}

/** A credential named in the config (or the actor hash key) could not be resolved; names the variable only. */
export class MissingCredentialError extends RadarError {
  readonly envName: string;
  constructor(envName: string, source: string | undefined, detail: string) {
    super({ code: 'CREDENTIAL_MISSING', reason: `credential ${envName} is not available: ${detail}`, source });
    this.envName = envName;
  }
}

/** The binding's time budget (Lambda remaining time minus a margin, or the local timeout) ran out. */
export class DeadlineExceededError extends RadarError {
  constructor(bindingId: string, budgetMs: number, cause?: unknown) {
    super({ code: 'DEADLINE', reason: `collection of ${bindingId} stopped after its ${Math.round(budgetMs / 1000)} s budget`, cause });
  }
}

/** The task names a binding or source the pipeline cannot collect (not in the config, no plugin). */
export class UnknownBindingError extends RadarError {
  constructor(bindingId: string, reason: string) {
    super({ code: 'UNKNOWN_BINDING', reason: `${bindingId}: ${reason}` });
  }
}

/** Scoring or storing the snapshot failed: no snapshot was marked complete for this as-of. */
export class ScoreRunError extends RadarError {
  constructor(runId: string, reason: string, cause?: unknown) {
    super({ code: 'SCORE_FAILED', reason: `${runId}: ${reason}`, cause });
  }
}

/** A fanned-out score step found pod cards missing (their items failed): the as-of is not saved. */
export class PodCardsMissingError extends RadarError {
  constructor(missing: readonly string[]) {
    super({ code: 'POD_CARDS_MISSING', reason: `${missing.length} pod card(s) missing, their score items failed: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}` });
  }
}
