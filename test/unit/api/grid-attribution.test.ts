import { beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp } from '../../../shared/api/index.js';
import type { AttributionResponse, GridResponse, Scope } from '../../../shared/api/index.js';
import { defaultRubric } from '../../../shared/rubric/index.js';
import { createMemoryStores, seedStores } from '../../helpers/seed-memory-stores.js';
import type { MemoryStores } from '../../helpers/seed-memory-stores.js';

let stores: MemoryStores;
beforeAll(async () => {
  stores = createMemoryStores();
  await seedStores(stores);
});

const app = (scope?: Scope) => buildApiApp({ snapshots: stores.snapshots, runs: stores.runs, authorise: scope ? () => Promise.resolve(scope) : undefined });
const podLead: Scope = { kind: 'units', units: new Set(['pod:recsys']) };

async function json<T>(res: Response): Promise<T> {
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

describe('GET /api/grid', () => {
  it('has one row per unit at the latest as-of whose cells hold each dimension level of its scorecard', async () => {
    const grid = await json<GridResponse>(await app().request('/api/grid'));
    const asOfs = await stores.snapshots.listAsOfs();
    const cards = await stores.snapshots.loadAllAt(asOfs.at(-1) as string);
    expect(grid.asOf).toBe(asOfs.at(-1));
    expect(grid.rows.map((r) => r.unit).sort()).toEqual(cards.map((c) => c.unit).sort());
    for (const card of cards) {
      const row = grid.rows.find((r) => r.unit === card.unit);
      for (const d of card.dimensions) expect(row?.cells[d.dimensionId]?.level).toBe(d.level ?? null);
    }
    expect(grid.dimensions.length).toBeGreaterThan(0);
  });

  it('gives each pod its domain and the networks whose rollups list it', async () => {
    const grid = await json<GridResponse>(await app().request('/api/grid'));
    const cards = await stores.snapshots.loadAllAt(grid.asOf as string);
    const recsys = grid.rows.find((r) => r.unit === 'pod:recsys');
    expect(recsys?.domain).toBe(cards.find((c) => c.unit === 'pod:recsys')?.parent);
    const listing = cards.filter((c) => (c.kind === 'network' || c.kind === 'lab') && c.rollup?.members.some((m) => m.unit === 'pod:recsys')).map((c) => c.unit);
    expect(listing.length).toBeGreaterThan(0);
    expect(recsys?.networks).toEqual(listing.sort());
  });

  it('computes a cell’s coverage as the share of its signals with data when the card carries none', async () => {
    const grid = await json<GridResponse>(await app().request('/api/grid'));
    const card = (await stores.snapshots.loadAllAt(grid.asOf as string)).find((c) => c.unit === 'pod:pricing-insights');
    const dim = card?.dimensions.find((d) => d.signals.some((s) => s.status === 'missing'));
    expect(dim).toBeDefined();
    const expected = Math.round((dim!.signals.filter((s) => s.status === 'scored').length / dim!.signals.length) * 1000) / 1000;
    expect(grid.rows.find((r) => r.unit === 'pod:pricing-insights')?.cells[dim!.dimensionId]?.coverage).toBe(expected);
  });

  it('shows a scoped caller only the rows of their units', async () => {
    const grid = await json<GridResponse>(await app(podLead).request('/api/grid'));
    expect(grid.rows.map((r) => r.unit)).toEqual(['pod:recsys']);
  });

  it('answers 404 for an as-of that has no snapshot', async () => {
    expect((await app().request('/api/grid?asOf=1999-01-04')).status).toBe(404);
  });
});

describe('GET /api/attribution', () => {
  it('splits the organisation change into kinds whose contributions and the residual add up to it', async () => {
    const a = await json<AttributionResponse>(await app().request('/api/attribution?weeks=4'));
    expect(a.orgDelta).not.toBeNull();
    const sum = a.kinds.reduce((x, k) => x + k.contribution, 0) + (a.residual ?? 0);
    expect(sum).toBeCloseTo(a.orgDelta as number, 1);
    expect(a.kinds.map((k) => k.kind)).toContain('steering');
  });

  it('gives each unit its kind weight share divided by the units of its kind times its change, steering included', async () => {
    const a = await json<AttributionResponse>(await app().request('/api/attribution?weeks=4'));
    const latest = await stores.snapshots.loadAllAt(a.to as string);
    const steering = a.units.find((u) => u.unit === 'steering');
    expect(steering).toBeDefined();
    const kinds = a.kinds.map((k) => k.kind);
    const weightSum = kinds.reduce((x, k) => x + defaultRubric.scoring.organisation[k as 'pod'], 0);
    for (const u of a.units) {
      const n = latest.filter((c) => c.kind === u.kind && c.score !== undefined).length;
      const weight = defaultRubric.scoring.organisation[u.kind as 'pod'] / weightSum;
      expect(u.contribution).toBeCloseTo((weight / n) * (u.to - u.from), 1);
    }
    const abs = a.units.map((u) => Math.abs(u.contribution));
    expect(abs).toEqual([...abs].sort((x, y) => y - x));
  });

  it('hides the organisation figures and other units from a pod lead', async () => {
    const a = await json<AttributionResponse>(await app(podLead).request('/api/attribution'));
    expect(a.orgDelta).toBeNull();
    expect(a.units.every((u) => u.unit === 'pod:recsys')).toBe(true);
  });
});
