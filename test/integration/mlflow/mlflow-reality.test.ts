import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MLFLOW_REGISTRY_BINDING_ID } from '../../../shared/org/index.js';
import { SourceAuthError } from '../../../shared/sources/errors.js';
import { mlflowSource } from '../../../shared/sources/mlflow/index.js';
import { ANCHOR, CREDENTIALS, startMlflowSandbox, sync, type RunningMlflow } from './mlflow-sandbox.js';

// Each test pins one row of ../shared/REALITY.md ("MLflow") over real HTTP. The alias tests failed on the connector
// before issue 14: it read aliases from the model versions, which the OSS server always leaves empty.

const HOUR = 3_600_000;
let ml: RunningMlflow;
beforeAll(async () => {
  ml = await startMlflowSandbox();
});
afterAll(async () => {
  await ml.close();
});
afterEach(() => {
  ml.faults.clear();
});

const opts = (o: Parameters<typeof sync>[3] = {}): Parameters<typeof sync>[3] => ({ credentials: CREDENTIALS, ...o });
const auth = { authorization: `Basic ${Buffer.from(`${CREDENTIALS.RADAR_MLFLOW_USERNAME}:${CREDENTIALS.RADAR_MLFLOW_PASSWORD}`).toString('base64')}` };

describe('MLflow connector against the real server behaviour', () => {
  it('serves model versions without aliases and the aliases on the registered model, as the OSS SQL store does', async () => {
    const versions = (await (await fetch(`${ml.url}/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent("name='recsys-model'")}`, { headers: auth })).json()) as { model_versions: Record<string, unknown>[] };
    expect(versions.model_versions.length).toBeGreaterThan(0);
    expect(versions.model_versions.every((v) => !('aliases' in v))).toBe(true);
    const model = (await (await fetch(`${ml.url}/api/2.0/mlflow/registered-models/get?name=recsys-model`, { headers: auth })).json()) as { registered_model: { aliases?: { alias: string; version: string }[] } };
    expect(model.registered_model.aliases?.length ?? 0).toBeGreaterThan(0);
  });

  it('joins the registered model aliases to its versions, so production and challenger versions are recognised', async () => {
    const model = ml.world.models.get('recsys-model');
    if (!model) throw new Error('no recsys-model');
    const last = ml.world.versions.filter((v) => v.name === 'recsys-model').at(-1);
    if (!last) throw new Error('no version');
    ml.world.setAlias('recsys-model', 'challenger', last.version, ANCHOR);
    const { activities } = await sync(mlflowSource, ml.org, MLFLOW_REGISTRY_BINDING_ID, opts());
    const byVersion = new Map(activities.filter((a) => a.kind === 'model-version' && a.unit === 'pod:recsys').map((a) => [a.attrs.version, a.attrs.aliases]));
    for (const a of model.aliases) expect(byVersion.get(a.version)).toContain(a.alias);
    expect(byVersion.get(last.version)).toContain('challenger');
  });

  it('sees an alias moved after the last sync although no timestamp changed', async () => {
    const first = await sync(mlflowSource, ml.org, MLFLOW_REGISTRY_BINDING_ID, opts());
    const quiet = await sync(mlflowSource, ml.org, MLFLOW_REGISTRY_BINDING_ID, opts({ cursor: first.outcome.cursor, asOf: new Date(ANCHOR.getTime() + HOUR).toISOString() }));
    expect(quiet.outcome.requests).toBe(1); // registered-models/search; versions unchanged
    const first2 = ml.world.versions.find((v) => v.name === 'recsys-model');
    if (!first2) throw new Error('no version');
    const before = first2.last_updated_timestamp;
    ml.world.setAlias('recsys-model', 'champion-b', first2.version, new Date(ANCHOR.getTime() + HOUR));
    expect(first2.last_updated_timestamp).toBe(before);
    const moved = await sync(mlflowSource, ml.org, MLFLOW_REGISTRY_BINDING_ID, opts({ cursor: quiet.outcome.cursor, asOf: new Date(ANCHOR.getTime() + 2 * HOUR).toISOString() }));
    const mv = moved.activities.find((a) => a.kind === 'model-version' && a.unit === 'pod:recsys' && a.attrs.version === first2.version);
    expect(mv?.attrs.aliases).toContain('champion-b');
  });

  it('moves a version’s last_updated_timestamp on a description edit, so the normalised updatedAt is no promotion time', async () => {
    const v = ml.world.versions.find((x) => x.name === 'recsys-model');
    if (!v) throw new Error('no version');
    const edited = new Date(ANCHOR.getTime() + HOUR);
    ml.world.editDescription('recsys-model', v.version, 'retrained on the November data', edited);
    const { activities } = await sync(mlflowSource, ml.org, MLFLOW_REGISTRY_BINDING_ID, opts({ asOf: new Date(ANCHOR.getTime() + 2 * HOUR).toISOString() }));
    const mv = activities.find((a) => a.kind === 'model-version' && a.unit === 'pod:recsys' && a.attrs.version === v.version);
    expect(mv?.attrs.updatedAt).toBe(edited.toISOString());
    // The activity's time stays the version's creation, which is what the lead-time signal reads.
    expect(mv?.at).toBe(new Date(v.creation_timestamp).toISOString());
  });

  it('answers 401 in plain text with WWW-Authenticate, which fails the binding with SourceAuthError', async () => {
    const res = await fetch(`${ml.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=recsys`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const err = await sync(mlflowSource, ml.org, 'pod:recsys/mlflow', opts({ credentials: { ...CREDENTIALS, RADAR_MLFLOW_PASSWORD: 'nope' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
  });

  it('fails the binding with SourceAuthError on 403 Permission denied', async () => {
    ml.faults.add({ api: 'mlflow', path: '/runs/search', fault: { kind: 'status', status: 403, body: 'Permission denied' } });
    const err = await sync(mlflowSource, ml.org, 'pod:recsys/mlflow', opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
    expect((err as SourceAuthError).status).toBe(403);
  });

  it('serves people where real servers do: user_id, the mlflow.user tag, notebook paths, artifact locations and run notes', async () => {
    const exp = (await (await fetch(`${ml.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=recsys`, { headers: auth })).json()) as { experiment: { experiment_id: string; artifact_location: string } };
    expect(exp.experiment.artifact_location).toMatch(/^dbfs:\/Users\/[^/]+@acme\.example\//);
    const runs = (await (await fetch(`${ml.url}/api/2.0/mlflow/runs/search`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ experiment_ids: [exp.experiment.experiment_id], max_results: 1000 }) })).json()) as { runs: { info: { user_id: string; artifact_uri: string }; data: { tags: { key: string; value: string }[] } }[] };
    const manual = runs.runs.find((r) => r.info.user_id.includes('@'));
    expect(manual?.data.tags.find((t) => t.key === 'mlflow.user')?.value).toBe(manual?.info.user_id);
    expect(manual?.data.tags.find((t) => t.key === 'mlflow.note.content')?.value).toContain(manual?.info.user_id);
    expect(runs.runs.some((r) => r.info.artifact_uri.startsWith('dbfs:/Users/'))).toBe(true);
  });
});
