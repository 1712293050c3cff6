import { RadarError } from '../kernel/index.js';

// Storage failures. They name the table or bucket key involved (never an item's content) so a run log can say
// plainly which write failed without echoing data.

/** A DynamoDB or S3 operation failed (after the SDK's own retries and ours). */
export class StorageError extends RadarError {
  constructor(opts: { code: string; reason: string; path?: string; cause?: unknown }) {
    super(opts);
  }
}

/** A conditional "must not clobber" write found the item already there. */
export class ConflictError extends StorageError {
  constructor(opts: { reason: string; path: string; cause?: unknown }) {
    super({ code: 'CONFLICT', ...opts });
  }
}

/** A stored object that was asked for by key does not exist. */
export class ObjectNotFoundError extends StorageError {
  constructor(opts: { path: string; cause?: unknown }) {
    super({ code: 'NOT_FOUND', reason: 'no object stored under this key', ...opts });
  }
}
