import { describe, expect, it } from 'vitest';
import { actorHasher } from '../../../shared/kernel/index.js';
import { listBindings, listUnits, MLFLOW_REGISTRY_BINDING_ID } from '../../../shared/org/index.js';
import type { Unit } from '../../../shared/org/index.js';
import type { SourceStatus } from '../../../shared/scoring/types.js';
import { activityNeeds } from '../../../shared/signals/needs.js';
import { unitSourceStatus } from '../../../shared/signals/index.js';
import type { RawPage } from '../../../shared/sources/contract.js';
import { NormaliseError } from '../../../shared/sources/errors.js';
import { normaliseMlflowPage } from '../../../shared/sources/mlflow/index.js';
import { demoOrg } from '../../fixtures/activities/demo-week.js';

// The organisation's MLflow registry binding (`org/mlflow`) from the scoring side: which units read it, how its
// status joins a unit's own MLflow status, and how its pages become one copy of a version per unit binding the model.

const org = demoOrg();
const units = listUnits(org);
const unit = (ref: string): Unit => units.find((u) => u.ref === ref) as Unit;

describe('the registry binding in scoring', () => {
  it('is listed once for the organisation, before Copilot, when any unit binds a model', () => {
    const ids = listBindings(org).map((b) => b.id);
    expect(ids.filter((id) => id === MLFLOW_REGISTRY_BINDING_ID)).toHaveLength(1);
    expect(ids.slice(-2)).toEqual([MLFLOW_REGISTRY_BINDING_ID, 'org/copilot']);
    const none = structuredClone(org);
    for (const u of listUnits(none)) if (u.sources.mlflow) delete u.sources.mlflow.models;
    expect(listBindings(none).map((b) => b.id)).not.toContain(MLFLOW_REGISTRY_BINDING_ID);
  });

  it('is read by each unit binding models for its own model versions only, and not by the organisation', () => {
    expect(activityNeeds(org, unit('pod:recsys'), units)).toContainEqual({ bindingId: MLFLOW_REGISTRY_BINDING_ID, kinds: ['model-version'], unit: 'pod:recsys' });
    expect(activityNeeds(org, unit('steering'), units)).toContainEqual({ bindingId: MLFLOW_REGISTRY_BINDING_ID, kinds: ['model-version'], unit: 'steering' });
    expect(activityNeeds(org, unit('lab:generative-ai'), units).map((n) => n.bindingId)).not.toContain(MLFLOW_REGISTRY_BINDING_ID);
    expect(activityNeeds(org, unit('org'), units).map((n) => n.bindingId)).not.toContain(MLFLOW_REGISTRY_BINDING_ID);
  });

  const statuses = (own: Partial<SourceStatus>, registry: Partial<SourceStatus>): Map<string, SourceStatus> => new Map([
    ['pod:recsys/mlflow', { source: 'mlflow', bindingId: 'pod:recsys/mlflow', status: 'ok', ...own } as SourceStatus],
    [MLFLOW_REGISTRY_BINDING_ID, { source: 'mlflow', bindingId: MLFLOW_REGISTRY_BINDING_ID, status: 'ok', ...registry } as SourceStatus],
  ]);

  it('fails a unit\'s MLflow when the registry read failed, carrying its data only while the older last success allows', () => {
    const s = unitSourceStatus(unit('pod:recsys'), 'mlflow', statuses({ lastSuccessAt: '2026-11-23T00:00:00.000Z' }, { status: 'failed', reason: 'HTTP 500', lastSuccessAt: '2026-11-10T00:00:00.000Z' }));
    expect(s).toMatchObject({ bindingId: 'pod:recsys/mlflow', status: 'failed', lastSuccessAt: '2026-11-10T00:00:00.000Z' });
    expect(s?.reason).toContain('model registry (org/mlflow): HTTP 500');
    const never = unitSourceStatus(unit('pod:recsys'), 'mlflow', statuses({ lastSuccessAt: '2026-11-23T00:00:00.000Z' }, { status: 'failed', reason: 'HTTP 500' }));
    expect(never).not.toHaveProperty('lastSuccessAt');
  });

  it('leaves a unit\'s MLflow as it is when the registry is fine, and a unit without models untouched by a failed registry', () => {
    expect(unitSourceStatus(unit('pod:recsys'), 'mlflow', statuses({}, {}))).toMatchObject({ status: 'ok' });
    const lab = new Map([['lab:generative-ai/mlflow', { source: 'mlflow', bindingId: 'lab:generative-ai/mlflow', status: 'ok' } as SourceStatus],
      [MLFLOW_REGISTRY_BINDING_ID, { source: 'mlflow', bindingId: MLFLOW_REGISTRY_BINDING_ID, status: 'failed', reason: 'x' } as SourceStatus]]);
    expect(unitSourceStatus(unit('lab:generative-ai'), 'mlflow', lab)).toMatchObject({ status: 'ok' });
  });
});

describe('normalising a registry binding page', () => {
  const ctx = {
    binding: { id: MLFLOW_REGISTRY_BINDING_ID, unit: 'org', source: 'mlflow' as const },
    rawKey: 'raw/mlflow/org_mlflow/run-1/1.json.gz',
    hashActor: actorHasher('k'),
    baseUrl: 'https://mlflow.acme.example',
  };
  const page = (parent: Record<string, unknown>): RawPage => ({
    source: 'mlflow', bindingId: MLFLOW_REGISTRY_BINDING_ID, stream: 'model-versions:recsys-model', path: '/api/2.0/mlflow/model-versions/search', seq: 1,
    fetchedAt: '2026-11-23T00:00:00.000Z', status: 200, parent,
    body: { model_versions: [{ name: 'recsys-model', version: '3', creation_timestamp: 1_763_000_000_000, current_stage: 'None', status: 'READY' }] },
  });

  it('gives every unit that binds the model its own copy of each version, with the alias joined', () => {
    const out = normaliseMlflowPage(page({ aliases: { 3: ['production'] }, units: ['pod:recsys', 'steering'] }), ctx);
    expect(out.map((a) => [a.unit, a.id, a.bindingId, a.attrs.aliases])).toEqual([
      ['pod:recsys', 'mlflow:model-version:pod:recsys:recsys-model/3', MLFLOW_REGISTRY_BINDING_ID, ['production']],
      ['steering', 'mlflow:model-version:steering:recsys-model/3', MLFLOW_REGISTRY_BINDING_ID, ['production']],
    ]);
  });

  it('throws NormaliseError when the units are not unit names (never attributes versions to the organisation)', () => {
    expect(() => normaliseMlflowPage(page({ aliases: {}, units: ['org'] }), ctx)).toThrow(NormaliseError);
    expect(() => normaliseMlflowPage(page({ aliases: {}, units: [] }), ctx)).toThrow(NormaliseError);
  });
});
