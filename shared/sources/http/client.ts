import type { z } from 'zod';
import { isSecureOrLoopbackUrl } from '../../org/index.js';
import { MalformedPageError, SourceAuthError, SourceHttpError, SourceNetworkError, UnsafeTransportError } from '../errors.js';

// A small fetch-based JSON client shared by the Jira and MLflow connectors. Why not a vendor library: jira.js 5
// pulls in axios and a very large API surface for the two endpoints we call, and MLflow has no maintained
// JavaScript client at all. What we need is narrow and must be exact: one auth header, a zod check of every
// page, typed errors that never carry the credential, and retries that honour the vendor's rate-limit headers.

/** Retry policy for 429/502/503/504 and network failures. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff step; doubles each retry, with jitter between half and all of the step. */
  baseDelayMs: number;
  /** Cap of one computed backoff step (a server-requested wait may be longer, up to maxTotalWaitMs). */
  maxDelayMs: number;
  /** Total time the client may spend waiting for one request; beyond it the request fails. */
  maxTotalWaitMs: number;
}

export interface HttpClientOptions {
  source: string;
  bindingId: string;
  /** Base URL of the API, e.g. `https://acme.atlassian.net`; paths are appended to it. */
  baseUrl: string;
  /** Value of the Authorization header, or null for none. Never logged, never put in an error. */
  authorization: string | null;
  fetch?: typeof fetch;
  /** Per-attempt timeout (AbortSignal.timeout). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Stops waiting and requesting when aborted (deadline, shutdown). */
  signal?: AbortSignal;
  /** Jitter source; tests may pin it. */
  random?: () => number;
}

/** A validated JSON response. `body` is the parsed JSON exactly as received (the zod check does not strip it). */
export interface JsonResponse<T> {
  status: number;
  body: T;
  /** Path with query, as requested (no host, no credential). */
  path: string;
  /** The response's Date header, or the local time it arrived, as ISO-8601. */
  fetchedAt: string;
}

const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxTotalWaitMs: 120_000 };
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Builds a Basic Authorization header value from a user (or email) and a password (or API token). */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** Builds a Bearer Authorization header value. */
export function bearerAuthorization(token: string): string {
  return `Bearer ${token}`;
}

/** Strips the query string: error paths and logs never carry parameters (they may hold filters or tokens). */
export function pathWithoutQuery(path: string): string {
  const i = path.indexOf('?');
  return i === -1 ? path : path.slice(0, i);
}

/**
 * Parses a wait the server asked for, in ms from `nowMs`: `Retry-After` as seconds or an HTTP date, else
 * `X-RateLimit-Reset` as an ISO timestamp (Jira) or epoch seconds (GitHub style). Null when neither is usable.
 */
export function parseServerWaitMs(headers: Headers, nowMs: number): number | null {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const v = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(v)) return Math.max(0, Number(v) * 1000);
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset !== null && reset.trim() !== '') {
    const v = reset.trim();
    if (/^\d+$/.test(v)) return Math.max(0, Number(v) * 1000 - nowMs);
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  return null;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Pulls the vendor's own error words out of an error body (Jira errorMessages/errors, MLflow message). */
function vendorMessage(text: string): string {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const parts: string[] = [];
    if (Array.isArray(j.errorMessages)) parts.push(...j.errorMessages.filter((m): m is string => typeof m === 'string'));
    if (j.errors && typeof j.errors === 'object') {
      for (const [k, v] of Object.entries(j.errors as Record<string, unknown>)) if (typeof v === 'string') parts.push(`${k}: ${v}`);
    }
    if (typeof j.error_code === 'string') parts.push(j.error_code);
    if (typeof j.message === 'string') parts.push(j.message);
    return parts.join('; ').slice(0, 300);
  } catch {
    return '';
  }
}

/** JSON-over-HTTP client for one binding of one source; counts every request it sends (retries included). */
export class HttpClient {
  /** HTTP requests sent, including retries. */
  requests = 0;
  private readonly opts: HttpClientOptions;
  private readonly policy: RetryPolicy;
  private readonly doFetch: typeof fetch;
  private readonly random: () => number;
  private readonly base: string;

  constructor(opts: HttpClientOptions) {
    this.opts = opts;
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.doFetch = opts.fetch ?? fetch;
    this.random = opts.random ?? Math.random;
    this.base = opts.baseUrl.replace(/\/+$/, '');
    // The credential goes with every request: never in clear text across a network (REALITY.md, GitHub row).
    if (!isSecureOrLoopbackUrl(this.base)) {
      throw new UnsafeTransportError(this.errorOpts('/', 'the base URL must use https: (plain http: only on loopback: 127.0.0.1, ::1, localhost)'));
    }
  }

  /**
   * Turns a next-page reference into a request path: a relative path as is, an absolute URL only when it is on the
   * configured origin and under the base path (the credential must never reach another host). Throws
   * UnsafeTransportError otherwise.
   */
  nextPath(next: string): string {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(next)) return next.startsWith('/') ? next : `/${next}`;
    let u: URL;
    try {
      u = new URL(next);
    } catch (cause) {
      throw new UnsafeTransportError(this.errorOpts('/', 'the next-page link is not a URL', undefined, cause));
    }
    const base = new URL(this.base);
    const basePath = base.pathname.replace(/\/+$/, '');
    if (u.origin !== base.origin || !(u.pathname === basePath || u.pathname.startsWith(`${basePath}/`))) {
      throw new UnsafeTransportError(this.errorOpts(u.pathname, 'the next-page link points outside the configured API origin; not followed, so the credential stays with the configured host'));
    }
    return `${u.pathname.slice(basePath.length)}${u.search}`;
  }

  /** GETs `path` (with query) and validates the JSON body against `schema`. */
  getJson<T>(path: string, schema: z.ZodType<T>): Promise<JsonResponse<T>> {
    return this.request('GET', path, undefined, schema);
  }

  /** POSTs a JSON body to `path` and validates the JSON response against `schema`. */
  postJson<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<JsonResponse<T>> {
    return this.request('POST', path, body, schema);
  }

  private errorOpts(path: string, reason: string, status?: number, cause?: unknown) {
    return {
      source: this.opts.source,
      bindingId: this.opts.bindingId,
      path: pathWithoutQuery(path),
      reason,
      ...(status === undefined ? {} : { status }),
      ...(cause === undefined ? {} : { cause }),
    };
  }

  private async request<T>(method: 'GET' | 'POST', pathOrUrl: string, body: unknown, schema: z.ZodType<T>): Promise<JsonResponse<T>> {
    const path = this.nextPath(pathOrUrl);
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (this.opts.authorization !== null) headers.authorization = this.opts.authorization;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 30_000);
      // One controller per request, unhooked from the run's signal when the request ends: AbortSignal.any would
      // leave a listener on the long-lived run signal for every request (thousands per binding).
      const perRequest = new AbortController();
      const abort = (): void => perRequest.abort();
      timeout.addEventListener('abort', abort, { once: true });
      this.opts.signal?.addEventListener('abort', abort, { once: true });
      if (this.opts.signal?.aborted) perRequest.abort();
      const signal = perRequest.signal;
      let res: Response;
      let text: string;
      this.requests += 1;
      try {
        res = await this.doFetch(`${this.base}${path}`, {
          method,
          headers,
          signal,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        text = await res.text();
      } catch (cause) {
        if (this.opts.signal?.aborted) {
          throw new SourceNetworkError(this.errorOpts(path, 'collection was stopped before the request finished', undefined, cause));
        }
        const reason = timeout.aborted ? 'request timed out' : 'network error (connection refused or reset)';
        const wait = this.backoffMs(attempt);
        if (attempt < this.policy.maxRetries && waited + wait <= this.policy.maxTotalWaitMs) {
          waited += wait;
          await this.pause(wait, path);
          continue;
        }
        // The cause is kept for debugging but the message is ours: undici errors can echo the full URL.
        throw new SourceNetworkError(this.errorOpts(path, `${reason} after ${attempt + 1} attempt(s)`, undefined, scrubCause(cause)));
      } finally {
        timeout.removeEventListener('abort', abort);
        this.opts.signal?.removeEventListener('abort', abort);
      }

      if (res.status >= 200 && res.status < 300) {
        let parsed: T;
        try {
          parsed = this.parse(path, text, res, schema);
        } catch (e) {
          // A truncated or corrupt JSON body on a 200 is a transport fault (a proxy or a dropped connection): retry
          // it like a 5xx. A well-formed body of the wrong shape is the vendor's answer and is not retried.
          const wait = this.backoffMs(attempt);
          if (e instanceof MalformedPageError && e.transient && attempt < this.policy.maxRetries && waited + wait <= this.policy.maxTotalWaitMs) {
            waited += wait;
            await this.pause(wait, path);
            continue;
          }
          throw e;
        }
        return { status: res.status, body: parsed, path, fetchedAt: fetchedAt(res) };
      }
      if (res.status === 401 || res.status === 403) {
        const words = vendorMessage(text);
        throw new SourceAuthError(
          this.errorOpts(path, `${res.status === 401 ? 'not authenticated' : 'not permitted'}${words ? `: ${scrub(words, this.opts.authorization)}` : ''}`, res.status),
        );
      }
      if (RETRYABLE_STATUS.has(res.status) && attempt < this.policy.maxRetries) {
        const server = parseServerWaitMs(res.headers, Date.now());
        const wait = server === null ? this.backoffMs(attempt) : Math.max(server, 1);
        if (waited + wait <= this.policy.maxTotalWaitMs) {
          waited += wait;
          await this.pause(wait, path);
          continue;
        }
        throw new SourceHttpError(
          this.errorOpts(path, `HTTP ${res.status}: the server asked to wait ${Math.ceil(wait / 1000)} s, beyond the retry budget of ${Math.ceil(this.policy.maxTotalWaitMs / 1000)} s`, res.status),
        );
      }
      const words = vendorMessage(text);
      throw new SourceHttpError(
        this.errorOpts(path, `HTTP ${res.status}${RETRYABLE_STATUS.has(res.status) ? ` after ${attempt + 1} attempt(s)` : ''}${words ? `: ${scrub(words, this.opts.authorization)}` : ''}`, res.status),
      );
    }
  }

  private parse<T>(path: string, text: string, res: Response, schema: z.ZodType<T>): T {
    const type = res.headers.get('content-type') ?? '';
    if (/html/i.test(type) || /^\s*</.test(text)) {
      throw new MalformedPageError(this.errorOpts(path, 'expected JSON but received an HTML page', res.status));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new MalformedPageError({ ...this.errorOpts(path, 'response is not valid JSON (truncated or corrupt)', res.status, cause), transient: true });
    }
    const checked = schema.safeParse(json);
    if (!checked.success) {
      const first = checked.error.issues[0];
      const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unknown';
      throw new MalformedPageError(this.errorOpts(path, `response does not have the documented shape (${where})`, res.status));
    }
    // Keep the body exactly as received: the raw store is the record of what the vendor said.
    return json as T;
  }

  private backoffMs(attempt: number): number {
    const cap = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** attempt);
    return Math.max(1, Math.round(cap * (0.5 + this.random() / 2)));
  }

  private async pause(ms: number, path: string): Promise<void> {
    try {
      await sleep(ms, this.opts.signal);
    } catch (cause) {
      throw new SourceNetworkError(this.errorOpts(path, 'collection was stopped while waiting to retry', undefined, cause));
    }
  }
}

function fetchedAt(res: Response): string {
  const d = res.headers.get('date');
  const t = d === null ? NaN : Date.parse(d);
  return new Date(Number.isNaN(t) ? Date.now() : t).toISOString();
}

function scrub(text: string, authorization: string | null): string {
  if (authorization === null) return text;
  const secret = authorization.replace(/^\S+\s+/, '');
  return secret.length > 0 ? text.split(secret).join('***') : text;
}

function scrubCause(cause: unknown): unknown {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code ?? (cause.cause as { code?: unknown } | undefined)?.code;
    return new Error(`${cause.name}${typeof code === 'string' ? ` ${code}` : ''}`);
  }
  return undefined;
}

