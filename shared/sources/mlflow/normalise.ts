import { RUN_TAGS } from '../../org/conventions.js';
import type { Activity, NormaliseContext, RawPage } from '../contract.js';
import { NormaliseError } from '../errors.js';
import {
  getExperimentSchema,
  getRegisteredModelSchema,
  modelVersionsPageSchema,
  registeredModelsPageSchema,
  runsPageSchema,
  versionAliasesSchema,
  versionUnitsSchema,
} from './schemas.js';
import { registryVersionId } from './registry.js';

// Pure: one raw MLflow page in, team-level activities out. Run names, params and free-text tags are not kept;
// user ids only reach the output through ctx.hashActor. Evidence links open the MLflow UI.

function fail(ctx: NormaliseContext, reason: string, cause?: unknown): never {
  throw new NormaliseError({ source: 'mlflow', bindingId: ctx.binding.id, path: ctx.rawKey, reason, ...(cause === undefined ? {} : { cause }) });
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Turns one raw MLflow page into activities (pure); throws NormaliseError on a page it cannot read. */
export function normaliseMlflowPage(page: RawPage, ctx: NormaliseContext): Activity[] {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  const common = { source: 'mlflow' as const, unit: ctx.binding.unit, bindingId: ctx.binding.id };
  if (page.stream === 'experiment') {
    const p = getExperimentSchema.safeParse(page.body);
    if (!p.success) fail(ctx, 'expected {experiment} from experiments/get-by-name', p.error);
    const e = p.data.experiment;
    if (e.creation_time === undefined) return [];
    return [
      {
        ...common,
        id: `mlflow:experiment:${e.experiment_id}`,
        kind: 'experiment',
        at: iso(e.creation_time),
        actor: null,
        url: `${base}/#/experiments/${e.experiment_id}`,
        attrs: { experimentId: e.experiment_id, name: e.name },
        rawRef: { key: ctx.rawKey, index: 0 },
      },
    ];
  }
  if (page.stream === 'runs') {
    const p = runsPageSchema.safeParse(page.body);
    if (!p.success) fail(ctx, 'expected {runs} from runs/search', p.error);
    return (p.data.runs ?? []).map((run, index) => {
      const tag = (k: string): string | null => run.data?.tags?.find((t) => t.key === k)?.value ?? null;
      return {
        ...common,
        id: `mlflow:run:${run.info.run_id}`,
        kind: 'ml-run',
        at: iso(run.info.start_time),
        actor: run.info.user_id ? ctx.hashActor(run.info.user_id) : null,
        url: `${base}/#/experiments/${run.info.experiment_id}/runs/${run.info.run_id}`,
        attrs: {
          experimentId: run.info.experiment_id,
          status: run.info.status,
          endAt: typeof run.info.end_time === 'number' ? iso(run.info.end_time) : null,
          trigger: tag(RUN_TAGS.trigger),
          sourceType: tag(RUN_TAGS.sourceType),
          metricCount: run.data?.metrics?.length ?? 0,
        },
        rawRef: { key: ctx.rawKey, index },
      };
    });
  }
  if (page.stream.startsWith('model-versions:')) {
    const p = modelVersionsPageSchema.safeParse(page.body);
    if (!p.success) fail(ctx, 'expected {model_versions} from model-versions/search', p.error);
    // The OSS server leaves version aliases empty; the connector joins the registered model's (page.parent).
    const joined = versionAliasesSchema.safeParse(page.parent?.aliases);
    const aliasesOf = (version: string, own: readonly string[] | undefined): string[] =>
      [...new Set([...(own ?? []), ...(joined.success ? (joined.data[version] ?? []) : [])])].sort();
    // The organisation's registry binding names the units that bind the model: each gets its own copy of a version.
    // Pages of a unit's own binding (stored before the registry binding) carry no units and belong to that unit.
    let units: readonly string[] | null = null;
    if (page.parent?.units !== undefined) {
      const u = versionUnitsSchema.safeParse(page.parent.units);
      if (!u.success) fail(ctx, 'expected the units binding the model as the model-versions page parent', u.error);
      units = u.data;
    }
    return (p.data.model_versions ?? []).flatMap((mv, index) => {
      const activity = (unit: string, id: string): Activity => ({
        ...common,
        unit,
        id,
        kind: 'model-version',
        at: iso(mv.creation_timestamp),
        actor: mv.user_id ? ctx.hashActor(mv.user_id) : null,
        url: `${base}/#/models/${encodeURIComponent(mv.name)}/versions/${mv.version}`,
        attrs: {
          model: mv.name,
          version: mv.version,
          stage: mv.current_stage ?? 'None',
          aliases: aliasesOf(mv.version, mv.aliases),
          status: mv.status ?? 'READY',
          runId: mv.run_id ? mv.run_id : null,
          tags: [...new Set((mv.tags ?? []).map((t) => t.key))].sort(),
          updatedAt: iso(mv.last_updated_timestamp ?? mv.creation_timestamp),
        },
        rawRef: { key: ctx.rawKey, index },
      });
      if (units === null) return [activity(ctx.binding.unit, `mlflow:model-version:${mv.name}/${mv.version}`)];
      return units.map((unit) => activity(unit, registryVersionId(unit, mv.name, mv.version)));
    });
  }
  if (page.stream.startsWith('registered-model:')) {
    // Aliases reach activities through the model-versions pages they are joined to; this page is the record.
    const p = getRegisteredModelSchema.safeParse(page.body);
    if (!p.success) fail(ctx, 'expected {registered_model} from registered-models/get', p.error);
    return [];
  }
  if (page.stream.startsWith('registered-models:')) {
    // Aliases and tags are read from the versions; the model list is kept raw for the record only.
    const p = registeredModelsPageSchema.safeParse(page.body);
    if (!p.success) fail(ctx, 'expected {registered_models} from registered-models/search', p.error);
    return [];
  }
  return fail(ctx, `unknown MLflow stream '${page.stream}'`);
}
