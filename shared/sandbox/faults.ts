import type { Context, MiddlewareHandler } from 'hono';

// Fault injection for the sandboxes: tests (and `radar sandbox --fault …`) make a route misbehave the way real
// APIs do, so connectors and the pipeline are proven against it over real HTTP.

export type SandboxApi = 'jira' | 'github' | 'mlflow' | 'copilot';

export type Fault =
  /** Respond with this status (and the API's usual error body unless `body` is given). */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Wait before answering (use a long delay to provoke a client timeout). */
  | { kind: 'delay'; ms: number }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed-json' }
  /** 200 with the real body cut in half. */
  | { kind: 'truncated' }
  /** 200 with an HTML error page (a proxy or login page in front of the API). */
  | { kind: 'html-200' }
  /** The route repeats the cursor/next link it was given (pagination that never ends). */
  | { kind: 'repeat-cursor' }
  /** The API's own rate-limit response (Jira 429 + Retry-After, GitHub 403/429 with x-ratelimit-*, MLflow 429). */
  | { kind: 'rate-limit'; retryAfterSeconds?: number; secondary?: boolean }
  /** Destroy the TCP connection without answering. */
  | { kind: 'reset' };

export interface FaultRule {
  api: SandboxApi;
  /** Substring of, or regular expression over, the request path (without query). */
  path: string | RegExp;
  method?: string;
  fault: Fault;
  /** How many requests it applies to; unlimited when absent. */
  times?: number;
}

/** Holds the active fault rules; shared by the three API simulators of one sandbox. */
export class FaultRegistry {
  private rules: FaultRule[] = [];
  /** Requests seen per API (for tests that count calls). */
  readonly requests: Record<SandboxApi, number> = { jira: 0, github: 0, mlflow: 0, copilot: 0 };

  add(rule: FaultRule): this {
    this.rules.push({ ...rule });
    return this;
  }

  clear(): void {
    this.rules = [];
  }

  /** Returns the fault for this request, consuming one use of a limited rule. */
  take(api: SandboxApi, method: string, path: string): Fault | undefined {
    const rule = this.rules.find(
      (r) =>
        r.api === api &&
        (r.method === undefined || r.method.toUpperCase() === method.toUpperCase()) &&
        (typeof r.path === 'string' ? path.includes(r.path) : r.path.test(path)) &&
        (r.times === undefined || r.times > 0),
    );
    if (rule?.times !== undefined) rule.times -= 1;
    return rule?.fault;
  }
}

/** Variables a faulted route can read: `repeatCursor` asks the route to hand back the cursor it received. */
export type FaultVariables = { repeatCursor: boolean };

/**
 * Hono middleware applying the registry's faults. `renderRateLimit` and `renderError` produce the API's own
 * response shapes (each simulator knows its vendor's headers and error bodies).
 */
export function faultMiddleware(
  api: SandboxApi,
  registry: FaultRegistry,
  render: {
    rateLimit: (c: Context, fault: Extract<Fault, { kind: 'rate-limit' }>) => Response;
    error: (c: Context, status: number) => Response;
  },
): MiddlewareHandler<{ Variables: FaultVariables }> {
  return async (c, next) => {
    registry.requests[api] += 1;
    c.set('repeatCursor', false);
    const fault = registry.take(api, c.req.method, c.req.path);
    if (!fault) return next();
    switch (fault.kind) {
      case 'status': {
        if (fault.body !== undefined) {
          return c.body(fault.body, fault.status as 500, { 'content-type': 'application/json', ...fault.headers });
        }
        const res = render.error(c, fault.status);
        for (const [k, v] of Object.entries(fault.headers ?? {})) res.headers.set(k, v);
        return res;
      }
      case 'delay':
        await new Promise((r) => setTimeout(r, fault.ms));
        return next();
      case 'rate-limit':
        return render.rateLimit(c, fault);
      case 'repeat-cursor':
        c.set('repeatCursor', true);
        return next();
      case 'reset': {
        const incoming = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming;
        incoming?.socket?.destroy();
        return new Response(null, { status: 500 });
      }
      case 'malformed-json':
        return c.body('{"items": [ {"id": 1, ', 200, { 'content-type': 'application/json' });
      case 'html-200':
        return c.body('<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>', 200, {
          'content-type': 'text/html; charset=utf-8',
        });
      case 'truncated': {
        await next();
        const text = await c.res.text();
        c.res = new Response(text.slice(0, Math.floor(text.length / 2)), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
        return;
      }
    }
  };
}

/**
 * Parses a `--fault` option: `API:PATH=KIND[:ARG][xTIMES]`, e.g. `github:/pulls=status:500`,
 * `jira:/search/jql=rate-limit:2`, `mlflow:runs/search=delay:5000`, `github:/reviews=reset x3`.
 */
export function parseFaultSpec(spec: string): FaultRule {
  const m = /^(jira|github|mlflow|copilot):([^=]+)=([a-z0-9-]+)(?::(\d+))?(?:\s*x(\d+))?$/.exec(spec.trim());
  if (!m) {
    throw new Error(`cannot read fault "${spec}": expected API:PATH=KIND[:ARG][xTIMES], e.g. github:/pulls=status:500`);
  }
  const [, api, path, kind, arg, times] = m as unknown as [string, SandboxApi, string, string, string?, string?];
  const n = arg === undefined ? undefined : Number(arg);
  let fault: Fault;
  switch (kind) {
    case 'status':
      fault = { kind, status: n ?? 500 };
      break;
    case 'delay':
      fault = { kind, ms: n ?? 30_000 };
      break;
    case 'rate-limit':
      fault = { kind, retryAfterSeconds: n ?? 1 };
      break;
    case 'secondary-rate-limit':
      fault = { kind: 'rate-limit', retryAfterSeconds: n ?? 1, secondary: true };
      break;
    case 'malformed-json':
    case 'truncated':
    case 'html-200':
    case 'repeat-cursor':
    case 'reset':
      fault = { kind };
      break;
    default:
      throw new Error(`unknown fault kind "${kind}" in "${spec}"`);
  }
  return { api, path, fault, ...(times ? { times: Number(times) } : {}) };
}
