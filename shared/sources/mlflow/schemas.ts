import * as z from 'zod';

// The documented shapes of the MLflow pages we read (REST 2.0). Empty lists may be left out entirely, as
// protobuf JSON does, so every list is optional. Objects are loose: raw pages are kept as received.

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

/** GET registered-models/search */
export const registeredModelsPageSchema = z.looseObject({
  registered_models: z.array(z.looseObject({ name: z.string() })).optional(),
  next_page_token: z.string().optional(),
});
