import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLFLOW_REGISTRY_BINDING_ID, type OrgConfig } from '../../../shared/org/index.js';
import { mlflowSource, registryVersionIdPrefix } from '../../../shared/sources/mlflow/index.js';
import { ANCHOR, CREDENTIALS, startMlflowSandbox, sync, type RunningMlflow } from './mlflow-sandbox.js';

// The organisation's registry binding (`org/mlflow`): every model the org config binds is read with one
// registered-models/search per run, whatever the number of units (an alias move changes no timestamp, so the
// registry is read on every sync; its filter takes no OR and no name list, so per-unit reads could not be batched);
// a model's versions are read only when it changed, and each unit binding the model gets its own copy of them.
// Model names with quotes reach MLflow as MLflow parses them (it only trims the outer quotes).

const HOUR = 3_600_000;
const REG = MLFLOW_REGISTRY_BINDING_ID;
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

describe('MLflow registry binding of the organisation', () => {
  it('reads every bound model of the organisation with one registered-models/search, so an unchanged registry costs one request', async () => {
    const first = await sync(mlflowSource, ml.org, REG, { credentials: CREDENTIALS });
    const bound = new Set(ml.org.domains.flatMap((d) => d.pods.flatMap((p) => p.sources.mlflow?.models ?? [])));
    const withVersions = new Set(ml.world.versions.map((v) => v.name).filter((n) => bound.has(n)));
    expect(withVersions.size).toBeGreaterThan(5);
    expect(new Set(first.activities.map((a) => a.attrs.model))).toEqual(withVersions);
    const rec = recorder();
    const again = await sync(mlflowSource, ml.org, REG, { credentials: CREDENTIALS, cursor: first.outcome.cursor, asOf: at(1), fetch: rec.fetch });
    expect(again.outcome.requests).toBe(1);
    expect(rec.paths).toEqual(['registered-models/search']);
    expect(again.activities).toEqual([]);
  });

  it('gives every unit that binds a model its own copy of each version: the owning pod and the steering group', async () => {
    const { activities } = await sync(mlflowSource, ml.org, REG, { credentials: CREDENTIALS });
    const versions = ml.world.versions.filter((v) => v.name === 'recsys-model').map((v) => v.version).sort();
    const of = (unit: string) => activities.filter((a) => a.attrs.model === 'recsys-model' && a.unit === unit).map((a) => a.attrs.version as string).sort();
    expect(of('pod:recsys')).toEqual(versions);
    expect(of('steering')).toEqual(versions);
    expect(new Set(activities.map((a) => a.id)).size).toBe(activities.length);
    expect(activities.every((a) => a.bindingId === REG && a.kind === 'model-version')).toBe(true);
  });

  it('stores no registered model of the server that no unit binds', async () => {
    ml.world.addModel('someone-elses-model', new Date(ANCHOR.getTime() - 48 * HOUR));
    const { pages } = await sync(mlflowSource, ml.org, REG, { credentials: CREDENTIALS });
    expect(JSON.stringify(pages)).not.toContain('someone-elses-model');
  });

  it('sees an alias moved on one model and re-reads that model\'s versions only, with the alias joined', async () => {
    const org = withModels(['recsys-model', 'churn-predict-model']);
    const first = await sync(mlflowSource, org, REG, { credentials: CREDENTIALS });
    const v = ml.world.versions.find((x) => x.name === 'churn-predict-model');
    if (!v) throw new Error('no churn-predict-model version');
    ml.world.setAlias('churn-predict-model', 'challenger-x', v.version, new Date(ANCHOR.getTime() + HOUR));
    const rec = recorder();
    const moved = await sync(mlflowSource, org, REG, { credentials: CREDENTIALS, cursor: first.outcome.cursor, asOf: at(2), fetch: rec.fetch });
    expect(rec.paths).toEqual(['registered-models/search', "model-versions/search name = 'churn-predict-model'"]);
    const mine = moved.activities.filter((a) => a.unit === 'pod:recsys');
    expect(mine.find((a) => a.attrs.version === v.version)?.attrs.aliases).toContain('challenger-x');
    expect(moved.activities.every((a) => a.attrs.model === 'churn-predict-model')).toBe(true);
  });

  it('notes a bound model the registry does not have and still reads every other model', async () => {
    const org = withModels(['recsys-model', 'no-such-model']);
    const { outcome, activities } = await sync(mlflowSource, org, REG, { credentials: CREDENTIALS });
    expect(outcome.notes.join('\n')).toMatch(/registry does not have: 1/);
    expect(activities.some((a) => a.unit === 'pod:recsys' && a.attrs.model === 'recsys-model')).toBe(true);
  });

  it('drops the versions a unit stopped binding, and only that unit\'s', async () => {
    const org = withModels(['recsys-model', 'churn-predict-model']);
    const first = await sync(mlflowSource, org, REG, { credentials: CREDENTIALS });
    const later = await sync(mlflowSource, withModels(['recsys-model']), REG, { credentials: CREDENTIALS, cursor: first.outcome.cursor, asOf: at(1) });
    expect(later.outcome.removedIdPrefixes).toEqual([registryVersionIdPrefix('pod:recsys', 'churn-predict-model')]);
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
      const { activities } = await sync(mlflowSource, withModels([name]), REG, { credentials: CREDENTIALS });
      const versions = activities.filter((a) => a.unit === 'pod:recsys');
      expect([name, versions.length]).toEqual([name, ml.world.versions.filter((x) => x.name === name).length]);
      expect(versions.every((a) => a.attrs.model === name)).toBe(true);
    }
  });
});
