import { RadarError } from '../kernel/index.js';
import type { LoggerPort } from '../kernel/index.js';

// Every error the API answers with on purpose, and the ONE place that turns errors into RFC 9457 problem
// documents. Anything not listed here is a bug or an outage: the client gets a generic 500 and the details go to
// the log only, so no stack, store key or vendor message ever reaches a browser.

/** Base of the API's expected failures; `status` is the HTTP status the problem document carries. */
export abstract class ApiError extends RadarError {
  abstract readonly status: number;
  abstract readonly title: string;
}

/** A path or query parameter failed validation (bad unit ref, bad as-of, out-of-range number). */
export class InvalidRequestError extends ApiError {
  readonly status = 400;
  readonly title = 'Invalid request';
  constructor(opts: { reason: string; path?: string; cause?: unknown }) {
    super({ code: 'INVALID_REQUEST', ...opts });
  }
}

/** The caller presented no credentials or credentials that did not verify (the JWT authoriser throws it). */
export class UnauthenticatedError extends ApiError {
  readonly status = 401;
  readonly title = 'Authentication required';
  constructor(opts: { reason?: string; path?: string; cause?: unknown } = {}) {
    super({ code: 'UNAUTHENTICATED', reason: opts.reason ?? 'a valid bearer token is required', path: opts.path, cause: opts.cause });
  }
}

/** The caller is authenticated but the unit is outside their scope. */
export class OutOfScopeError extends ApiError {
  readonly status = 403;
  readonly title = 'Outside your scope';
  constructor(opts: { unit: string; path?: string }) {
    super({ code: 'OUT_OF_SCOPE', reason: `${opts.unit} is not among the units you may read`, path: opts.path });
  }
}

/** The unit or snapshot asked for does not exist (yet). */
export class ResourceNotFoundError extends ApiError {
  readonly status = 404;
  readonly title = 'Not found';
  constructor(opts: { reason: string; path?: string }) {
    super({ code: 'NOT_FOUND', ...opts });
  }
}

/** RFC 9457 problem details, as every API error is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Maps any thrown value to a status and problem document; unknown errors become a generic 500 (logged once). */
export function toProblem(err: unknown, ctx: { instance?: string; logger?: LoggerPort } = {}): Problem {
  if (err instanceof ApiError) {
    return {
      type: `urn:radar:problem:${err.code.toLowerCase().replace(/_/g, '-')}`,
      title: err.title,
      status: err.status,
      detail: err.reason,
      ...(ctx.instance ? { instance: ctx.instance } : {}),
    };
  }
  // Only the class name and code go to the log: messages of unknown errors may quote store keys or vendor text.
  ctx.logger?.error('api request failed', {
    errorClass: err instanceof Error ? err.name : typeof err,
    errorCode: err instanceof RadarError ? err.code : undefined,
    path: ctx.instance,
  });
  return {
    type: 'urn:radar:problem:internal',
    title: 'Internal error',
    status: 500,
    detail: 'the server could not answer this request; it has been logged',
    ...(ctx.instance ? { instance: ctx.instance } : {}),
  };
}
