import { listUnits, MLFLOW_REGISTRY_BINDING_ID, type OrgConfig } from '../../org/index.js';
import type { CollectContext, CollectOutcome, Cursor } from '../contract.js';
import { SourceAuthError, SourceError } from '../errors.js';
import {
  basicAuthorization,
  bearerAuthorization,
  forEachTokenPage,
  HttpClient,
  rawPageEmitter,
  type HttpClientOptions,
} from '../http/index.js';
import { collectMlflowRegistry, repeatedToken } from './registry.js';
import { getExperimentSchema, keepConventionTags, MLFLOW_ALLOW_LISTS, runsPageSchema } from './schemas.js';

// MLflow collection for one unit binding: experiments resolved by name (ids cached in the cursor) and runs from
// one runs/search over all the binding's experiments with a start_time window (max_results 50,000, the API maximum).
// Runs still RUNNING at the last sync keep the window open from their start, so their final status is read later.
// An unchanged binding costs 1 request (none with only models): the runs search, as nothing else tells of a new or
// finished run (the SQL store's create_run and update_run_info leave the experiment's last_update_time alone). The
// registered models the unit binds are read by the organisation's registry binding (./registry.ts), once for all
// units.

const RUNS_PAGE = 50_000;
const OVERLAP_MS = 60_000;
/** The id prefix of model versions a unit binding stored before the registry binding (`mlflow:model-version:<name>/<v>`). */
const LEGACY_VERSION_ID_PREFIX = 'mlflow:model-version:';
const FULL_EVERY_MS = 7 * 86_400_000;

/** What the MLflow connector remembers between runs. */
export interface MlflowCursor {
  v: 1;
  /** Experiment name → id, resolved on the last full pass. */
  experiments: Record<string, string>;
  /** Epoch ms: the next runs/search starts here. */
  runsFrom: number;
  lastFullAt: string;
  /**
   * Written by the connector before the registry binding (`org/mlflow`) took over the registered models: a cursor
   * that has it means this binding still stores model versions, which the next sync drops.
   */
  models?: Record<string, unknown>;
}

export interface MlflowCollectOptions {
  http?: Pick<HttpClientOptions, 'timeoutMs' | 'retry' | 'random'>;
}

function readCursor(c: Cursor | null): MlflowCursor | null {
  if (c === null) return null;
  if (c.v === 1 && typeof c.runsFrom === 'number' && typeof c.lastFullAt === 'string' && c.experiments !== null && typeof c.experiments === 'object') {
    return c as unknown as MlflowCursor;
  }
  return null;
}

function authorisation(org: OrgConfig, credentials: Readonly<Record<string, string>>, where: { source: string; bindingId: string; path: string }): string | null {
  const auth = org.sources.mlflow?.auth;
  if (!auth || auth.kind === 'none') return null;
  if (auth.kind === 'bearer') {
    const token = credentials[auth.tokenEnv];
    if (!token) throw new SourceAuthError({ ...where, reason: `missing credential: set ${auth.tokenEnv}` });
    return bearerAuthorization(token);
  }
  const user = credentials[auth.usernameEnv];
  const password = credentials[auth.passwordEnv];
  if (!user || !password) throw new SourceAuthError({ ...where, reason: `missing credential: set ${auth.usernameEnv} and ${auth.passwordEnv}` });
  return basicAuthorization(user, password);
}

/**
 * Collects one MLflow binding incrementally from its cursor: a unit's experiments and runs, or the organisation's
 * registry binding (`org/mlflow`, ./registry.ts); calls ctx.onPage for every page before moving on.
 */
export async function collectMlflow(ctx: CollectContext, opts: MlflowCollectOptions = {}): Promise<CollectOutcome> {
  const source = ctx.org.sources.mlflow;
  const registry = ctx.binding.id === MLFLOW_REGISTRY_BINDING_ID;
  const binding = listUnits(ctx.org).find((u) => u.ref === ctx.binding.unit)?.sources.mlflow;
  const where = { source: 'mlflow', bindingId: ctx.binding.id, path: '/' };
  if (!source || (!binding && !registry)) throw new SourceError('NOT_CONFIGURED', { ...where, reason: 'no MLflow source or binding in the configuration' });
  const client = new HttpClient({
    source: 'mlflow',
    bindingId: ctx.binding.id,
    baseUrl: source.baseUrl,
    authorization: authorisation(ctx.org, ctx.credentials, where),
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...opts.http,
  });
  const emit = rawPageEmitter('mlflow', ctx, MLFLOW_ALLOW_LISTS);
  if (registry || binding === undefined) return collectMlflowRegistry(ctx, client, emit, where);

  const cursor = readCursor(ctx.cursor);
  const asOfMs = Date.parse(ctx.asOf);
  const names = binding.experiments ?? [];
  const fullPass = cursor === null || asOfMs - Date.parse(cursor.lastFullAt) >= FULL_EVERY_MS || names.some((n) => cursor.experiments[n] === undefined);
  const notes: string[] = [];

  // 1. Experiments by name: on full passes (new names, renamed ids) only; otherwise the cached ids.
  const experiments: Record<string, string> = fullPass ? {} : { ...cursor.experiments };
  if (fullPass) {
    for (const name of names) {
      const res = await client.getJson(`/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`, getExperimentSchema);
      await emit('experiment', res);
      experiments[name] = res.body.experiment.experiment_id;
    }
  }

  // 2. Runs in the window, across all the binding's experiments at once.
  let runsFrom = cursor === null ? Date.parse(ctx.since) : cursor.runsFrom;
  let nextFrom = Math.max(runsFrom, asOfMs - OVERLAP_MS);
  let runCount = 0;
  const ids = names.map((n) => experiments[n]).filter((x): x is string => x !== undefined);
  if (ids.length > 0) {
    const runsPage = (token: string | undefined) =>
      client.postJson('/api/2.0/mlflow/runs/search', {
        experiment_ids: ids,
        filter: `attributes.start_time >= ${runsFrom} AND attributes.start_time <= ${asOfMs}`,
        run_view_type: 'ACTIVE_ONLY',
        max_results: RUNS_PAGE,
        order_by: ['attributes.start_time ASC'],
        ...(token === undefined ? {} : { page_token: token }),
      }, runsPageSchema);
    await forEachTokenPage(runsPage, (res) => res.body.next_page_token, async (res) => {
      await emit('runs', { ...res, body: keepConventionTags(res.body) });
      for (const run of res.body.runs ?? []) {
        runCount++;
        if (run.info.status === 'RUNNING' || run.info.status === 'SCHEDULED') nextFrom = Math.min(nextFrom, run.info.start_time);
      }
    }, repeatedToken(where, '/api/2.0/mlflow/runs/search'));
  }
  runsFrom = nextFrom;

  notes.push(`runs: ${runCount}${fullPass ? ', full pass' : ''}`);

  // Model versions stored by the connector before the registry binding: dropped here, now stored by `org/mlflow`.
  const handedOver = cursor?.models !== undefined;
  const next: MlflowCursor = { v: 1, experiments, runsFrom, lastFullAt: fullPass ? ctx.asOf : (cursor as MlflowCursor).lastFullAt };
  return { cursor: { ...next }, requests: client.requests, notes, ...(handedOver ? { removedIdPrefixes: [LEGACY_VERSION_ID_PREFIX] } : {}) };
}
