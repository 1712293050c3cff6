import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../../shared/org/index.js';
import { SourceHttpError } from '../../../shared/sources/errors.js';
import { mlflowSource } from '../../../shared/sources/mlflow/index.js';
import { ANCHOR, CREDENTIALS, startMlflowSandbox, sync, type RunningMlflow } from './mlflow-sandbox.js';

// The registry read of an MLflow binding: the bound models' aliases are read on every sync (an alias move changes
// no timestamp), in one request however many models are bound (registered-models/search: its filter takes no OR
// and no name list, so a LIKE on the names' common prefix narrows it); model names with quotes reach MLflow as
// MLflow parses them (it only trims the outer quotes).

const HOUR = 3_600_000;
let ml: RunningMlflow;
beforeAll(async () => {
  ml = await startMlflowSandbox();
});
afterAll(async () => {
  await ml.close();
});

/** The demo org with pod recsys bound to these models. */
function withModels(models: string[]): OrgConfig {
  const org = structuredClone(ml.org);
  for (const d of org.domains) for (const p of d.pods) if (p.id === 'recsys' && p.sources.mlflow) p.sources.mlflow.models = models;
  return org;
}

/** A fetch that records the path (and filter) of every MLflow request. */
function recorder(): { fetch: typeof fetch; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    fetch: async (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      paths.push(`${url.pathname.replace('/api/2.0/mlflow/', '')}${url.searchParams.get('filter') ? ` ${url.searchParams.get('filter') ?? ''}` : ''}`);
      return fetch(input, init);
    },
  };
}

const at = (hours: number): string => new Date(ANCHOR.getTime() + hours * HOUR).toISOString();

describe('MLflow registry read', () => {
  it('reads several bound models with one registered-models/search, so an unchanged binding costs 2 requests', async () => {
    const org = withModels(['recsys-model', 'churn-predict-model']);
    const first = await sync(mlflowSource, org, 'pod:recsys/mlflow', { credentials: CREDENTIALS });
    const rec = recorder();
    const again = await sync(mlflowSource, org, 'pod:recsys/mlflow', { credentials: CREDENTIALS, cursor: first.outcome.cursor, asOf: at(1), fetch: rec.fetch });
    expect(again.outcome.requests).toBe(2);
    expect(rec.paths).toEqual(['runs/search', 'registered-models/search']);
    expect(again.activities.filter((a) => a.kind === 'model-version')).toEqual([]);
  });

  it('sees an alias moved on the second of two bound models and joins it to that model\'s versions only', async () => {
    const org = withModels(['recsys-model', 'churn-predict-model']);
    const first = await sync(mlflowSource, org, 'pod:recsys/mlflow', { credentials: CREDENTIALS });
    const v = ml.world.versions.find((x) => x.name === 'churn-predict-model');
    if (!v) throw new Error('no churn-predict-model version');
    ml.world.setAlias('churn-predict-model', 'challenger-x', v.version, new Date(ANCHOR.getTime() + HOUR));
    const moved = await sync(mlflowSource, org, 'pod:recsys/mlflow', { credentials: CREDENTIALS, cursor: first.outcome.cursor, asOf: at(2) });
    const versions = moved.activities.filter((a) => a.kind === 'model-version');
    expect(versions.find((a) => a.attrs.version === v.version)?.attrs.aliases).toContain('challenger-x');
    expect(versions.every((a) => a.id.includes('churn-predict-model'))).toBe(true);
  });

  it('fails the binding with a 404 naming the model when one of several bound models does not exist', async () => {
    const org = withModels(['recsys-model', 'no-such-model']);
    const err = await sync(mlflowSource, org, 'pod:recsys/mlflow', { credentials: CREDENTIALS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceHttpError);
    expect((err as SourceHttpError).code).toBe('HTTP_404');
    expect((err as Error).message).toMatch(/no-such-model/);
  });

  it('reads the versions of models whose names hold a single quote, or both quote kinds', async () => {
    const run = ml.world.runs[0];
    if (!run) throw new Error('no run');
    const names = ["o'neil-model", `say "hi" o'k`];
    for (const name of names) {
      ml.world.addModel(name, new Date(ANCHOR.getTime() - 48 * HOUR));
      ml.world.addModelVersion(name, { runId: run.info.run_id, at: new Date(ANCHOR.getTime() - 24 * HOUR) });
    }
    for (const name of names) {
      const { activities } = await sync(mlflowSource, withModels([name]), 'pod:recsys/mlflow', { credentials: CREDENTIALS });
      const versions = activities.filter((a) => a.kind === 'model-version');
      expect([name, versions.length]).toEqual([name, ml.world.versions.filter((x) => x.name === name).length]);
      expect(versions.every((a) => a.id.includes(encodeURIComponent(name)) || a.id.includes(name))).toBe(true);
    }
  });
});
