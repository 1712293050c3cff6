import { listUnits, type OrgConfig } from '../../org/index.js';
import type { CollectContext, CollectOutcome, Cursor } from '../contract.js';
import type * as z from 'zod';
import { RepeatingCursorError, SourceAuthError, SourceError, SourceHttpError } from '../errors.js';
import {
  basicAuthorization,
  bearerAuthorization,
  forEachTokenPage,
  HttpClient,
  rawPageEmitter,
  type HttpClientOptions,
} from '../http/index.js';
import {
  getExperimentSchema,
  getRegisteredModelSchema,
  keepConventionTags,
  MLFLOW_ALLOW_LISTS,
  modelVersionsPageSchema,
  registeredModelsPageSchema,
  runsPageSchema,
} from './schemas.js';

// MLflow collection for one binding: experiments resolved by name (ids cached in the cursor), runs from one
// runs/search over all the binding's experiments with a start_time window (max_results 50,000, the API maximum),
// and the bound registered models (one registered-models/get, or one registered-models/search for several: the
// aliases, which the OSS server never puts on model versions, mlflow#9783) and, when a model changed, its
// versions (model-versions/search, max_results 10,000) with the aliases joined to them. Runs still RUNNING at the
// last sync keep the window open from their start, so their final status is read later. An unchanged binding costs
// 2 requests (1 with only experiments or only models): the runs search, as nothing else tells of a new or finished
// run (the SQL store's create_run and update_run_info leave the experiment's last_update_time alone), and the
// registry read, as an alias move changes no timestamp.

const RUNS_PAGE = 50_000;
const VERSIONS_PAGE = 10_000;
const OVERLAP_MS = 60_000;
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
   * Per bound model, what its versions were last read at: the registered model's last_updated_timestamp (moves
   * when a version is created, transitioned or renamed) and its aliases (`alias=version`, sorted; setting one
   * changes no timestamp). Versions are re-read when either differs, and on every weekly full pass (version tags
   * move neither).
   */
  models?: Record<string, { updated: number; aliases: string }>;
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
 * An MLflow filter string literal. MLflow's parser (sqlparse, then SearchUtils._strip_quotes) only trims the outer
 * quotes and unescapes nothing: a name with a single quote is written in double quotes (which MLflow accepts for
 * values too). A name with both quote kinds cannot be written exactly: callers match it with LIKE instead.
 */
export function quote(s: string): string | null {
  if (!s.includes("'")) return `'${s}'`;
  if (!s.includes('"')) return `"${s}"`;
  return null;
}

type RegisteredModelPage = Awaited<ReturnType<HttpClient['getJson']>> & { body: { registered_model: RegisteredModel } };
type RegisteredModel = NonNullable<z.infer<typeof registeredModelsPageSchema>['registered_models']>[number];

/** The longest common prefix of the names, cut before the first character LIKE or a literal would treat specially. */
function likePrefix(names: readonly string[]): string {
  let p = names[0] ?? '';
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  const cut = p.search(/['"\\%_]/);
  return cut === -1 ? p : p.slice(0, cut);
}

/**
 * Reads the bound registered models in one request where the API allows it, and emits each as a
 * `registered-model:<name>` page. One model: registered-models/get. Several: registered-models/search, because its
 * filter grammar (SearchModelUtils in mlflow/utils/search_utils.py) takes `name` comparisons joined by AND only —
 * no OR, and a list (IN) only for run_id — so several names cannot be asked for exactly; a LIKE on their common
 * prefix narrows the search (max_results 1,000, the API maximum) and paging stops once every bound model was seen.
 * A bound model the registry does not have fails the binding as registered-models/get would (404).
 */
async function readRegistry(
  client: HttpClient, models: readonly string[], emit: (stream: string, page: Parameters<ReturnType<typeof rawPageEmitter>>[1]) => Promise<void>,
  where: { source: string; bindingId: string; path: string },
): Promise<Map<string, RegisteredModelPage>> {
  const found = new Map<string, RegisteredModelPage>();
  if (models.length === 1) {
    const model = models[0] as string;
    const rm = await client.getJson(`/api/2.0/mlflow/registered-models/get?${new URLSearchParams({ name: model }).toString()}`, getRegisteredModelSchema);
    found.set(model, rm);
  } else if (models.length > 1) {
    const wanted = new Set(models);
    const prefix = likePrefix(models);
    const page = (token: string | undefined) => {
      const q = new URLSearchParams({ max_results: '1000' });
      if (prefix) q.set('filter', `name LIKE '${prefix}%'`);
      if (token !== undefined) q.set('page_token', token);
      return client.getJson(`/api/2.0/mlflow/registered-models/search?${q.toString()}`, registeredModelsPageSchema);
    };
    await forEachTokenPage(page, (res) => (models.every((m) => found.has(m)) ? undefined : res.body.next_page_token), async (res) => {
      for (const m of res.body.registered_models ?? []) {
        if (wanted.has(m.name)) found.set(m.name, { ...res, body: { registered_model: m } });
      }
    }, () => new RepeatingCursorError({ ...where, path: '/api/2.0/mlflow/registered-models/search', reason: 'MLflow returned a page_token it had already returned; stopped paging' }));
    const missing = models.find((m) => !found.has(m));
    if (missing !== undefined) {
      throw new SourceHttpError({ ...where, path: '/api/2.0/mlflow/registered-models/search', status: 404, reason: `MLflow has no registered model named ${missing} (RESOURCE_DOES_NOT_EXIST)` });
    }
  }
  for (const model of models) await emit(`registered-model:${model}`, found.get(model) as RegisteredModelPage);
  return found;
}

/** Collects one MLflow binding incrementally from its cursor; calls ctx.onPage for every page before moving on. */
export async function collectMlflow(ctx: CollectContext, opts: MlflowCollectOptions = {}): Promise<CollectOutcome> {
  const source = ctx.org.sources.mlflow;
  const binding = listUnits(ctx.org).find((u) => u.ref === ctx.binding.unit)?.sources.mlflow;
  const where = { source: 'mlflow', bindingId: ctx.binding.id, path: '/' };
  if (!source || !binding) throw new SourceError('NOT_CONFIGURED', { ...where, reason: 'no MLflow source or binding in the configuration' });
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

  const cursor = readCursor(ctx.cursor);
  const asOfMs = Date.parse(ctx.asOf);
  const names = binding.experiments ?? [];
  const models = binding.models ?? [];
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
    }, () => new RepeatingCursorError({ ...where, path: '/api/2.0/mlflow/runs/search', reason: 'MLflow returned a page_token it had already returned; stopped paging' }));
  }
  runsFrom = nextFrom;

  // 3. The bound models' aliases (setting one changes no timestamp, so the registry is read on every sync), and
  //    each model's versions when the model changed since the last read.
  let versionCount = 0;
  const modelsSeen: Record<string, { updated: number; aliases: string }> = {};
  const registry = await readRegistry(client, models, emit, where);
  for (const model of models) {
    const rm = registry.get(model) as RegisteredModelPage;
    const aliasMap: Record<string, string[]> = {};
    for (const a of rm.body.registered_model.aliases ?? []) (aliasMap[a.version] ??= []).push(a.alias);
    for (const list of Object.values(aliasMap)) list.sort();
    const state = {
      updated: rm.body.registered_model.last_updated_timestamp ?? 0,
      aliases: Object.entries(aliasMap).flatMap(([v, as]) => as.map((a) => `${a}=${v}`)).sort().join(','),
    };
    modelsSeen[model] = state;
    const before = cursor?.models?.[model];
    if (!fullPass && before !== undefined && before.updated === state.updated && before.aliases === state.aliases) continue;
    const versionsPage = (token: string | undefined) => {
      // A name with both quote kinds: LIKE with `_` standing for each quote, the other models' versions dropped below.
      const literal = quote(model);
      const filter = literal ? `name = ${literal}` : `name LIKE '${model.replace(/['"%_\\]/g, '_')}'`;
      const q = new URLSearchParams({ filter, max_results: String(VERSIONS_PAGE) });
      if (token !== undefined) q.set('page_token', token);
      return client.getJson(`/api/2.0/mlflow/model-versions/search?${q.toString()}`, modelVersionsPageSchema);
    };
    await forEachTokenPage(versionsPage, (res) => res.body.next_page_token, async (res) => {
      const own = (res.body.model_versions ?? []).filter((v) => v.name === undefined || v.name === model);
      await emit(`model-versions:${model}`, { ...res, body: { ...res.body, ...(res.body.model_versions ? { model_versions: own } : {}) }, parent: { aliases: aliasMap } });
      versionCount += own.length;
    }, () => new RepeatingCursorError({ ...where, path: '/api/2.0/mlflow/model-versions/search', reason: 'MLflow returned a page_token it had already returned; stopped paging' }));
  }
  notes.push(`runs: ${runCount}, model versions: ${versionCount}${fullPass ? ', full pass' : ''}`);

  const next: MlflowCursor = { v: 1, experiments, runsFrom, lastFullAt: fullPass ? ctx.asOf : (cursor as MlflowCursor).lastFullAt, models: modelsSeen };
  return { cursor: { ...next }, requests: client.requests, notes };
}
