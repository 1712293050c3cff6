import { boundModels } from '../../org/index.js';
import type { CollectContext, CollectOutcome, Cursor } from '../contract.js';
import type * as z from 'zod';
import { RepeatingCursorError } from '../errors.js';
import { forEachTokenPage, type HttpClient, type rawPageEmitter } from '../http/index.js';
import { modelVersionsPageSchema, registeredModelsPageSchema } from './schemas.js';

// The organisation's MLflow registry binding (`org/mlflow`): one registered-models/search per run reads the aliases
// of every model the org config binds (an alias move changes no timestamp, so the registry must be read on every
// sync), and a model's versions (model-versions/search) are read only when the model changed: its
// last_updated_timestamp (a version created, transitioned or renamed), its aliases, or the units binding it. Every
// model is re-read on the weekly full pass (version tags move no timestamp either). Read once for the organisation
// instead of once per unit binding, an unchanged registry costs one request for all units (the search filter takes
// no OR and no list of names, so per-unit reads could not be batched).

const VERSIONS_PAGE = 10_000;
/** registered-models/search's max_results ceiling (SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD). */
const MODELS_PAGE = 1_000;
const FULL_EVERY_MS = 7 * 86_400_000;

/** What the registry binding remembers between runs. */
export interface MlflowRegistryCursor {
  v: 1;
  kind: 'registry';
  lastFullAt: string;
  /**
   * Per bound model, what its versions were last read at: the registered model's last_updated_timestamp, its aliases
   * (`alias=version`, sorted) and the units binding it (comma-joined, sorted).
   */
  models: Record<string, { updated: number; aliases: string; units: string }>;
}

function readCursor(c: Cursor | null): MlflowRegistryCursor | null {
  if (c === null || c.v !== 1 || c.kind !== 'registry' || typeof c.lastFullAt !== 'string') return null;
  if (c.models === null || typeof c.models !== 'object') return null;
  return c as unknown as MlflowRegistryCursor;
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

/** The longest common prefix of the names, cut before the first character LIKE or a literal would treat specially. */
function likePrefix(names: readonly string[]): string {
  let p = names[0] ?? '';
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  const cut = p.search(/['"\\%_]/);
  return cut === -1 ? p : p.slice(0, cut);
}

type RegisteredModel = NonNullable<z.infer<typeof registeredModelsPageSchema>['registered_models']>[number];
type Emit = ReturnType<typeof rawPageEmitter>;
type Where = { source: string; bindingId: string; path: string };

/** The error forEachTokenPage raises when an MLflow listing hands back a page_token it already gave. */
export function repeatedToken(where: Where, path: string): () => RepeatingCursorError {
  return () => new RepeatingCursorError({ ...where, path, reason: 'MLflow returned a page_token it had already returned; stopped paging' });
}

/** The registry search filter for the bound names: `name = '…'` for one, a LIKE on their common prefix for several. */
function searchFilter(models: readonly string[]): string | null {
  if (models.length === 1) {
    const literal = quote(models[0] as string);
    if (literal !== null) return `name = ${literal}`;
  }
  const prefix = likePrefix(models);
  return prefix === '' ? null : `name LIKE '${prefix}%'`;
}

/**
 * Reads the bound registered models with registered-models/search (max_results 1,000, paging stops once every bound
 * model was seen; SearchModelUtils in mlflow/utils/search_utils.py joins `name` comparisons by AND only) and emits
 * each found one as a `registered-model:<name>` page. Models the registry does not have are returned as missing:
 * one team's misnamed model must not stop the registry read of every other unit.
 */
async function readRegistry(client: HttpClient, models: readonly string[], emit: Emit, where: Where): Promise<{ found: Map<string, RegisteredModel>; missing: string[] }> {
  const found = new Map<string, { model: RegisteredModel; res: Awaited<ReturnType<HttpClient['getJson']>> }>();
  if (models.length > 0) {
    const wanted = new Set(models);
    const filter = searchFilter(models);
    const page = (token: string | undefined) => {
      const q = new URLSearchParams({ max_results: String(MODELS_PAGE) });
      if (filter !== null) q.set('filter', filter);
      if (token !== undefined) q.set('page_token', token);
      return client.getJson(`/api/2.0/mlflow/registered-models/search?${q.toString()}`, registeredModelsPageSchema);
    };
    await forEachTokenPage(page, (res) => (found.size === wanted.size ? undefined : res.body.next_page_token), async (res) => {
      for (const m of res.body.registered_models ?? []) if (wanted.has(m.name)) found.set(m.name, { model: m, res });
    }, repeatedToken(where, '/api/2.0/mlflow/registered-models/search'));
    // One page per bound model, as registered-models/get would answer it: other teams' models are never stored.
    for (const name of models) {
      const hit = found.get(name);
      if (hit !== undefined) await emit(`registered-model:${name}`, { ...hit.res, body: { registered_model: hit.model } });
    }
  }
  return { found: new Map([...found].map(([name, hit]) => [name, hit.model])), missing: models.filter((m) => !found.has(m)) };
}

/** Collects the organisation's MLflow registry binding from its cursor; calls ctx.onPage for every page. */
export async function collectMlflowRegistry(ctx: CollectContext, client: HttpClient, emit: Emit, where: Where): Promise<CollectOutcome> {
  const bound = boundModels(ctx.org);
  const cursor = readCursor(ctx.cursor);
  const fullPass = cursor === null || Date.parse(ctx.asOf) - Date.parse(cursor.lastFullAt) >= FULL_EVERY_MS;
  const models = [...bound.keys()];
  const { found, missing } = await readRegistry(client, models, emit, where);

  let versionCount = 0;
  let modelsRead = 0;
  const seen: MlflowRegistryCursor['models'] = {};
  for (const model of models) {
    const rm = found.get(model);
    if (rm === undefined) continue;
    const units = bound.get(model) ?? [];
    const aliasMap: Record<string, string[]> = {};
    for (const a of rm.aliases ?? []) (aliasMap[a.version] ??= []).push(a.alias);
    for (const list of Object.values(aliasMap)) list.sort();
    const state = {
      updated: rm.last_updated_timestamp ?? 0,
      aliases: Object.entries(aliasMap).flatMap(([v, as]) => as.map((a) => `${a}=${v}`)).sort().join(','),
      units: units.join(','),
    };
    seen[model] = state;
    const before = cursor?.models[model];
    if (!fullPass && before !== undefined && before.updated === state.updated && before.aliases === state.aliases && before.units === state.units) continue;
    modelsRead++;
    // A name with both quote kinds: LIKE with `_` standing for each quote, the other models' versions dropped below.
    const literal = quote(model);
    const filter = literal ? `name = ${literal}` : `name LIKE '${model.replace(/['"%_\\]/g, '_')}'`;
    const versionsPage = (token: string | undefined) => {
      const q = new URLSearchParams({ filter, max_results: String(VERSIONS_PAGE) });
      if (token !== undefined) q.set('page_token', token);
      return client.getJson(`/api/2.0/mlflow/model-versions/search?${q.toString()}`, modelVersionsPageSchema);
    };
    await forEachTokenPage(versionsPage, (res) => res.body.next_page_token, async (res) => {
      const own = (res.body.model_versions ?? []).filter((v) => v.name === undefined || v.name === model);
      await emit(`model-versions:${model}`, {
        ...res, body: { ...res.body, ...(res.body.model_versions ? { model_versions: own } : {}) }, parent: { aliases: aliasMap, units },
      });
      versionCount += own.length;
    }, repeatedToken(where, '/api/2.0/mlflow/model-versions/search'));
  }

  // A unit that no longer binds a model (or a model no longer bound at all) drops the versions stored for it.
  const removedIdPrefixes: string[] = [];
  for (const [model, before] of Object.entries(cursor?.models ?? {})) {
    const now = new Set(bound.get(model) ?? []);
    for (const unit of before.units.split(',')) if (unit !== '' && !now.has(unit)) removedIdPrefixes.push(registryVersionIdPrefix(unit, model));
  }

  const notes = [`registered models: ${found.size} of ${models.length} bound, ${modelsRead} re-read, model versions: ${versionCount}${fullPass ? ', full pass' : ''}`];
  if (missing.length > 0) notes.push(`registered models the registry does not have: ${missing.length}`);
  const next: MlflowRegistryCursor = { v: 1, kind: 'registry', lastFullAt: fullPass ? ctx.asOf : (cursor as MlflowRegistryCursor).lastFullAt, models: seen };
  return { cursor: { ...next }, requests: client.requests, notes, ...(removedIdPrefixes.length > 0 ? { removedIdPrefixes } : {}) };
}

/** The id of a model version as the registry binding stores it for one unit that binds the model. */
export function registryVersionId(unit: string, model: string, version: string): string {
  return `${registryVersionIdPrefix(unit, model)}${version}`;
}

/** The id prefix of every version of `model` the registry binding stores for `unit`. */
export function registryVersionIdPrefix(unit: string, model: string): string {
  return `mlflow:model-version:${unit}:${model}/`;
}
