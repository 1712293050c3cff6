import * as z from 'zod';
import { RUN_TAGS } from '../../org/conventions.js';
import type { FieldSpec, StreamAllowList } from '../allow-list.js';

// The documented shapes of the MLflow pages we read (REST 2.0, mlflow/protos/service.proto and
// model_registry.proto), and next to each the allow-list of what is kept of it raw. Empty lists may be left out
// entirely, as protobuf JSON does, so every list is optional. Objects are loose. test/conformance/mlflow-protos.test.ts
// holds the sandbox's responses against the protos' field names and types.

const kv = z.looseObject({ key: z.string(), value: z.string().optional() });

export const experimentSchema = z.looseObject({
  experiment_id: z.string(),
  name: z.string(),
  creation_time: z.number().optional(),
  last_update_time: z.number().optional(),
});

/** GET experiments/get-by-name */
export const getExperimentSchema = z.looseObject({ experiment: experimentSchema });

export const runSchema = z.looseObject({
  info: z.looseObject({
    run_id: z.string(),
    experiment_id: z.string(),
    user_id: z.string().optional(),
    status: z.string(),
    start_time: z.number(),
    end_time: z.number().nullable().optional(),
  }),
  data: z
    .looseObject({
      metrics: z.array(z.looseObject({ key: z.string() })).optional(),
      tags: z.array(kv).optional(),
    })
    .optional(),
});

/** POST runs/search */
export const runsPageSchema = z.looseObject({ runs: z.array(runSchema).optional(), next_page_token: z.string().optional() });

export const modelVersionSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  creation_timestamp: z.number(),
  last_updated_timestamp: z.number().optional(),
  user_id: z.string().optional(),
  current_stage: z.string().optional(),
  run_id: z.string().optional(),
  status: z.string().optional(),
  tags: z.array(kv).optional(),
  aliases: z.array(z.string()).optional(),
});

/** GET model-versions/search */
export const modelVersionsPageSchema = z.looseObject({
  model_versions: z.array(modelVersionSchema).optional(),
  next_page_token: z.string().optional(),
});

const registeredModel = z.looseObject({
  name: z.string(),
  last_updated_timestamp: z.number().optional(),
  aliases: z.array(z.looseObject({ alias: z.string(), version: z.string() })).optional(),
});

/** GET registered-models/search */
export const registeredModelsPageSchema = z.looseObject({
  registered_models: z.array(registeredModel).optional(),
  next_page_token: z.string().optional(),
});

/** GET registered-models/get: the registered model with its aliases (the only place the OSS server serves them). */
export const getRegisteredModelSchema = z.looseObject({ registered_model: registeredModel });

/** Version → aliases, from the registered model; carried as a model-versions page's parent. */
export const versionAliasesSchema = z.record(z.string(), z.array(z.string()));

/** The units that bind a model, carried as a model-versions page's parent by the organisation's registry binding. */
export const versionUnitsSchema = z.array(z.string().regex(/^(pod|domain|network|lab):[a-z][a-z0-9-]*$|^steering$/)).min(1);

// ---- Allow-lists: exactly what normalise.ts reads, per stream. ------------------------------------------------

const versionSpec: FieldSpec = {
  name: true,
  version: true,
  creation_timestamp: true,
  last_updated_timestamp: true,
  user_id: 'person',
  current_stage: true,
  run_id: true,
  status: true,
  // Tag keys only: the normaliser lists keys (governance evidence); values may be free text.
  tags: [{ key: true }],
  aliases: true,
};

/** What is kept raw of each MLflow stream (the stream kind is the part before `:`). */
export const MLFLOW_ALLOW_LISTS: Readonly<Record<string, StreamAllowList>> = {
  experiment: { body: { experiment: { experiment_id: true, name: true, creation_time: true, last_update_time: true } } },
  runs: {
    body: {
      next_page_token: true,
      runs: [
        {
          info: { run_id: true, experiment_id: true, user_id: 'person', status: true, start_time: true, end_time: true },
          // Only the convention tags survive keepConventionTags; metric keys are counted, never their values.
          data: { metrics: [{ key: true }], tags: [{ key: true, value: true }] },
        },
      ],
    },
  },
  'model-versions': { body: { next_page_token: true, model_versions: [versionSpec] }, parent: { aliases: { '*': true }, units: true } },
  'registered-model': { body: { registered_model: { name: true, last_updated_timestamp: true, aliases: [{ alias: true, version: true }] } } },
};

const CONVENTION_TAGS: ReadonlySet<string> = new Set([RUN_TAGS.trigger, RUN_TAGS.sourceType]);
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Keeps only the run tags the normaliser reads (trigger and source type, whose values are enumerations). Every
 * other tag can name a person or hold free text: mlflow.user, mlflow.source.name (/Users/<email>/…),
 * mlflow.note.content, run names.
 */
export function keepConventionTags(body: unknown): unknown {
  if (!isRecord(body) || !Array.isArray(body.runs)) return body;
  return {
    ...body,
    runs: body.runs.map((run) => {
      if (!isRecord(run) || !isRecord(run.data) || !Array.isArray(run.data.tags)) return run;
      return { ...run, data: { ...run.data, tags: run.data.tags.filter((t) => isRecord(t) && typeof t.key === 'string' && CONVENTION_TAGS.has(t.key)) } };
    }),
  };
}
