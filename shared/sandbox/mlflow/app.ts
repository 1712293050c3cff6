import { Hono, type Context } from 'hono';
import { faultMiddleware, type FaultRegistry, type FaultVariables } from '../faults.js';
import { matches, MlflowFilterError, parseFilter, parseOrderBy, type Clause, type Entity } from './filter.js';
import type { MlflowModelVersion, MlflowRun, MlflowWorld } from './world.js';
import { registerMlflowWeb } from './web.js';

// MLflow tracking server REST 2.0 as the connector uses it. Quirks kept: runs/search is POST only and allows up
// to 50,000 results a page; registry searches are GET; page tokens are base64 JSON offsets; errors are
// {"error_code", "message"} with MLflow's HTTP status mapping; basic auth answers 401 with WWW-Authenticate;
// empty lists are left out of responses, as protobuf JSON serialisation does (`{}` for no runs). As the OSS SQL
// store does (its ModelVersion to_mlflow_entity hard-codes `aliases=[]`; mlflow#9783), model versions come
// without aliases from model-versions/search; aliases are on the registered model (registered-models/get|search,
// `aliases: [{alias, version}]`). Basic auth answers 401 in plain text with WWW-Authenticate, 403 "Permission denied".

type Env = { Variables: FaultVariables };

const STATUS_OF: Record<string, number> = {
  RESOURCE_DOES_NOT_EXIST: 404,
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  ENDPOINT_NOT_FOUND: 404,
  REQUEST_LIMIT_EXCEEDED: 429,
  TEMPORARILY_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};
const CODE_OF: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'ENDPOINT_NOT_FOUND',
  429: 'REQUEST_LIMIT_EXCEEDED',
  500: 'INTERNAL_ERROR',
  502: 'TEMPORARILY_UNAVAILABLE',
  503: 'TEMPORARILY_UNAVAILABLE',
  504: 'TEMPORARILY_UNAVAILABLE',
};

function mlflowError(c: Context, code: string, message: string, status = STATUS_OF[code] ?? 500, headers: Record<string, string> = {}): Response {
  return c.json({ error_code: code, message }, status as 400, headers);
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

function decodeToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const o = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof o.offset === 'number' && Number.isInteger(o.offset) && o.offset >= 0) return o.offset;
  } catch {
    // fall through to the error below
  }
  throw new MlflowFilterError('Invalid page token, could not base64-decode');
}

function maxResultsOf(raw: unknown, dflt: number, max: number): number {
  if (raw === undefined || raw === null || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new MlflowFilterError(`Invalid value ${String(raw)} for parameter 'max_results' supplied.`);
  if (n > max) throw new MlflowFilterError(`Invalid value ${n} for parameter 'max_results' supplied. It must be at most ${max}, but got value ${n}`);
  return n;
}

/** Slices one page and builds `next_page_token`, repeating the received token when the fault asks for it. */
function paginate<T>(c: Context<Env>, items: T[], token: string | undefined, asked: number, cap: number): { page: T[]; next?: string } {
  const size = Math.min(asked, cap);
  const offset = decodeToken(token);
  const page = items.slice(offset, offset + size);
  if (c.get('repeatCursor') && token) return { page, next: token };
  if (offset + size >= items.length) return { page };
  return { page, next: encodeToken(offset + size) };
}

function runValue(run: MlflowRun, entity: Entity, key: string): string | number | null | undefined {
  switch (entity) {
    case 'metric':
      return run.data.metrics.find((m) => m.key === key)?.value;
    case 'param':
      return run.data.params.find((p) => p.key === key)?.value;
    case 'tag':
      return run.data.tags.find((t) => t.key === key)?.value;
    case 'attribute': {
      const k = key === 'created' || key === 'Created' ? 'start_time' : key;
      if (!['start_time', 'end_time', 'status', 'run_name', 'run_id', 'user_id', 'artifact_uri', 'lifecycle_stage'].includes(k)) {
        throw new MlflowFilterError(`Invalid attribute key '${key}' specified. Valid keys are '['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time', 'created']'`);
      }
      return (run.info as unknown as Record<string, string | number | undefined>)[k];
    }
  }
}

function versionValue(mv: MlflowModelVersion, entity: Entity, key: string): string | number | null | undefined {
  if (entity === 'tag') return mv.tags.find((t) => t.key === key)?.value;
  if (entity !== 'attribute') throw new MlflowFilterError(`Invalid entity type '${entity}' for model version search.`);
  switch (key) {
    case 'name':
    case 'run_id':
    case 'source':
    case 'current_stage':
      return mv[key];
    case 'version_number':
      return Number(mv.version);
    case 'source_path':
      return mv.source;
    default:
      throw new MlflowFilterError(`Invalid attribute name '${key}' for model version search.`);
  }
}

function sortBy<T>(items: T[], order: { entity: Entity; key: string; desc: boolean }[], value: (x: T, e: Entity, k: string) => string | number | null | undefined): T[] {
  return [...items].sort((a, b) => {
    for (const o of order) {
      const va = value(a, o.entity, o.key);
      const vb = value(b, o.entity, o.key);
      if (va === vb) continue;
      // MLflow puts missing values last whatever the direction.
      if (va === undefined || va === null) return 1;
      if (vb === undefined || vb === null) return -1;
      if (va < vb) return o.desc ? 1 : -1;
      if (va > vb) return o.desc ? -1 : 1;
    }
    return 0;
  });
}

function filterAll<T>(items: T[], clauses: Clause[], value: (x: T, e: Entity, k: string) => string | number | null | undefined): T[] {
  return items.filter((x) => clauses.every((c) => matches(value(x, c.entity, c.key), c)));
}

/** A model version as the OSS SQL store serves it: never with aliases (empty repeated fields are left out). */
function renderVersion(mv: MlflowModelVersion): Omit<MlflowModelVersion, 'aliases'> {
  const { aliases: _aliases, ...rest } = mv;
  return rest;
}

/**
 * A registered model with its aliases; empty lists left out as protobuf JSON does, and no user_id
 * (model_registry.proto: "NOTE: this field is not currently returned").
 */
function renderModel<T extends { aliases: unknown[]; tags: unknown[]; user_id?: string }>(m: T): Omit<T, 'aliases' | 'tags' | 'user_id'> & { aliases?: unknown[]; tags?: unknown[] } {
  const { aliases, tags, user_id: _userId, ...rest } = m;
  return { ...rest, ...(aliases.length > 0 ? { aliases } : {}), ...(tags.length > 0 ? { tags } : {}) };
}

function stringList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return [v];
  return [];
}

/** Builds the MLflow tracking server simulator over a world; `isAuthorised` checks the Authorization header. */
export function buildMlflowApp(world: MlflowWorld, faults: FaultRegistry, isAuthorised: (header: string | undefined) => boolean): Hono<Env> {
  const app = new Hono<Env>();
  const base = '/api/2.0/mlflow';

  app.use('*', async (c, next) => {
    world.requestLog.push({ method: c.req.method, path: c.req.path, authorised: isAuthorised(c.req.header('authorization')) });
    await next();
  });
  registerMlflowWeb(app, world); // web views of experiments, runs and model versions, without the API's auth (issue 17)
  app.use(
    '*',
    faultMiddleware('mlflow', faults, {
      rateLimit: (c, fault) =>
        mlflowError(c, 'REQUEST_LIMIT_EXCEEDED', 'Too many requests. Please retry later.', 429, { 'Retry-After': String(fault.retryAfterSeconds ?? 1) }),
      error: (c, status) => mlflowError(c, CODE_OF[status] ?? 'INTERNAL_ERROR', `HTTP ${status}`, status),
    }),
  );
  app.use('*', async (c, next) => {
    if (!isAuthorised(c.req.header('authorization'))) {
      // mlflow/server/auth: make_basic_auth_response() answers in plain text, not the JSON error envelope.
      return c.text('You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.', 401, {
        'WWW-Authenticate': 'Basic realm="mlflow"',
      });
    }
    return next();
  });
  app.onError((e, c) => {
    if (e instanceof MlflowFilterError) return mlflowError(c, 'INVALID_PARAMETER_VALUE', e.reason);
    return mlflowError(c, 'INTERNAL_ERROR', 'Internal server error', 500);
  });

  const searchExperiments = (c: Context<Env>, p: { filter?: string; max_results?: unknown; page_token?: string; order_by: string[]; view_type?: string }): Response => {
    const clauses = parseFilter(p.filter, true);
    const view = p.view_type ?? 'ACTIVE_ONLY';
    const value = (e: (typeof world.experiments)[number], ent: Entity, k: string): string | number | null | undefined => {
      if (ent === 'tag') return e.tags.find((t) => t.key === k)?.value;
      if (!['name', 'creation_time', 'last_update_time', 'experiment_id'].includes(k)) throw new MlflowFilterError(`Invalid attribute key '${k}' specified.`);
      return (e as unknown as Record<string, string | number>)[k];
    };
    const found = sortBy(
      filterAll(
        world.experiments.filter((e) => view === 'ALL' || (view === 'DELETED_ONLY' ? e.lifecycle_stage === 'deleted' : e.lifecycle_stage === 'active')),
        clauses,
        value,
      ),
      [...parseOrderBy(p.order_by, true), { entity: 'attribute', key: 'experiment_id', desc: false }],
      value,
    );
    const { page, next } = paginate(c, found, p.page_token, maxResultsOf(p.max_results, 1000, 50000), world.pageCap);
    return c.json({ ...(page.length > 0 ? { experiments: page } : {}), ...(next ? { next_page_token: next } : {}) });
  };
  app.get(`${base}/experiments/search`, (c) =>
    searchExperiments(c, { filter: c.req.query('filter'), max_results: c.req.query('max_results'), page_token: c.req.query('page_token'), order_by: c.req.queries('order_by') ?? [], view_type: c.req.query('view_type') }),
  );
  app.post(`${base}/experiments/search`, async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    return searchExperiments(c, {
      filter: typeof b.filter === 'string' ? b.filter : undefined,
      max_results: b.max_results,
      page_token: typeof b.page_token === 'string' ? b.page_token : undefined,
      order_by: stringList(b.order_by),
      view_type: typeof b.view_type === 'string' ? b.view_type : undefined,
    });
  });
  app.get(`${base}/experiments/get-by-name`, (c) => {
    const name = c.req.query('experiment_name');
    if (!name) return mlflowError(c, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'experiment_name'.");
    const e = world.experiments.find((x) => x.name === name);
    if (!e) return mlflowError(c, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
    return c.json({ experiment: e });
  });
  app.get(`${base}/experiments/get`, (c) => {
    const id = c.req.query('experiment_id');
    const e = world.experiments.find((x) => x.experiment_id === id);
    if (!e) return mlflowError(c, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id ?? ''} exists`);
    return c.json({ experiment: e });
  });

  app.post(`${base}/runs/search`, async (c) => {
    let b: Record<string, unknown>;
    try {
      b = (await c.req.json()) as Record<string, unknown>;
    } catch {
      return mlflowError(c, 'MALFORMED_REQUEST', 'Request body is not valid JSON', 400);
    }
    const ids = stringList(b.experiment_ids);
    const clauses = parseFilter(typeof b.filter === 'string' ? b.filter : undefined, false);
    const view = typeof b.run_view_type === 'string' ? b.run_view_type : 'ACTIVE_ONLY';
    const size = maxResultsOf(b.max_results, 1000, 50000);
    const order = [
      ...parseOrderBy(stringList(b.order_by), false),
      ...(stringList(b.order_by).length === 0 ? [{ entity: 'attribute' as const, key: 'start_time', desc: true }] : []),
      { entity: 'attribute' as const, key: 'run_id', desc: false },
    ];
    const found = sortBy(
      filterAll(
        world.runs.filter(
          (r) => ids.includes(r.info.experiment_id) && (view === 'ALL' || (view === 'DELETED_ONLY' ? r.info.lifecycle_stage === 'deleted' : r.info.lifecycle_stage === 'active')),
        ),
        clauses,
        runValue,
      ),
      order,
      runValue,
    );
    const { page, next } = paginate(c, found, typeof b.page_token === 'string' ? b.page_token : undefined, size, world.pageCap);
    return c.json({ ...(page.length > 0 ? { runs: page } : {}), ...(next ? { next_page_token: next } : {}) });
  });
  app.get(`${base}/runs/search`, (c) => mlflowError(c, 'ENDPOINT_NOT_FOUND', 'The method GET is not allowed for runs/search; use POST.', 405));
  app.get(`${base}/runs/get`, (c) => {
    const run = world.runs.find((r) => r.info.run_id === c.req.query('run_id'));
    if (!run) return mlflowError(c, 'RESOURCE_DOES_NOT_EXIST', `Run '${c.req.query('run_id') ?? ''}' not found`);
    return c.json({ run });
  });

  app.get(`${base}/registered-models/search`, (c) => {
    const clauses = parseFilter(c.req.query('filter'), true);
    const value = (m: { name: string; tags: { key: string; value: string }[] }, e: Entity, k: string): string | undefined => {
      if (e === 'tag') return m.tags.find((t) => t.key === k)?.value;
      if (k !== 'name') throw new MlflowFilterError(`Invalid attribute key '${k}' specified.`);
      return m.name;
    };
    const found = sortBy(filterAll([...world.models.values()], clauses, value), [...parseOrderBy(c.req.queries('order_by') ?? [], true), { entity: 'attribute', key: 'name', desc: false }], value);
    const { page, next } = paginate(c, found, c.req.query('page_token'), maxResultsOf(c.req.query('max_results'), 100, 1000), world.pageCap);
    const withLatest = page.map((m) => {
      const versions = world.versions.filter((v) => v.name === m.name);
      const latest = new Map<string, MlflowModelVersion>();
      for (const v of versions) latest.set(v.current_stage, v);
      return renderModel({ ...m, latest_versions: [...latest.values()].map(renderVersion) });
    });
    return c.json({ ...(withLatest.length > 0 ? { registered_models: withLatest } : {}), ...(next ? { next_page_token: next } : {}) });
  });
  app.get(`${base}/registered-models/get`, (c) => {
    const m = world.models.get(c.req.query('name') ?? '');
    if (!m) return mlflowError(c, 'RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${c.req.query('name') ?? ''} not found`);
    return c.json({ registered_model: renderModel(m) });
  });

  app.get(`${base}/model-versions/search`, (c) => {
    const clauses = parseFilter(c.req.query('filter'), true);
    const order = [...parseOrderBy(c.req.queries('order_by') ?? [], true), { entity: 'attribute' as const, key: 'name', desc: false }, { entity: 'attribute' as const, key: 'version_number', desc: true }];
    const found = sortBy(filterAll(world.versions, clauses, versionValue), order, versionValue);
    const { page, next } = paginate(c, found, c.req.query('page_token'), maxResultsOf(c.req.query('max_results'), 10000, 10000), world.pageCap);
    return c.json({ ...(page.length > 0 ? { model_versions: page.map(renderVersion) } : {}), ...(next ? { next_page_token: next } : {}) });
  });

  app.notFound((c) => mlflowError(c, 'ENDPOINT_NOT_FOUND', `No API endpoint found for ${c.req.path}`));
  return app;
}
