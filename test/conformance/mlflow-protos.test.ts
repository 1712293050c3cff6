import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { MLFLOW_REGISTRY_BINDING_ID } from '../../shared/org/index.js';
import { mlflowSource } from '../../shared/sources/mlflow/index.js';
import { CREDENTIALS, startMlflowSandbox, sync, type RunningMlflow } from '../integration/mlflow/mlflow-sandbox.js';

// The MLflow sandbox's responses, as the connector reads them, held against MLflow's protos (mlflow/mlflow,
// mlflow/protos/service.proto and mlflow/protos/model_registry.proto; proto2, every field `optional` or
// `repeated`). MLflow serialises them with message_to_json (mlflow/utils/proto_json_utils.py): proto field names,
// int64 as JSON numbers, enums as their names, empty repeated fields left out. Protos are closed, so the schemas
// are strict: a field the proto does not declare is an error, as is a wrong type.

const int64 = z.number().int();
/** service.proto / model_registry.proto tag messages (ExperimentTag, RunTag, ModelVersionTag, RegisteredModelTag): key, value. */
const Tag = z.strictObject({ key: z.string().optional(), value: z.string().optional() });
/**
 * service.proto Experiment: experiment_id, name, artifact_location, lifecycle_stage (string), last_update_time,
 * creation_time (int64), tags (repeated ExperimentTag).
 */
const Experiment = z.strictObject({
  experiment_id: z.string().optional(), name: z.string().optional(), artifact_location: z.string().optional(), lifecycle_stage: z.string().optional(),
  last_update_time: int64.optional(), creation_time: int64.optional(), tags: z.array(Tag).optional(),
});
/** service.proto GetExperimentByName.Response: experiment (Experiment). */
const GetExperimentByNameResponse = z.strictObject({ experiment: Experiment.optional() });
/** service.proto RunStatus enum. */
const RunStatus = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
/**
 * service.proto RunInfo: run_id, run_uuid (deprecated), run_name, experiment_id, user_id (deprecated), status
 * (RunStatus), start_time, end_time (int64), artifact_uri, lifecycle_stage.
 */
const RunInfo = z.strictObject({
  run_id: z.string().optional(), run_uuid: z.string().optional(), run_name: z.string().optional(), experiment_id: z.string().optional(),
  user_id: z.string().optional(), status: RunStatus.optional(), start_time: int64.optional(), end_time: int64.optional(),
  artifact_uri: z.string().optional(), lifecycle_stage: z.string().optional(),
});
/** service.proto Metric: key, value (double), timestamp, step (int64). Param: key, value. */
const Metric = z.strictObject({ key: z.string().optional(), value: z.number().optional(), timestamp: int64.optional(), step: int64.optional() });
/** service.proto RunData: metrics (repeated Metric), params (repeated Param), tags (repeated RunTag). */
const RunData = z.strictObject({ metrics: z.array(Metric).optional(), params: z.array(Tag).optional(), tags: z.array(Tag).optional() });
/** service.proto RunInputs: dataset_inputs (repeated DatasetInput). */
const RunInputs = z.strictObject({ dataset_inputs: z.array(z.looseObject({})).optional() });
/** service.proto Run: info (RunInfo), data (RunData), inputs (RunInputs). SearchRuns.Response: runs, next_page_token. */
const Run = z.strictObject({ info: RunInfo.optional(), data: RunData.optional(), inputs: RunInputs.optional() });
const SearchRunsResponse = z.strictObject({ runs: z.array(Run).optional(), next_page_token: z.string().optional() });
/** model_registry.proto ModelVersionStatus enum. */
const ModelVersionStatus = z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']);
/**
 * model_registry.proto ModelVersion: name, version (string), creation_timestamp, last_updated_timestamp (int64),
 * user_id, current_stage, description, source, run_id, status (ModelVersionStatus), status_message, tags (repeated
 * ModelVersionTag), run_link, aliases (repeated string).
 */
const ModelVersion = z.strictObject({
  name: z.string().optional(), version: z.string().optional(), creation_timestamp: int64.optional(), last_updated_timestamp: int64.optional(),
  user_id: z.string().optional(), current_stage: z.string().optional(), description: z.string().optional(), source: z.string().optional(),
  run_id: z.string().optional(), status: ModelVersionStatus.optional(), status_message: z.string().optional(), tags: z.array(Tag).optional(),
  run_link: z.string().optional(), aliases: z.array(z.string()).optional(),
});
/** model_registry.proto SearchModelVersions.Response: model_versions (repeated ModelVersion), next_page_token. */
const SearchModelVersionsResponse = z.strictObject({ model_versions: z.array(ModelVersion).optional(), next_page_token: z.string().optional() });
/**
 * model_registry.proto RegisteredModel: name, creation_timestamp, last_updated_timestamp, user_id ("not currently
 * returned"), description, latest_versions (repeated ModelVersion), tags (repeated RegisteredModelTag), aliases
 * (repeated RegisteredModelAlias: alias, version).
 */
const RegisteredModel = z.strictObject({
  name: z.string().optional(), creation_timestamp: int64.optional(), last_updated_timestamp: int64.optional(), user_id: z.string().optional(),
  description: z.string().optional(), latest_versions: z.array(ModelVersion).optional(), tags: z.array(Tag).optional(),
  aliases: z.array(z.strictObject({ alias: z.string().optional(), version: z.string().optional() })).optional(),
});
/** SearchRegisteredModels.Response: registered_models (repeated RegisteredModel), next_page_token. */
const SearchRegisteredModelsResponse = z.strictObject({ registered_models: z.array(RegisteredModel).optional(), next_page_token: z.string().optional() });

function modelFor(path: string): z.ZodType | null {
  if (path.endsWith('/experiments/get-by-name')) return GetExperimentByNameResponse;
  if (path.endsWith('/runs/search')) return SearchRunsResponse;
  if (path.endsWith('/model-versions/search')) return SearchModelVersionsResponse;
  if (path.endsWith('/registered-models/search')) return SearchRegisteredModelsResponse;
  return null;
}

let ml: RunningMlflow;
const served: { path: string; body: unknown }[] = [];
beforeAll(async () => {
  ml = await startMlflowSandbox();
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    served.push({ path: new URL(input instanceof Request ? input.url : String(input)).pathname, body: await res.clone().json() });
    return res;
  };
  // A unit binding (experiments, runs) and the organisation's registry binding (registered models, their versions).
  for (const binding of ['pod:recsys/mlflow', 'pod:churn-predict/mlflow', MLFLOW_REGISTRY_BINDING_ID]) await sync(mlflowSource, ml.org, binding, { credentials: CREDENTIALS, fetch: recording });
});
afterAll(async () => {
  await ml.close();
});

describe('MLflow sandbox responses against the MLflow protos', () => {
  it('serves every endpoint the connector reads, each response valid against its proto message', () => {
    for (const s of served) {
      const model = modelFor(s.path);
      expect(model, `a message for ${s.path}`).not.toBeNull();
      const checked = (model as z.ZodType).safeParse(s.body);
      expect(checked.success ? 'ok' : `${s.path}: ${checked.error.issues.slice(0, 3).map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`).toBe('ok');
    }
    expect([...new Set(served.map((s) => s.path.replace('/api/2.0/mlflow', '')))].sort()).toEqual([
      '/experiments/get-by-name', '/model-versions/search', '/registered-models/search', '/runs/search',
    ]);
    // The documented OSS shapes were among them: versions without aliases, aliases on the registered model.
    const versions = served.filter((s) => s.path.endsWith('/model-versions/search')).flatMap((s) => (s.body as { model_versions?: Record<string, unknown>[] }).model_versions ?? []);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.every((v) => !('aliases' in v))).toBe(true);
    const models = served.filter((s) => s.path.endsWith('/registered-models/search')).flatMap((s) => (s.body as { registered_models?: { aliases?: unknown[] }[] }).registered_models ?? []);
    expect(models.some((m) => (m.aliases?.length ?? 0) > 0)).toBe(true);
  });

  it('fails the check when one field of a served response is broken', () => {
    const runs = served.find((s) => s.path.endsWith('/runs/search') && ((s.body as { runs?: unknown[] }).runs?.length ?? 0) > 0);
    const versions = served.find((s) => s.path.endsWith('/model-versions/search'));
    const model = served.find((s) => s.path.endsWith('/registered-models/search'));
    if (!runs || !versions || !model) throw new Error('missing a served response');
    type Body = { runs: { info: Record<string, unknown> }[]; model_versions: Record<string, unknown>[]; registered_models: Record<string, unknown>[] };
    const mutations: { name: string; schema: z.ZodType; body: unknown; mutate: (b: Body) => void }[] = [
      { name: 'run start_time as a string', schema: SearchRunsResponse, body: runs.body, mutate: (b) => { b.runs[0]!.info.start_time = String(b.runs[0]!.info.start_time); } },
      { name: 'run status outside RunStatus', schema: SearchRunsResponse, body: runs.body, mutate: (b) => { b.runs[0]!.info.status = 'DONE'; } },
      { name: 'run_id renamed to runId', schema: SearchRunsResponse, body: runs.body, mutate: (b) => { b.runs[0]!.info.runId = b.runs[0]!.info.run_id; delete b.runs[0]!.info.run_id; } },
      { name: 'version number as a number', schema: SearchModelVersionsResponse, body: versions.body, mutate: (b) => { b.model_versions[0]!.version = 1; } },
      { name: 'aliases on the registered model as strings', schema: SearchRegisteredModelsResponse, body: model.body, mutate: (b) => { b.registered_models[0]!.aliases = ['champion']; } },
    ];
    for (const m of mutations) {
      const body = structuredClone(m.body) as Body;
      expect(m.schema.safeParse(body).success, `${m.name}: intact`).toBe(true);
      m.mutate(body);
      expect(m.schema.safeParse(body).success, m.name).toBe(false);
    }
  });
});
