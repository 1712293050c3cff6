import { RadarError } from '../kernel/index.js';

// Typed connector failures. Each names the source, the binding and the request path (never a query string with
// secrets, never a credential), so the run log says plainly what failed and where.

interface SourceErrorOpts {
  source: string;
  bindingId: string;
  /** Request path without query string. */
  path: string;
  reason: string;
  status?: number;
  cause?: unknown;
}

/** Base class of every connector failure. */
export class SourceError extends RadarError {
  readonly bindingId: string;
  readonly status: number | undefined;
  constructor(code: string, o: SourceErrorOpts) {
    super({ code, reason: o.reason, path: o.path, source: o.source, cause: o.cause });
    this.bindingId = o.bindingId;
    this.status = o.status;
  }
}

/** 401/403 from the vendor: bad or missing credentials, or no permission. */
export class SourceAuthError extends SourceError {
  constructor(o: SourceErrorOpts) {
    super(`HTTP_${o.status ?? 401}`, o);
  }
}

/** Any other non-success HTTP status after retries (404 for a configured project/repo, 5xx, 429 exhausted). */
export class SourceHttpError extends SourceError {
  constructor(o: SourceErrorOpts) {
    super(`HTTP_${o.status ?? 0}`, o);
  }
}

/** Network failure: connection reset, refused, or timeout after retries. */
export class SourceNetworkError extends SourceError {
  constructor(o: SourceErrorOpts) {
    super('NETWORK', o);
  }
}

/** A page that is not what the API documents: not JSON, truncated, HTML, wrong shape. */
export class MalformedPageError extends SourceError {
  /** True for a body that did not arrive whole (truncated or corrupt JSON): worth asking again. */
  readonly transient: boolean;
  constructor(o: SourceErrorOpts & { transient?: boolean }) {
    super('MALFORMED_PAGE', o);
    this.transient = o.transient ?? false;
  }
}

/** Pagination that hands back a cursor or link already seen: stopped instead of looping forever. */
export class RepeatingCursorError extends SourceError {
  constructor(o: SourceErrorOpts) {
    super('REPEATING_CURSOR', o);
  }
}

/** Normalisation found a page it cannot turn into activities (pure step; thrown by normalise). */
export class NormaliseError extends SourceError {
  constructor(o: SourceErrorOpts) {
    super('NORMALISE_FAILED', o);
  }
}

/** A transport the product refuses: a plain-http base URL off loopback, or a next-page URL on another origin. */
export class UnsafeTransportError extends SourceError {
  constructor(o: SourceErrorOpts) {
    super('UNSAFE_TRANSPORT', o);
  }
}
