import { beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp, UnauthenticatedError } from '../../../shared/api/index.js';
import type {
  MoversResponse,
  OrgTrendResponse,
  Problem,
  RunsResponse,
  UnitResponse,
  UnitsResponse,
  UnitTrendResponse,
  AsOfsResponse,
} from '../../../shared/api/index.js';
import type { Scope } from '../../../shared/api/index.js';
import { createMemoryStores, seedStores } from '../../helpers/seed-memory-stores.js';
import type { MemoryStores } from '../../helpers/seed-memory-stores.js';
import { listBindings } from '../../../shared/org/index.js';
import { SEED_RUBRIC_SWITCH_WEEK, SEED_RUBRIC_VERSIONS, SEED_WEEKS, loadDemoOrg, seedAsOfs } from '../../helpers/seed-scorecards.js';

let stores: MemoryStores;
beforeAll(async () => {
  stores = createMemoryStores();
  await seedStores(stores);
});

const app = (authorise?: (req: Request) => Promise<Scope>) => buildApiApp({ snapshots: stores.snapshots, runs: stores.runs, authorise });
const podLead: Scope = { kind: 'units', units: new Set(['pod:recsys']) };
const domainLead: Scope = {
  kind: 'units',
  units: new Set(['domain:supply-chain', 'pod:demand-forecast', 'pod:route-optimiser', 'pod:inventory-vision']),
};
const as = (scope: Scope) => () => Promise.resolve(scope);

async function problemOf(res: Response): Promise<Problem> {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as Problem;
  expect(body.status).toBe(res.status);
  expect(typeof body.type).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

describe('GET /api/asofs', () => {
  it('lists every complete as-of oldest first', async () => {
    const body = (await (await app().request('/api/asofs')).json()) as AsOfsResponse;
    expect(body.asOfs).toEqual(seedAsOfs());
  });
});

describe('GET /api/org/trend', () => {
  it('returns one point per as-of with the org score, rubric version and pods by level', async () => {
    const body = (await (await app().request('/api/org/trend')).json()) as OrgTrendResponse;
    expect(body.points).toHaveLength(SEED_WEEKS);
    const orgCards = await stores.snapshots.loadUnitHistory('org');
    expect(body.points.map((p) => p.score)).toEqual(orgCards.map((c) => Math.round((c.score as number) * 10) / 10));
    for (const p of body.points) {
      const pods = Object.values(p.podsByLevel).reduce((a, b) => a + b, 0);
      expect(pods).toBe(13);
      expect(p.principles.map((x) => x.principle)).toEqual([
        'data-driven-autonomy',
        'rapid-learning-cycles',
        'cross-functional-collaboration',
        'continuous-innovation',
      ]);
    }
  });

  it('marks the as-of where the rubric version changed', async () => {
    const body = (await (await app().request('/api/org/trend')).json()) as OrgTrendResponse;
    expect(body.rubricChanges).toEqual([
      { asOf: seedAsOfs()[SEED_RUBRIC_SWITCH_WEEK], from: SEED_RUBRIC_VERSIONS[0], to: SEED_RUBRIC_VERSIONS[1] },
    ]);
  });

  it('lists the four domains with a score series each', async () => {
    const body = (await (await app().request('/api/org/trend')).json()) as OrgTrendResponse;
    expect(body.domains.map((d) => d.unit).sort()).toEqual([
      'domain:customer-engagement',
      'domain:predictive-analytics',
      'domain:product-innovation',
      'domain:supply-chain',
    ]);
    for (const d of body.domains) expect(d.points).toHaveLength(SEED_WEEKS);
  });

  it('reads the store a bounded number of times whatever the length of history', async () => {
    stores.resetCalls();
    await app().request('/api/org/trend');
    const total = Object.values(stores.calls).reduce((a, b) => a + b, 0);
    expect(total).toBe(1 + 4); // org history + one history per domain
  });

  it('hides the org score and other units from a domain lead but counts their pods', async () => {
    const body = (await (await app(as(domainLead)).request('/api/org/trend')).json()) as OrgTrendResponse;
    expect(body.orgVisible).toBe(false);
    expect(body.points.every((p) => p.score === null && p.principles.length === 0)).toBe(true);
    expect(body.domains.map((d) => d.unit)).toEqual(['domain:supply-chain']);
    for (const p of body.points) expect(Object.values(p.podsByLevel).reduce((a, b) => a + b, 0)).toBe(3);
  });
});

describe('GET /api/units', () => {
  it('summarises every unit at the latest as-of with a delta since four weeks before', async () => {
    const body = (await (await app().request('/api/units')).json()) as UnitsResponse;
    const asOfs = seedAsOfs();
    expect(body.asOf).toBe(asOfs.at(-1));
    expect(body.deltaFrom).toBe(asOfs.at(-5));
    expect(body.units).toHaveLength(26);
    const recsys = body.units.find((u) => u.unit === 'pod:recsys');
    const now = await stores.snapshots.loadScorecard('pod:recsys');
    const then = await stores.snapshots.loadScorecard('pod:recsys', asOfs.at(-5));
    expect(recsys?.delta).toBeCloseTo((now?.score as number) - (then?.score as number), 0);
    expect(recsys?.parent).toBe('domain:customer-engagement');
  });

  it('filters by kind', async () => {
    const body = (await (await app().request('/api/units?kind=domain')).json()) as UnitsResponse;
    expect(body.units.map((u) => u.kind)).toEqual(['domain', 'domain', 'domain', 'domain']);
  });

  it('counts missing signals instead of scoring them zero', async () => {
    const body = (await (await app().request('/api/units?kind=pod')).json()) as UnitsResponse;
    const pricing = body.units.find((u) => u.unit === 'pod:pricing-insights');
    expect(pricing?.missingSignals).toBe(2); // no MLflow binding: runs per week and model promotions
    expect(pricing?.score).not.toBeNull();
  });

  it('rejects an unknown kind with a 400 problem', async () => {
    const res = await app().request('/api/units?kind=team');
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toMatch(/^kind: /);
  });

  it('lists only the units in the caller scope', async () => {
    const body = (await (await app(as(domainLead)).request('/api/units')).json()) as UnitsResponse;
    expect(body.units.map((u) => u.unit).sort()).toEqual([...domainLead.units].sort());
  });
});

describe('GET /api/units/:unit', () => {
  it('returns the latest scorecard when no as-of is given', async () => {
    const body = (await (await app().request('/api/units/pod:recsys')).json()) as UnitResponse;
    expect(body.scorecard.unit).toBe('pod:recsys');
    expect(body.scorecard.asOf).toBe(seedAsOfs().at(-1));
  });

  it('returns the scorecard at the requested as-of', async () => {
    const asOf = seedAsOfs()[3] as string;
    const body = (await (await app().request(`/api/units/pod:recsys?asOf=${encodeURIComponent(asOf)}`)).json()) as UnitResponse;
    expect(body.scorecard.asOf).toBe(asOf);
    expect(body.scorecard.rubric.version).toBe(SEED_RUBRIC_VERSIONS[0]);
  });

  it('answers 400 for a malformed unit ref', async () => {
    const res = await app().request('/api/units/pods:recsys');
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toMatch(/must be a unit/);
  });

  it('answers 400 for a malformed as-of', async () => {
    const res = await app().request('/api/units/pod:recsys?asOf=last-tuesday');
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toMatch(/^asOf: /);
  });

  it('answers 404 for a unit with no snapshot', async () => {
    const res = await app().request('/api/units/pod:does-not-exist');
    expect(res.status).toBe(404);
    await problemOf(res);
  });

  it('answers 404 when there is no snapshot at that as-of', async () => {
    const res = await app().request('/api/units/pod:recsys?asOf=2020-01-06');
    expect(res.status).toBe(404);
    expect((await problemOf(res)).detail).toContain('2020-01-06');
  });

  it('answers 403 for a unit outside the caller scope', async () => {
    const res = await app(as(podLead)).request('/api/units/pod:churn-predict');
    expect(res.status).toBe(403);
    expect((await problemOf(res)).title).toBe('Outside your scope');
  });

  it('keeps rollup members outside the caller scope out of a readable unit', async () => {
    const scope: Scope = { kind: 'units', units: new Set(['network:mlops', 'pod:recsys']) };
    const body = (await (await app(as(scope)).request('/api/units/network:mlops')).json()) as UnitResponse;
    expect(body.scorecard.rollup?.members.map((m) => m.unit)).toEqual(['pod:recsys']);
    expect(body.hiddenMembers).toBe(5);
  });
});

describe('GET /api/units/:unit/trend', () => {
  it('returns the score and every dimension level per as-of', async () => {
    const body = (await (await app().request('/api/units/pod:recsys/trend')).json()) as UnitTrendResponse;
    expect(body.points).toHaveLength(SEED_WEEKS);
    expect(body.points[0]?.dimensions.map((d) => d.dimensionId)).toContain('pod.rapid-experimentation');
    expect(body.rubricChanges).toHaveLength(1);
    // recsys is on an improving trajectory in the demo story
    expect(body.points.at(-1)?.score as number).toBeGreaterThan(body.points[0]?.score as number);
  });

  it('answers 403 for a unit outside the caller scope before reading the store', async () => {
    stores.resetCalls();
    const res = await app(as(podLead)).request('/api/units/domain:supply-chain/trend');
    expect(res.status).toBe(403);
    expect(stores.calls.loadUnitHistory).toBeUndefined();
  });
});

describe('GET /api/movers', () => {
  it('ranks risers and fallers by score change over the requested weeks', async () => {
    const body = (await (await app().request('/api/movers?weeks=12&limit=3')).json()) as MoversResponse;
    expect(body.weeks).toBe(12);
    expect(body.risers.length).toBeGreaterThan(0);
    expect(body.fallers.length).toBeGreaterThan(0);
    expect(body.risers.every((m) => m.delta > 0 && m.kind === 'pod')).toBe(true);
    expect(body.fallers.every((m) => m.delta < 0)).toBe(true);
    const deltas = body.risers.map((m) => m.delta);
    expect(deltas).toEqual([...deltas].sort((a, b) => b - a));
    expect(body.risers.length).toBeLessThanOrEqual(3);
  });

  it('says when the rubric changed inside the compared window', async () => {
    const across = (await (await app().request('/api/movers?weeks=20')).json()) as MoversResponse;
    const within = (await (await app().request('/api/movers?weeks=4')).json()) as MoversResponse;
    expect(across.rubricChanged).toBe(true);
    expect(within.rubricChanged).toBe(false);
  });

  it('rejects a limit out of range with a 400 problem', async () => {
    const res = await app().request('/api/movers?limit=500');
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toMatch(/^limit: /);
  });
});

describe('GET /api/runs', () => {
  it('returns recent runs newest first with per-source counts', async () => {
    const body = (await (await app().request('/api/runs?limit=3')).json()) as RunsResponse;
    expect(body.runs).toHaveLength(3);
    expect(body.runs[0]?.asOf).toBe(seedAsOfs().at(-1));
    const bindings = listBindings(loadDemoOrg()).length;
    expect(body.runs[0]?.counts).toEqual({ ok: bindings - 1, failed: 1, skipped: 0 });
    expect(body.runs[0]?.bySource.github?.failed).toBe(1);
  });

  it('keeps only in-scope bindings for a scoped caller', async () => {
    const body = (await (await app(as(podLead)).request('/api/runs?limit=1')).json()) as RunsResponse;
    expect(new Set(body.runs[0]?.bindings.map((b) => b.unit))).toEqual(new Set(['pod:recsys']));
  });
});

describe('caching', () => {
  it('answers 304 with no body when If-None-Match carries the current ETag', async () => {
    const first = await app().request('/api/units');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).toContain('private');
    const second = await app().request('/api/units', { headers: { 'If-None-Match': `W/${etag}` } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    expect(second.headers.get('etag')).toBe(etag);
  });

  it('answers 200 when the ETag no longer matches', async () => {
    const res = await app().request('/api/units', { headers: { 'If-None-Match': '"stale"' } });
    expect(res.status).toBe(200);
  });

  it('gives different callers different ETags when their scopes differ', async () => {
    const all = await app().request('/api/units');
    const scoped = await app(as(podLead)).request('/api/units');
    expect(all.headers.get('etag')).not.toBe(scoped.headers.get('etag'));
  });
});

describe('errors', () => {
  it('answers 401 with a Bearer challenge when the authoriser rejects the caller', async () => {
    const res = await app(() => Promise.reject(new UnauthenticatedError({ reason: 'token expired' }))).request('/api/units');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect((await problemOf(res)).detail).toBe('token expired');
  });

  it('answers a generic 500 without internals when a store fails unexpectedly', async () => {
    const broken = buildApiApp({
      snapshots: { ...stores.snapshots, listAsOfs: () => Promise.reject(new Error('ECONNREFUSED dynamodb://secret-table')) },
      runs: stores.runs,
    });
    const res = await broken.request('/api/asofs');
    expect(res.status).toBe(500);
    const text = await res.clone().text();
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toContain('secret-table');
    await problemOf(res);
  });

  it('answers unknown API routes with a 404 problem', async () => {
    const res = await app().request('/api/nothing-here');
    expect(res.status).toBe(404);
    await problemOf(res);
  });

  it('never includes a person identifier in any response', async () => {
    const paths = ['/api/org/trend', '/api/units', '/api/units/pod:recsys', '/api/units/pod:recsys/trend', '/api/movers', '/api/runs'];
    for (const p of paths) {
      const text = await (await app().request(p)).text();
      expect(text).not.toMatch(/@[a-z0-9-]+\.[a-z]/i); // no e-mail addresses
      expect(text).not.toMatch(/"(login|email|author|assignee|user(name)?)"\s*:/i);
    }
  });
});
