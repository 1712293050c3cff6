import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listBindings, MLFLOW_REGISTRY_BINDING_ID } from '../../../shared/org/index.js';
import { demoPeople } from '../../../shared/sandbox/demo/profile.js';
import type { Activity, RawPage } from '../../../shared/sources/contract.js';
import { MalformedPageError, RepeatingCursorError, SourceAuthError } from '../../../shared/sources/errors.js';
import { createMlflowSource, mlflowSource } from '../../../shared/sources/mlflow/index.js';
import { ANCHOR, CREDENTIALS, startMlflowSandbox, sync, type RunningMlflow } from './mlflow-sandbox.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const fast = createMlflowSource({ http: { retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20, maxTotalWaitMs: 5_000 }, timeoutMs: 5_000 } });

let ml: RunningMlflow;
beforeAll(async () => {
  ml = await startMlflowSandbox();
});
afterAll(async () => {
  await ml.close();
});
afterEach(() => {
  ml.faults.clear();
  ml.world.pageCap = Number.POSITIVE_INFINITY;
});

const opts = (o: Parameters<typeof sync>[3] = {}): Parameters<typeof sync>[3] => ({ credentials: CREDENTIALS, ...o });

function runsOf(name: string): string[] {
  const id = ml.world.experiments.find((e) => e.name === name)?.experiment_id;
  return ml.world.runs.filter((r) => r.info.experiment_id === id && r.info.start_time <= ANCHOR.getTime()).map((r) => r.info.run_id).sort();
}

describe('MLflow connector over the sandbox', () => {
  it('collects the experiment and every run of a pod on a full sync, and leaves its models to the registry binding', async () => {
    const { activities, outcome } = await sync(mlflowSource, ml.org, 'pod:recsys/mlflow', opts());
    expect(activities.filter((a) => a.kind === 'ml-run').map((a) => a.id.replace('mlflow:run:', '')).sort()).toEqual(runsOf('recsys'));
    expect(activities.filter((a) => a.kind === 'model-version')).toEqual([]);
    const exp = activities.find((a) => a.kind === 'experiment');
    expect(exp?.attrs.name).toBe('recsys');
    const run = activities.find((a) => a.kind === 'ml-run') as Activity;
    expect(run.url).toBe(`${ml.url}/#/experiments/${run.attrs.experimentId as string}/runs/${run.id.replace('mlflow:run:', '')}`);
    expect(['manual', 'schedule', 'monitoring']).toContain(run.attrs.trigger);
    // experiment by name + runs/search
    expect(outcome.requests).toBe(2);
  });

  it('collects every version of a pod\'s model through the registry binding, with links to the MLflow UI', async () => {
    const { activities, outcome } = await sync(mlflowSource, ml.org, MLFLOW_REGISTRY_BINDING_ID, opts());
    const mine = activities.filter((a) => a.unit === 'pod:recsys');
    const versions = ml.world.versions.filter((v) => v.name === 'recsys-model').map((v) => v.version).sort();
    expect(mine.map((a) => a.attrs.version).sort()).toEqual(versions);
    const mv = mine[0] as Activity;
    expect(mv.url).toBe(`${ml.url}/#/models/recsys-model/versions/${mv.attrs.version as string}`);
    // registered-models/search + one model-versions/search per bound model
    const models = new Set(ml.org.domains.flatMap((d) => d.pods.flatMap((p) => p.sources.mlflow?.models ?? [])));
    expect(outcome.requests).toBe(1 + models.size);
  });

  it('makes one runs/search for an unchanged pod binding', async () => {
    const first = await sync(mlflowSource, ml.org, 'pod:recsys/mlflow', opts());
    const again = await sync(mlflowSource, ml.org, 'pod:recsys/mlflow', opts({ cursor: first.outcome.cursor, asOf: new Date(ANCHOR.getTime() + HOUR).toISOString() }));
    expect(again.outcome.requests).toBe(1);
    expect(again.activities.filter((a) => a.kind === 'ml-run')).toEqual([]);
  });

  it('makes no request for a binding with models only (the steering group): the registry binding reads them', async () => {
    const { outcome, activities } = await sync(mlflowSource, ml.org, 'steering/mlflow', opts());
    expect([outcome.requests, activities]).toEqual([0, []]);
  });

  it('drops the model versions it stored before the registry binding took them over', async () => {
    const first = await sync(mlflowSource, ml.org, 'pod:recsys/mlflow', opts());
    const legacy = { ...first.outcome.cursor, models: { 'recsys-model': { updated: 1, aliases: '' } } };
    const again = await sync(mlflowSource, ml.org, 'pod:recsys/mlflow', opts({ cursor: legacy, asOf: new Date(ANCHOR.getTime() + HOUR).toISOString() }));
    expect(again.outcome.removedIdPrefixes).toEqual(['mlflow:model-version:']);
    expect(again.outcome.cursor).not.toHaveProperty('models');
  });

  it('makes a single request for an unchanged lab binding that has only an experiment', async () => {
    const first = await sync(mlflowSource, ml.org, 'lab:generative-ai/mlflow', opts());
    const again = await sync(mlflowSource, ml.org, 'lab:generative-ai/mlflow', opts({ cursor: first.outcome.cursor, asOf: new Date(ANCHOR.getTime() + HOUR).toISOString() }));
    expect(again.outcome.requests).toBe(1);
  });

  it('picks up a new run and, later, the end of a run that was still running', async () => {
    const first = await sync(mlflowSource, ml.org, 'lab:ai-automation/mlflow', opts());
    const expId = ml.world.experiments.find((e) => e.name === 'lab-ai-automation')?.experiment_id as string;
    const run = ml.world.addRun({ experimentId: expId, startTime: new Date(ANCHOR.getTime() + HOUR), status: 'RUNNING', tags: { 'radar.trigger': 'schedule' } });
    const second = await sync(mlflowSource, ml.org, 'lab:ai-automation/mlflow', opts({ cursor: first.outcome.cursor, asOf: new Date(ANCHOR.getTime() + 2 * HOUR).toISOString() }));
    expect(second.activities.map((a) => [a.id, a.attrs.status])).toEqual([[`mlflow:run:${run.info.run_id}`, 'RUNNING']]);
    ml.world.updateRun(run.info.run_id, { status: 'FINISHED', endTime: new Date(ANCHOR.getTime() + 5 * HOUR) });
    const third = await sync(mlflowSource, ml.org, 'lab:ai-automation/mlflow', opts({ cursor: second.outcome.cursor, asOf: new Date(ANCHOR.getTime() + DAY).toISOString() }));
    expect(third.activities.find((a) => a.id === `mlflow:run:${run.info.run_id}`)?.attrs.status).toBe('FINISHED');
    ml.world.deleteRun(run.info.run_id);
  });

  it('follows page_token across pages and reads every run once', async () => {
    ml.world.pageCap = 7;
    const { activities, pages } = await sync(mlflowSource, ml.org, 'pod:support-bot/mlflow', opts());
    const ids = activities.filter((a) => a.kind === 'ml-run').map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.map((i) => i.replace('mlflow:run:', '')).sort()).toEqual(runsOf('support-bot'));
    expect(pages.filter((p) => p.stream === 'runs').length).toBe(Math.ceil(runsOf('support-bot').length / 7));
  });

  it('stops with RepeatingCursorError when MLflow hands back the same page_token', async () => {
    ml.world.pageCap = 7;
    ml.faults.add({ api: 'mlflow', path: 'runs/search', fault: { kind: 'repeat-cursor' } });
    const err = await sync(mlflowSource, ml.org, 'pod:support-bot/mlflow', opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepeatingCursorError);
  });

  it('fails with SourceAuthError on a wrong password and never shows it', async () => {
    const wrong = { ...CREDENTIALS, RADAR_MLFLOW_PASSWORD: 'wrong-canary-password-99' };
    const err = await sync(mlflowSource, ml.org, 'pod:recsys/mlflow', opts({ credentials: wrong })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
    expect(`${String(err)} ${JSON.stringify(err)} ${(err as Error).stack ?? ''}`).not.toContain('wrong-canary-password-99');
  });

  it('rejects an HTML page with MalformedPageError before anything is normalised', async () => {
    ml.faults.add({ api: 'mlflow', path: 'runs/search', fault: { kind: 'html-200' } });
    const sink = { pages: [] as RawPage[], activities: [] as Activity[] };
    const err = await sync(fast, ml.org, 'lab:generative-ai/mlflow', opts({ sink })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedPageError);
    expect(sink.activities.filter((a) => a.kind === 'ml-run')).toEqual([]);
  });

  it('retries a 429 and completes', async () => {
    ml.faults.add({ api: 'mlflow', path: 'runs/search', fault: { kind: 'rate-limit', retryAfterSeconds: 1 }, times: 1 });
    const { outcome } = await sync(fast, ml.org, 'lab:generative-ai/mlflow', opts());
    expect(outcome.requests).toBe(3);
  });

  it('sends valid credentials on every request', async () => {
    const from = ml.world.requestLog.length;
    const { outcome } = await sync(mlflowSource, ml.org, MLFLOW_REGISTRY_BINDING_ID, opts());
    const mine = ml.world.requestLog.slice(from);
    expect(mine.length).toBe(outcome.requests);
    expect(mine.every((r) => r.authorised)).toBe(true);
  });

  it('keeps people out of normalised activities and out of the raw pages it hands on', async () => {
    const { activities, pages } = await sync(mlflowSource, ml.org, 'pod:recsys/mlflow', opts());
    const normalised = JSON.stringify(activities);
    const raw = JSON.stringify(pages);
    for (const p of demoPeople('recsys', 9)) {
      for (const needle of [p.name, p.email, p.login]) {
        expect(normalised).not.toContain(needle);
        expect(raw).not.toContain(needle);
      }
    }
    expect(activities.some((a) => a.actor !== null)).toBe(true);
  });

  it('serves no MLflow data for a pod without an MLflow binding, and nothing for a lab before it starts', () => {
    expect(listBindings(ml.org).some((b) => b.id === 'pod:pricing-insights/mlflow')).toBe(false);
    expect(ml.world.experiments.some((e) => e.name.includes('pricing'))).toBe(false);
    const lab = ml.world.experiments.find((e) => e.name === 'lab-ai-product-design');
    const halfway = ANCHOR.getTime() - 10 * 7 * DAY;
    expect(lab?.creation_time).toBeGreaterThanOrEqual(halfway - DAY);
    expect(ml.world.runs.filter((r) => r.info.experiment_id === lab?.experiment_id && r.info.start_time < halfway)).toEqual([]);
  });
});
