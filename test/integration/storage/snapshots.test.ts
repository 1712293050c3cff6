import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageError, encodeSnapshotItem, snapshotKey } from '../../../shared/storage/index.js';
import { startLocalStores, type LocalStores } from '../../helpers/local-servers.js';
import { makeCard } from './fixtures.js';

// Snapshots against a real dynalite: every suite gets its own in-memory server, so tests below use distinct
// unit names and as-ofs to stay independent of each other's writes.

let local: LocalStores;
beforeAll(async () => {
  local = await startLocalStores();
});
afterAll(async () => {
  await local.close();
});

describe('DynamoDB snapshot store', () => {
  it('reads a saved scorecard back by unit and exact as-of', async () => {
    const card = makeCard('pod:alpha', '2026-01-05', { score: 61 });
    await local.stores.snapshots.saveSnapshots('2026-01-05', [card], { runId: 'r1' });
    expect(await local.stores.snapshots.loadScorecard('pod:alpha', '2026-01-05')).toEqual(card);
  });

  it('returns null for a unit that has no snapshot at the asked as-of', async () => {
    expect(await local.stores.snapshots.loadScorecard('pod:alpha', '2025-12-29')).toBeNull();
    expect(await local.stores.snapshots.loadScorecard('pod:nobody', '2026-01-05')).toBeNull();
  });

  it('lists every unit of one as-of through the as-of index, ordered by unit', async () => {
    const asOf = '2026-01-12';
    const cards = ['pod:b', 'pod:a', 'domain:core', 'org'].map((u) => makeCard(u, asOf));
    await local.stores.snapshots.saveSnapshots(asOf, cards, { runId: 'r2' });
    const all = await local.stores.snapshots.loadAllAt(asOf);
    expect(all.map((c) => c.unit)).toEqual(['domain:core', 'org', 'pod:a', 'pod:b']);
    expect(all.every((c) => c.asOf === asOf)).toBe(true);
  });

  it('serves the latest complete as-of when no as-of is given, and a backfill of an older one does not move it back', async () => {
    await local.stores.snapshots.saveSnapshots('2026-03-02', [makeCard('pod:latest', '2026-03-02', { score: 70 })], { runId: 'r3' });
    await local.stores.snapshots.saveSnapshots('2026-02-23', [makeCard('pod:latest', '2026-02-23', { score: 40 })], { runId: 'r4' });
    const latest = await local.stores.snapshots.loadScorecard('pod:latest');
    expect(latest?.asOf).toBe('2026-03-02');
    expect(latest?.score).toBe(70);
  });

  it('keeps a unit history oldest first and honours from/to bounds inclusively', async () => {
    const asOfs = ['2026-04-06', '2026-04-13', '2026-04-20', '2026-04-27'];
    for (const [i, asOf] of [...asOfs].reverse().entries()) {
      await local.stores.snapshots.saveSnapshots(asOf, [makeCard('pod:hist', asOf, { score: i })], { runId: `h${i}` });
    }
    const all = await local.stores.snapshots.loadUnitHistory('pod:hist');
    expect(all.map((c) => c.asOf)).toEqual(asOfs);
    const bounded = await local.stores.snapshots.loadUnitHistory('pod:hist', { from: '2026-04-13', to: '2026-04-20' });
    expect(bounded.map((c) => c.asOf)).toEqual(['2026-04-13', '2026-04-20']);
  });

  it('includes timestamped as-ofs of the day named by a date-only upper bound', async () => {
    const asOf = '2026-04-28T06:00:00.000Z';
    await local.stores.snapshots.saveSnapshots(asOf, [makeCard('pod:stamped', asOf)], { runId: 'ts' });
    const bounded = await local.stores.snapshots.loadUnitHistory('pod:stamped', { from: '2026-04-28', to: '2026-04-28' });
    expect(bounded.map((c) => c.asOf)).toEqual([asOf]);
  });

  it('lists complete as-ofs oldest first', async () => {
    const asOfs = await local.stores.snapshots.listAsOfs();
    expect(asOfs).toEqual([...asOfs].sort());
    expect(asOfs).toEqual(expect.arrayContaining(['2026-01-05', '2026-01-12', '2026-03-02', '2026-04-27']));
  });

  it('hides an as-of whose snapshot items were written but whose completion marker was not', async () => {
    const asOf = '2026-09-07';
    await local.stores.snapshots.saveSnapshots('2026-09-01', [makeCard('pod:alpha', '2026-09-01', { score: 77 })], { runId: 'r6' });
    // Simulates a run that crashed after its batch writes and before the marker: the items exist in the table.
    await local.stores.dynamo.batchPut([encodeSnapshotItem(makeCard('pod:partial', asOf), asOf), encodeSnapshotItem(makeCard('pod:alpha', asOf), asOf)]);
    const raw = await local.stores.clients.dynamodb.send(
      new GetItemCommand({ TableName: local.env.RADAR_TABLE, Key: { PK: { S: snapshotKey('pod:partial', asOf).PK }, SK: { S: snapshotKey('pod:partial', asOf).SK } } }),
    );
    expect(raw.Item).toBeDefined();

    expect(await local.stores.snapshots.loadScorecard('pod:partial', asOf)).toBeNull();
    expect(await local.stores.snapshots.loadAllAt(asOf)).toEqual([]);
    expect(await local.stores.snapshots.listAsOfs()).not.toContain(asOf);
    expect(await local.stores.snapshots.loadUnitHistory('pod:partial')).toEqual([]);
    const latest = await local.stores.snapshots.loadScorecard('pod:alpha');
    expect(latest?.asOf).toBe('2026-09-01');
    expect(latest?.score).toBe(77);
  });

  it('does not show a unit left over from an earlier write of the same as-of that the completing write did not include', async () => {
    const asOf = '2026-05-04';
    await local.stores.dynamo.batchPut([encodeSnapshotItem(makeCard('pod:stale', asOf), asOf)]);
    await local.stores.snapshots.saveSnapshots(asOf, [makeCard('pod:fresh', asOf)], { runId: 'r5' });
    expect((await local.stores.snapshots.loadAllAt(asOf)).map((c) => c.unit)).toEqual(['pod:fresh']);
    expect(await local.stores.snapshots.loadScorecard('pod:stale', asOf)).toBeNull();
  });

  it('writes byte-identical snapshot items when the same as-of is saved again by another run', async () => {
    const asOf = '2026-06-01';
    const key = { PK: { S: snapshotKey('pod:idem', asOf).PK }, SK: { S: snapshotKey('pod:idem', asOf).SK } };
    const markerKey = { PK: { S: 'ASOF' }, SK: { S: asOf } };
    const read = async () => {
      const [item, marker] = await Promise.all([
        local.stores.clients.dynamodb.send(new GetItemCommand({ TableName: local.env.RADAR_TABLE, Key: key })),
        local.stores.clients.dynamodb.send(new GetItemCommand({ TableName: local.env.RADAR_TABLE, Key: markerKey })),
      ]);
      return JSON.stringify([item.Item, marker.Item]);
    };
    await local.stores.snapshots.saveSnapshots(asOf, [makeCard('pod:idem', asOf)], { runId: 'first' });
    const first = await read();
    await local.stores.snapshots.saveSnapshots(asOf, [makeCard('pod:idem', asOf)], { runId: 'second' });
    expect(await read()).toBe(first);
  });

  it('reads back all 300 five-kilobyte scorecards of one as-of across several 1 MB query pages', async () => {
    const asOf = '2026-07-06';
    const units = Array.from({ length: 300 }, (_, i) => `pod:big-${String(i).padStart(3, '0')}`);
    await local.stores.snapshots.saveSnapshots(asOf, units.map((u) => makeCard(u, asOf, { padBytes: 5 * 1024 })), { runId: 'big' });
    local.stores.resetMetrics();
    const all = await local.stores.snapshots.loadAllAt(asOf);
    expect(all.map((c) => c.unit)).toEqual(units);
    // 1.5 MB of items cannot come back in one Query response, so the paginator must have followed LastEvaluatedKey.
    expect(local.stores.metrics().calls['dynamodb.Query']).toBeGreaterThanOrEqual(2);
  });

  it('stores a scorecard above 350 KB compressed and reads it back unchanged', async () => {
    const asOf = '2026-08-03';
    const card = makeCard('pod:huge', asOf, { padBytes: 600 * 1024 });
    await local.stores.snapshots.saveSnapshots(asOf, [card], { runId: 'huge' });
    const raw = await local.stores.clients.dynamodb.send(
      new GetItemCommand({ TableName: local.env.RADAR_TABLE, Key: { PK: { S: 'UNIT#pod:huge' }, SK: { S: `SNAP#${asOf}` } } }),
    );
    expect(raw.Item?.bodyGz?.S).toBeDefined();
    expect(raw.Item?.body).toBeUndefined();
    expect(await local.stores.snapshots.loadScorecard('pod:huge', asOf)).toEqual(card);
  });

  it('refuses a scorecard whose own as-of differs from the as-of being saved', async () => {
    await expect(
      local.stores.snapshots.saveSnapshots('2026-10-05', [makeCard('pod:wrong', '2026-10-12')], { runId: 'bad' }),
    ).rejects.toBeInstanceOf(StorageError);
    expect(await local.stores.snapshots.listAsOfs()).not.toContain('2026-10-05');
  });
});

describe('DynamoDB snapshot store, batched reads for the API', () => {
  // 2025 as-ofs, older than every as-of above, so these writes never move the latest pointer other tests read.
  const week = ['2025-03-03', '2025-03-10', '2025-03-17'];

  beforeAll(async () => {
    for (const [i, asOf] of week.entries()) {
      await local.stores.snapshots.saveSnapshots(asOf, [makeCard('pod:many-a', asOf, { score: 10 + i }), makeCard('pod:many-b', asOf, { score: 20 + i })], { runId: `m${i}` });
    }
    // Left-overs the markers do not list: an item of an as-of that never completed and a unit dropped on rerun.
    await local.stores.dynamo.batchPut([encodeSnapshotItem(makeCard('pod:many-a', '2025-03-24'), '2025-03-24')]);
    await local.stores.dynamo.batchPut([encodeSnapshotItem(makeCard('pod:many-gone', '2025-03-10'), '2025-03-10')]);
  });

  it('loads several units’ histories exactly as one-by-one loads would, reading the as-of markers once', async () => {
    const snapshots = local.stores.snapshots;
    expect(snapshots.loadHistories).toBeDefined();
    const units = ['pod:many-a', 'pod:many-gone', 'pod:many-none', 'pod:many-b'];
    const oneByOne = await Promise.all(units.map((u) => snapshots.loadUnitHistory(u)));
    local.stores.resetMetrics();
    const batched = await snapshots.loadHistories?.(units);
    expect(local.stores.metrics().calls).toEqual({ 'dynamodb.Query': 1 + units.length });
    expect(batched).toEqual(oneByOne);
    expect(batched?.[0]?.map((c) => c.asOf)).toEqual(week);
    expect(batched?.[1]).toEqual([]);
    expect(batched?.[3]?.map((c) => c.score)).toEqual([20, 21, 22]);
  });

  it('answers a read session’s as-of listing, as-of loads and histories from one read of the markers', async () => {
    const snapshots = local.stores.snapshots;
    const direct = {
      asOfs: await snapshots.listAsOfs(),
      at: await snapshots.loadAllAt('2025-03-10'),
      history: await snapshots.loadUnitHistory('pod:many-b'),
    };
    local.stores.resetMetrics();
    const session = snapshots.readSession?.();
    expect(session).toBeDefined();
    const asOfs = await session?.listAsOfs();
    const [at, history, missing] = await Promise.all([
      session?.loadAllAt('2025-03-10'),
      session?.loadUnitHistory('pod:many-b'),
      session?.loadAllAt('2025-03-24'),
    ]);
    expect({ asOfs, at, history }).toEqual(direct);
    expect(at?.map((c) => c.unit)).toEqual(['pod:many-a', 'pod:many-b']);
    expect(missing).toEqual([]);
    // One marker query, two as-of index queries, one unit query; no per-as-of marker reads.
    expect(local.stores.metrics().calls).toEqual({ 'dynamodb.Query': 4 });
  });

  it('reads one card with a single batch read of its marker and item, and none for a unit the marker omits', async () => {
    local.stores.resetMetrics();
    expect((await local.stores.snapshots.loadScorecard('pod:many-b', '2025-03-17'))?.score).toBe(22);
    expect(local.stores.metrics().calls).toEqual({ 'dynamodb.BatchGetItem': 1 });
    expect(await local.stores.snapshots.loadScorecard('pod:many-gone', '2025-03-10')).toBeNull();
    expect(await local.stores.snapshots.loadScorecard('pod:many-a', '2025-03-24')).toBeNull();
  });

  it('keeps a read session on the markers it first read, while a new session sees a later completed as-of', async () => {
    const session = local.stores.snapshots.readSession?.();
    expect(await session?.listAsOfs()).not.toContain('2025-03-31');
    await local.stores.snapshots.saveSnapshots('2025-03-31', [makeCard('pod:many-a', '2025-03-31')], { runId: 'm9' });
    expect(await session?.listAsOfs()).not.toContain('2025-03-31');
    expect(await session?.loadAllAt('2025-03-31')).toEqual([]);
    expect(await local.stores.snapshots.readSession?.().listAsOfs()).toContain('2025-03-31');
    expect((await local.stores.snapshots.loadUnitHistory('pod:many-a')).map((c) => c.asOf)).toEqual([...week, '2025-03-31']);
  });
});
