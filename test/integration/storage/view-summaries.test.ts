import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp } from '../../../shared/api/index.js';
import type { OverviewResponse, Scope, UnitPageResponse, UnitsResponse } from '../../../shared/api/index.js';
import { asOfMarkerKey, encodeSnapshotItem, LATEST_POINTER_KEY } from '../../../shared/storage/index.js';
import type { UnitScorecard } from '../../../shared/scoring/types.js';
import { startLocalStores, type LocalStores } from '../../helpers/local-servers.js';
import { buildSeedHistory } from '../../helpers/seed-scorecards.js';

// The one-query views against a real dynalite: DynamoDB calls per view request counted by the stores' own SDK
// middleware, and as-ofs written before summaries existed still served (through the full reads).

const history = buildSeedHistory(undefined, 30);

async function get<T>(app: ReturnType<typeof buildApiApp>, path: string): Promise<T> {
  const res = await app.request(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** DynamoDB calls one request costs. */
async function callsOf(local: LocalStores, app: ReturnType<typeof buildApiApp>, path: string): Promise<number> {
  local.stores.resetMetrics();
  await get(app, path);
  return local.stores.metrics().dynamodb;
}

/** Writes an as-of the way the store did before summaries: snapshots, marker, pointer without the complete set. */
async function saveLegacy(local: LocalStores, asOf: string, cards: readonly UnitScorecard[]): Promise<void> {
  const { dynamo } = local.stores;
  await dynamo.batchPut(cards.map((c) => encodeSnapshotItem(c, asOf)));
  const units = cards.map((c) => c.unit).sort();
  await dynamo.doc.send(new PutCommand({ TableName: dynamo.name, Item: { ...asOfMarkerKey(asOf), entity: 'asof', asOf, units, count: units.length } }));
  await dynamo.doc.send(
    new UpdateCommand({ TableName: dynamo.name, Key: { ...LATEST_POINTER_KEY }, UpdateExpression: 'SET asOf = :a, entity = :e', ExpressionAttributeValues: { ':a': asOf, ':e': 'latest' } }),
  );
}

describe('one-query views over summaries written at score time', () => {
  let local: LocalStores;
  let app: ReturnType<typeof buildApiApp>;
  beforeAll(async () => {
    local = await startLocalStores();
    for (const { asOf, cards } of history) await local.stores.snapshots.saveSnapshots(asOf, cards, { runId: `r-${asOf}` });
    app = buildApiApp({ snapshots: local.stores.snapshots, runs: local.stores.runs });
  }, 120_000);
  afterAll(async () => {
    await local.close();
  });

  it('draws the executive view in at most 2 DynamoDB calls', async () => {
    expect(await callsOf(local, app, '/api/overview?weeks=4')).toBeLessThanOrEqual(2);
    expect(await callsOf(local, app, '/api/overview?weeks=52')).toBeLessThanOrEqual(2);
  });

  it('lists the units, with their placement, in at most 2 DynamoDB calls', async () => {
    expect(await callsOf(local, app, '/api/units')).toBeLessThanOrEqual(2);
    const units = await get<UnitsResponse>(app, '/api/units');
    expect(units.placement?.rows.find((r) => r.unit === 'pod:recsys')?.domain).toMatch(/^domain:/);
  });

  it('draws a unit page (card, previous, four weeks back, trend) in at most 3 DynamoDB calls', async () => {
    expect(await callsOf(local, app, '/api/units/pod%3Arecsys/page')).toBeLessThanOrEqual(3);
    const page = await get<UnitPageResponse>(app, '/api/units/pod%3Arecsys/page');
    const asOfs = history.map((h) => h.asOf);
    expect(page.trend.asOfs).toEqual(asOfs);
    expect(page.scorecard.asOf).toBe(asOfs.at(-1));
    expect(page.previous?.asOf).toBe(asOfs.at(-2));
    expect(page.fourWeeks?.asOf).toBe(asOfs.at(-5));
  });

  it('serves a past as-of from its own summary', async () => {
    const past = history[10]?.asOf as string;
    expect(await callsOf(local, app, `/api/overview?asOf=${encodeURIComponent(past)}`)).toBeLessThanOrEqual(2);
    const o = await get<OverviewResponse>(app, `/api/overview?asOf=${encodeURIComponent(past)}`);
    expect(o.asOf).toBe(past);
    expect(o.trend.points.at(-1)?.asOf).toBe(past);
    expect(o.trend.points).toHaveLength(11);
  });

  /** The same store without the summary methods: the API then takes the full reads (what it did before summaries). */
  function withoutSummaries(scope?: Scope): ReturnType<typeof buildApiApp> {
    const s = local.stores.snapshots;
    return buildApiApp({
      snapshots: {
        saveSnapshots: s.saveSnapshots.bind(s),
        loadScorecard: s.loadScorecard.bind(s),
        loadAllAt: s.loadAllAt.bind(s),
        listAsOfs: s.listAsOfs.bind(s),
        loadUnitHistory: s.loadUnitHistory.bind(s),
      },
      runs: local.stores.runs,
      ...(scope ? { authorise: () => Promise.resolve(scope) } : {}),
    });
  }

  it('gives the same overview, units list and unit page from the summary as from the full reads', async () => {
    const plain = withoutSummaries();
    for (const path of ['/api/overview?weeks=4', '/api/overview?weeks=13', '/api/units', '/api/units/pod%3Arecsys/page', '/api/units/domain%3Asupply-chain/page']) {
      expect(await get(app, path), path).toEqual(await get(plain, path));
    }
  });

  it('shows a pod lead only their pod from the summaries, as the full reads do', async () => {
    const podLead: Scope = { kind: 'units', units: new Set(['pod:recsys']) };
    const scoped = buildApiApp({ snapshots: local.stores.snapshots, runs: local.stores.runs, authorise: () => Promise.resolve(podLead) });
    const o = await get<OverviewResponse>(scoped, '/api/overview?weeks=4');
    expect(o.grid.rows.map((r) => r.unit)).toEqual(['pod:recsys']);
    expect(o.trend.orgVisible).toBe(false);
    expect(o.attribution.units.every((u) => u.unit === 'pod:recsys')).toBe(true);
    expect((await get<UnitsResponse>(scoped, '/api/units')).units.map((u) => u.unit)).toEqual(['pod:recsys']);
    const plain = withoutSummaries(podLead);
    for (const path of ['/api/overview?weeks=4', '/api/units']) expect(await get(scoped, path), path).toEqual(await get(plain, path));
  });
});

describe('as-ofs written before summaries existed', () => {
  let local: LocalStores;
  let app: ReturnType<typeof buildApiApp>;
  const legacy = history.slice(0, 6);
  const after = history.slice(6, 8);
  beforeAll(async () => {
    local = await startLocalStores();
    for (const { asOf, cards } of legacy) await saveLegacy(local, asOf, cards);
    app = buildApiApp({ snapshots: local.stores.snapshots, runs: local.stores.runs });
  }, 120_000);
  afterAll(async () => {
    await local.close();
  });

  it('serves the executive, units and unit views of a store that has no summary at all', async () => {
    const o = await get<OverviewResponse>(app, '/api/overview?weeks=4');
    expect(o.trend.points.map((p) => p.asOf)).toEqual(legacy.map((h) => h.asOf));
    expect(o.grid.rows.length).toBe(legacy.at(-1)?.cards.length);
    expect((await get<UnitsResponse>(app, '/api/units')).units.length).toBe(legacy.at(-1)?.cards.length);
    const page = await get<UnitPageResponse>(app, '/api/units/pod%3Arecsys/page');
    expect(page.trend.asOfs).toEqual(legacy.map((h) => h.asOf));
  });

  it('keeps serving the whole history once new as-ofs with summaries follow the old ones', async () => {
    for (const { asOf, cards } of after) await local.stores.snapshots.saveSnapshots(asOf, cards, { runId: `r-${asOf}` });
    const all = [...legacy, ...after].map((h) => h.asOf);
    const o = await get<OverviewResponse>(app, '/api/overview?weeks=4');
    expect(o.trend.points.map((p) => p.asOf)).toEqual(all);
    const page = await get<UnitPageResponse>(app, '/api/units/pod%3Arecsys/page');
    expect(page.trend.asOfs).toEqual(all);
    expect(page.previous?.asOf).toBe(all.at(-2));
  });
});

describe('the decoded summary view reused between requests', () => {
  let local: LocalStores;
  const short = buildSeedHistory(undefined, 6);
  beforeAll(async () => {
    local = await startLocalStores();
    for (const { asOf, cards } of short) await local.stores.snapshots.saveSnapshots(asOf, cards, { runId: `r-${asOf}` });
  }, 120_000);
  afterAll(async () => {
    await local.close();
  });

  it('serves the rewritten summary of a re-scored as-of, not the view decoded before the rewrite', async () => {
    const app = buildApiApp({ snapshots: local.stores.snapshots, runs: local.stores.runs });
    const latest = short.at(-1) as (typeof short)[number];
    const before = await get<OverviewResponse>(app, '/api/overview?weeks=4');
    // Asked twice: the second answer comes from the reused view and must equal the first.
    expect(await get<OverviewResponse>(app, '/api/overview?weeks=4')).toEqual(before);
    const org = before.trend.points.at(-1)?.score as number;
    expect(typeof org).toBe('number');
    const rescored = latest.cards.map((c) => (c.kind === 'org' ? { ...c, score: Math.round((org > 50 ? org - 7 : org + 7) * 10) / 10 } : c));
    await local.stores.snapshots.saveSnapshots(latest.asOf, rescored, { runId: 'rerun' });
    const after = await get<OverviewResponse>(app, '/api/overview?weeks=4');
    expect(after.asOf).toBe(latest.asOf);
    expect(after.trend.points.at(-1)?.score).toBe(rescored.find((c) => c.kind === 'org')?.score);
    expect(after.trend.points.at(-1)?.score).not.toBe(org);
  });
});
