import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgTrendResponse, UnitResponse } from '../../../shared/api/contract.js';
import { serveDashboard } from '../../../shared/api/index.js';
import type { DashboardServer } from '../../../shared/api/index.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import type { LocalStores } from '../../helpers/local-servers.js';
import { seedStores } from '../../helpers/seed-memory-stores.js';
import { SEED_WEEKS } from '../../helpers/seed-scorecards.js';

// serveDashboard over real storage (dynalite + s3rver) on a real socket: the same bytes a browser gets.

let local: LocalStores;
let server: DashboardServer;

beforeAll(async () => {
  local = await startLocalStores();
  await seedStores(local.stores);
  server = await serveDashboard({ snapshots: local.stores.snapshots, runs: local.stores.runs, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await local?.close();
});

const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);

describe('serveDashboard', () => {
  it('listens on 127.0.0.1 by default', () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  it('serves the dashboard shell with a strict content security policy', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    const script = /<script type="module" crossorigin src="\.?\/?(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await get(`/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('serves the org trend from the seeded store', async () => {
    const body = (await (await get('/api/org/trend')).json()) as OrgTrendResponse;
    expect(body.points).toHaveLength(SEED_WEEKS);
    expect(body.name).toBe('Acme Retail');
  });

  it('answers a revalidation with 304 over HTTP', async () => {
    const first = await get('/api/units/pod:recsys');
    const etag = first.headers.get('etag') as string;
    expect(((await first.json()) as UnitResponse).scorecard.unit).toBe('pod:recsys');
    const second = await get('/api/units/pod:recsys', { headers: { 'If-None-Match': etag } });
    expect(second.status).toBe(304);
  });

  it('answers bad input with problem JSON over HTTP', async () => {
    const res = await get('/api/units/not%20a%20unit');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('reads DynamoDB a bounded number of times per dashboard view', async () => {
    // The executive view asks three routes, each in one read session that reads the as-of markers once: the org
    // trend (markers + org + 4 domain histories), movers and units (markers + two as-of index queries each); a pod
    // scorecard (latest pointer, then marker and item in one batch read) and its trend (markers + history).
    // Measured with 26 weeks of history: 12 (was 20) and 4 (was 5).
    const count = async (paths: string[]): Promise<number> => {
      local.stores.resetMetrics();
      await Promise.all(paths.map(async (p) => (await get(p)).arrayBuffer()));
      return local.stores.metrics().dynamodb;
    };
    const executive = await count(['/api/org/trend', '/api/movers?kind=pod&weeks=4&limit=5', '/api/units']);
    const pod = await count(['/api/units/pod:recsys', '/api/units/pod:recsys/trend']);
    expect(executive).toBeLessThanOrEqual(12);
    expect(pod).toBeLessThanOrEqual(4);
  });
});
