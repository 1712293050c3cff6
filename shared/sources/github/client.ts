import { Octokit as OctokitCore } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { GraphqlResponseError } from '@octokit/graphql';
import { RequestError } from '@octokit/request-error';

import {
  MalformedPageError, RepeatingCursorError, SourceAuthError, SourceError, SourceHttpError, SourceNetworkError,
} from '../errors.js';
import { GraphqlQueryError, UntrustedUrlError } from './errors.js';

// @octokit/core with only the two plugins we use, not the all-in-one `octokit` package (REST endpoint methods,
// webhooks, app auth): measured by `npm run bench`, that kept every Lambda bundle above 1 MB.
const Octokit = OctokitCore.plugin(throttling, retry);
type Octokit = InstanceType<typeof Octokit>;
// GraphQL queries go through their own client without plugin-throttling: that plugin spaces every POST /graphql at
// least 1 s apart per key, as if it were a content-creating write, while GitHub's 1 s guidance is for mutative
// requests and our queries only read. Rate-limit answers on GraphQL are waited out by graphql() below instead.
const GraphqlOctokit = OctokitCore.plugin(retry);

// The only place the GitHub connector talks HTTP. Our `Octokit` carries plugin-throttling (waits on
// 403/429 rate limits: `retry-after` for secondary limits, `x-ratelimit-reset` for the primary budget) and
// plugin-retry (5xx and network errors with (n+1)² s back-off). We tune both: waits are capped by maxWaitSeconds
// so a collection never sleeps past its deadline, and a wait that would exceed the cap fails the binding with a
// clear reason instead. Every HTTP exchange — retries and 304s included — goes through a counting fetch.

export interface GithubClientOptions {
  baseUrl: string;
  token: string;
  /** Name of the env var holding the token, for error messages (never the value). */
  tokenEnv: string;
  bindingId: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Longest rate-limit wait honoured before failing the binding (default 120 s). */
  maxWaitSeconds?: number;
  /** Retries of one request after rate limits or server errors (default 3). */
  retries?: number;
  /** Base of plugin-retry's (n+1)² back-off for 5xx/network errors, in ms (default 1000). */
  retryBaseMs?: number;
}

export interface GithubResponse {
  /** 204 No Content (some listings answer it instead of `[]`) comes back as status 204 with `data: []`. */
  status: 200 | 204 | 304;
  data: unknown;
  etag: string | null;
  /** Absolute URL of the next page from the Link header, or null on the last page. */
  next: string | null;
  /** Path with query (no host), for RawPage.path. */
  path: string;
  fetchedAt: string;
}

/** Removes host and query string: error messages and logs may show a path, never a query (it can hold secrets). */
export function pathOnly(url: string): string {
  try {
    return new URL(url, 'http://x.invalid').pathname;
  } catch {
    return url.split('?')[0] ?? '';
  }
}

function pathWithQuery(url: string): string {
  const u = new URL(url, 'http://x.invalid');
  return `${u.pathname}${u.search}`;
}

/** Parses `Link: <url>; rel="next", …` into a map of rel → url. */
export function parseLinkHeader(header: string | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="([^"]+)"/.exec(part);
    if (m) for (const rel of (m[2] as string).split(/\s+/)) out[rel] = m[1] as string;
  }
  return out;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Checks a configured base URL: https, or http only on loopback (the local sandboxes), so a token never travels in
 * clear text over a network. Returns the origin every request (and every followed next link) must stay on.
 */
export function trustedOrigin(baseUrl: string, bindingId: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch (cause) {
    throw new UntrustedUrlError({ source: 'github', bindingId, path: '(config)', reason: 'GitHub baseUrl is not a URL', cause });
  }
  if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return u.origin;
  throw new UntrustedUrlError({
    source: 'github', bindingId, path: '(config)',
    reason: `GitHub baseUrl must use https: (plain http: is accepted only for loopback hosts); got ${u.protocol}//${u.hostname}`,
  });
}

/** A small GitHub REST client over octokit with request counting, capped rate-limit waits and typed errors. */
export class GithubClient {
  /** HTTP requests made, including retries and 304s. */
  requests = 0;
  /** GraphQL rate-limit points spent, as GitHub reported them in `rateLimit { cost }`. */
  graphqlPoints = 0;
  private readonly octokit: Octokit;
  private readonly gql: InstanceType<typeof GraphqlOctokit>;
  private readonly o: GithubClientOptions;
  /** The configured API origin: the only host the token is ever sent to. */
  readonly origin: string;
  readonly bindingId: string;
  /** Set when a rate-limit wait was refused because it exceeded maxWaitSeconds. */
  private refusedWait: { seconds: number; kind: 'primary' | 'secondary' } | null = null;

  constructor(o: GithubClientOptions) {
    this.o = o;
    this.origin = trustedOrigin(o.baseUrl, o.bindingId);
    this.bindingId = o.bindingId;
    const baseFetch = o.fetch ?? fetch;
    const counting: typeof fetch = (input, init) => {
      this.requests += 1;
      return baseFetch(input, init);
    };
    const maxWait = o.maxWaitSeconds ?? 120;
    const retries = o.retries ?? 3;
    const decide = (kind: 'primary' | 'secondary') => (retryAfter: number, _opts: unknown, _o: unknown, retryCount: number): boolean => {
      if (retryAfter > maxWait) {
        this.refusedWait = { seconds: retryAfter, kind };
        return false;
      }
      return retryCount < retries;
    };
    this.octokit = new Octokit({
      auth: o.token,
      baseUrl: o.baseUrl.replace(/\/+$/, ''),
      request: { fetch: counting, ...(o.signal ? { signal: o.signal } : {}) },
      // The throttler's limiter is process-wide and keyed by id (10 requests in flight per key). One key per binding
      // lets bindings collected side by side proceed in parallel; the pipeline runs at most settings.maxConcurrency
      // bindings, keeping the total well under GitHub's 100 concurrent requests (secondary limit).
      throttle: { id: `radar:${o.bindingId}`, onRateLimit: decide('primary'), onSecondaryRateLimit: decide('secondary') },
      // 429 is the throttling plugin's to handle (it knows the reset time); retrying it again here would
      // double the wait and escape the cap.
      retry: { doNotRetry: [304, 400, 401, 403, 404, 409, 410, 422, 429, 451], retries, retryAfterBaseValue: o.retryBaseMs ?? 1000 },
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    this.gql = new GraphqlOctokit({
      auth: o.token,
      baseUrl: o.baseUrl.replace(/\/+$/, ''),
      request: { fetch: counting, ...(o.signal ? { signal: o.signal } : {}) },
      retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451], retries, retryAfterBaseValue: o.retryBaseMs ?? 1000 },
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  }

  /** GETs a path (or an absolute next-page URL); a matching `etag` gives `{status: 304}` instead of an error. */
  async get(pathOrUrl: string, etag?: string | null): Promise<GithubResponse> {
    const url = /^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl) ? pathOrUrl : `${this.o.baseUrl.replace(/\/+$/, '')}${pathOrUrl}`;
    this.assertTrusted(url);
    try {
      const res = await this.octokit.request({
        method: 'GET', url, headers: etag ? { 'if-none-match': etag } : {},
      });
      const headers = res.headers as Record<string, string | undefined>;
      // GitHub documents 204 No Content for some listings with nothing to list (e.g. Copilot reports, contributor
      // stats): that is an empty listing, not a failure.
      const empty = (res.status as number) === 204;
      return {
        status: empty ? 204 : 200, data: empty ? [] : res.data, etag: headers.etag ?? null, next: parseLinkHeader(headers.link).next ?? null,
        path: pathWithQuery(url), fetchedAt: isoDate(headers.date),
      };
    } catch (err) {
      if (err instanceof RequestError && err.status === 304) {
        const headers = (err.response?.headers ?? {}) as Record<string, string | undefined>;
        return { status: 304, data: null, etag: headers.etag ?? etag ?? null, next: null, path: pathWithQuery(url), fetchedAt: isoDate(headers.date) };
      }
      throw this.toSourceError(err, url);
    }
  }

  /**
   * Runs one GraphQL query (POST {baseUrl}/graphql). The query should select `rateLimit { cost remaining resetAt }`:
   * its cost is added to graphqlPoints. A response with `errors` becomes GraphqlQueryError.
   */
  async graphql<T>(
    query: string, variables: Record<string, unknown>, stream: string,
    /** Errors the caller handles itself (e.g. NOT_FOUND for one aliased repository): the partial data is returned. */
    tolerate?: (errors: ReadonlyArray<{ type?: string; path?: ReadonlyArray<string | number> }>) => boolean,
  ): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.graphqlOnce<T>(query, variables, stream);
      } catch (err) {
        if (tolerate && err instanceof GraphqlResponseError && err.data && typeof err.data === 'object' && tolerate(err.errors ?? [])) {
          const cost = (err.data as { rateLimit?: { cost?: unknown } }).rateLimit?.cost;
          if (typeof cost === 'number') this.graphqlPoints += cost;
          return err.data as T;
        }
        const wait = err instanceof RequestError ? rateLimitWaitSeconds(err) : null;
        if (wait === null || attempt >= (this.o.retries ?? 3)) throw this.graphqlError(err, stream);
        if (wait.seconds > (this.o.maxWaitSeconds ?? 120)) {
          this.refusedWait = wait;
          throw this.graphqlError(err, stream);
        }
        await new Promise((r) => setTimeout(r, wait.seconds * 1000));
      }
    }
  }

  private async graphqlOnce<T>(query: string, variables: Record<string, unknown>, stream: string): Promise<T> {
    const path = '/graphql';
    const data = await this.gql.graphql<T>(query, variables);
    // An HTML or truncated answer on a 200 leaves octokit without `data`: malformed, like a REST page would be.
    if (data === null || typeof data !== 'object') {
      throw new MalformedPageError({ source: 'github', bindingId: this.o.bindingId, path, status: 200, reason: `GitHub GraphQL answered no JSON data for ${stream}` });
    }
    const cost = (data as { rateLimit?: { cost?: unknown } } | null)?.rateLimit?.cost;
    if (typeof cost === 'number') this.graphqlPoints += cost;
    return data;
  }

  private graphqlError(err: unknown, stream: string): SourceError {
    const path = '/graphql';
    if (err instanceof SourceError) return err;
    if (err instanceof GraphqlResponseError) {
      const first = (err.errors ?? [])[0];
      return new GraphqlQueryError({
        source: 'github', bindingId: this.o.bindingId, path, cause: err,
        reason: `GitHub GraphQL answered errors for ${stream}: ${(first?.type ? `${first.type}: ` : '') + String(first?.message ?? 'unknown').slice(0, 200)}`,
      });
    }
    return this.toSourceError(err, `${this.o.baseUrl}${path}`);
  }


  /**
   * Next links are followed verbatim (GitHub switches them to `/repositories/{id}/…`), but only on the configured
   * origin: a Link header naming another host must not receive the token.
   */
  private assertTrusted(url: string): void {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      origin = '(unparseable)';
    }
    if (origin !== this.origin) {
      throw new UntrustedUrlError({
        source: 'github', bindingId: this.o.bindingId, path: pathOnly(url),
        reason: `GitHub handed back a next-page link to ${origin}, outside the configured API origin ${this.origin}; not followed (the token is only sent to the configured origin)`,
      });
    }
  }

  /** Follows Link rel="next" from `path`, yielding each page as received; a next link already seen fails. */
  async *pages(path: string, stream: string): AsyncGenerator<GithubResponse> {
    const seen = new Set<string>();
    let next: string | null = path;
    while (next !== null) {
      const key = new URL(next, this.o.baseUrl).toString();
      if (seen.has(key)) {
        throw new RepeatingCursorError({
          source: 'github', bindingId: this.o.bindingId, path: pathOnly(next),
          reason: `GitHub pagination of ${stream} handed back a next link already followed (page loop stopped)`,
        });
      }
      seen.add(key);
      const page = await this.get(next);
      yield page;
      next = page.next;
    }
  }

  private toSourceError(err: unknown, url: string): SourceError {
    const base = { source: 'github', bindingId: this.o.bindingId, path: pathOnly(url), cause: err };
    if (err instanceof SourceError) return err;
    if (!(err instanceof RequestError)) {
      const name = err instanceof Error ? err.name : 'Error';
      return new SourceNetworkError({ ...base, reason: `GitHub request failed before a response (${name})` });
    }
    const status = err.status;
    const headers = (err.response?.headers ?? {}) as Record<string, string | undefined>;
    const vendorMessage = typeof (err.response?.data as { message?: unknown } | undefined)?.message === 'string'
      ? ((err.response?.data as { message: string }).message).slice(0, 200)
      : '';
    if (!err.response) {
      return new SourceNetworkError({ ...base, reason: `GitHub unreachable after retries: ${plainNetworkMessage(err.message)}` });
    }
    if (status === 401) {
      return new SourceAuthError({ ...base, status, reason: `GitHub rejected the token from environment variable ${this.o.tokenEnv} (401 ${vendorMessage || 'Bad credentials'})` });
    }
    const rateLimited = (status === 403 || status === 429) && (headers['x-ratelimit-remaining'] === '0' || /secondary rate/i.test(vendorMessage) || headers['retry-after'] !== undefined);
    if (rateLimited) {
      const refused = this.refusedWait;
      this.refusedWait = null;
      const reason = refused
        ? `GitHub ${refused.kind} rate limit: the required wait of ${refused.seconds}s exceeds the maximum of ${this.o.maxWaitSeconds ?? 120}s`
        : `GitHub rate limit still exceeded after ${this.o.retries ?? 3} retries (HTTP ${status})`;
      return new SourceHttpError({ ...base, status, reason });
    }
    if (status === 403) {
      return new SourceAuthError({ ...base, status, reason: `GitHub refused access with the token from ${this.o.tokenEnv} (403 ${vendorMessage || 'Forbidden'})` });
    }
    if (status === 404) {
      return new SourceHttpError({ ...base, status, reason: 'GitHub says not found: the repo or team does not exist, or the credential in use has no access to it' });
    }
    return new SourceHttpError({ ...base, status, reason: `GitHub answered HTTP ${status}${vendorMessage ? ` (${vendorMessage})` : ''}` });
  }
}

/**
 * The wait a rate-limited answer asks for (403/429, as plugin-throttling reads them): `retry-after` when given, else
 * until `x-ratelimit-reset` when the budget is spent, else 60 s for a secondary limit; null for any other failure.
 */
function rateLimitWaitSeconds(err: RequestError): { seconds: number; kind: 'primary' | 'secondary' } | null {
  if (err.status !== 403 && err.status !== 429) return null;
  const h = (err.response?.headers ?? {}) as Record<string, string | undefined>;
  const message = String((err.response?.data as { message?: unknown } | undefined)?.message ?? '');
  const secondary = /secondary rate/i.test(message);
  if (h['retry-after'] !== undefined) return { seconds: Number(h['retry-after']), kind: secondary ? 'secondary' : 'primary' };
  if (h['x-ratelimit-remaining'] === '0') return { seconds: Math.max(0, Number(h['x-ratelimit-reset']) - Math.floor(Date.now() / 1000)) + 1, kind: 'primary' };
  return secondary ? { seconds: 60, kind: 'secondary' } : null;
}

/** Error text from undici may quote the URL; keep only its path part. */
function plainNetworkMessage(message: string): string {
  return message.replace(/https?:\/\/[^\s)]+/g, (u) => pathOnly(u)).slice(0, 200);
}

function isoDate(httpDate: string | undefined): string {
  const t = httpDate ? Date.parse(httpDate) : NaN;
  return new Date(Number.isNaN(t) ? Date.now() : t).toISOString();
}
