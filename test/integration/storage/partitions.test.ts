import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeActivities } from '../../../shared/pipeline/index.js';
import type { Activity } from '../../../shared/sources/contract.js';
import {
  activitiesIndexKey,
  activitiesKey,
  activitiesPartitionKey,
  activitiesPrefix,
  canonicalJson,
  gzipDeterministic,
} from '../../../shared/storage/index.js';
import { startLocalStores, type LocalStores } from '../../helpers/local-servers.js';
import { makeActivity } from './fixtures.js';

// Month partitions of normalised activities over s3rver: an update reads and writes only the partitions it
// touches, writes nothing when nothing changes, finds removed and moved ids wherever they live, windows read only
// the partitions they overlap, and data in the single-object layout of earlier versions is read and migrated.

let local: LocalStores;
beforeAll(async () => {
  local = await startLocalStores();
});
afterAll(async () => {
  await local.close();
});

/** An activity at a given day (UTC) of 2026, with an id of its own. */
function at(n: number, iso: string, binding: string, over: Partial<Activity> = {}): Activity {
  return { ...makeActivity(n, binding), at: iso, ...over };
}

/** Every object under the binding's prefix, key → bytes (base64). */
async function objectsOf(binding: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of await local.stores.objects.listKeys(activitiesPrefix(binding))) {
    const res = await local.stores.clients.s3.send(new GetObjectCommand({ Bucket: local.env.RADAR_BUCKET, Key: key }));
    out.set(key, Buffer.from(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()).toString('base64'));
  }
  return out;
}

function changedKeys(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k)).sort();
}

/** The collect step's change: merge fresh activities and removals into the partitions they touch. */
function applyChange(binding: string, fresh: Activity[], removed: string[] = []) {
  return local.stores.objects.updateActivities(
    binding,
    { ats: fresh.map((a) => a.at), ids: [...fresh.map((a) => a.id), ...removed] },
    (stored) => mergeActivities(stored, fresh, removed),
  );
}

const JAN = '2026-01-10T10:00:00.000Z';
const FEB = '2026-02-10T10:00:00.000Z';
const MAR = '2026-03-10T10:00:00.000Z';

describe('normalised activities in month partitions', () => {
  it('stores one object per month of `at` plus an index, and reads them all back', async () => {
    const b = 'pod:months/github';
    const acts = [at(1, JAN, b), at(2, FEB, b), at(3, FEB, b), at(4, MAR, b)];
    await applyChange(b, acts);
    expect([...(await objectsOf(b)).keys()].sort()).toEqual(
      [activitiesPartitionKey(b, '2026-01'), activitiesPartitionKey(b, '2026-02'), activitiesPartitionKey(b, '2026-03'), activitiesIndexKey(b)].sort(),
    );
    expect(await local.stores.objects.loadActivities(b)).toEqual([...acts].sort((x, y) => (x.id < y.id ? -1 : 1)));
  });

  it('writes nothing at all when the change brings only what is already stored', async () => {
    const b = 'pod:same/github';
    const acts = [at(1, JAN, b), at(2, FEB, b)];
    await applyChange(b, acts);
    const before = await objectsOf(b);
    local.stores.resetMetrics();
    // The same content read again from another raw page: the stored version (and its rawRef) is kept.
    const again = acts.map((a) => ({ ...a, rawRef: { key: 'raw/other.json.gz', index: 9 } }));
    const res = await applyChange(b, again);
    const m = local.stores.metrics();
    expect(m.calls['s3.PutObject'] ?? 0).toBe(0);
    expect(m.putBytes.normalised ?? 0).toBe(0);
    expect(res.partitionsWritten).toBe(0);
    expect(changedKeys(before, await objectsOf(b))).toEqual([]);
  });

  it('rewrites only the partition of the month a change lands in, and reads only that one', async () => {
    const b = 'pod:onemonth/github';
    await applyChange(b, [at(1, JAN, b), at(2, FEB, b), at(3, MAR, b)]);
    const before = await objectsOf(b);
    local.stores.resetMetrics();
    const res = await applyChange(b, [at(2, FEB, b, { attrs: { state: 'merged' } })]);
    // The index and February read; same ids, so the index is unchanged and exactly one object is written.
    expect(local.stores.metrics().calls).toEqual({ 's3.GetObject': 2, 's3.PutObject': 1 });
    expect(res).toEqual({ stored: 3, partitionsRead: 1, partitionsWritten: 1 });
    expect(changedKeys(before, await objectsOf(b))).toEqual([activitiesPartitionKey(b, '2026-02')]);
  });

  it('adds a new month as one new partition and an updated index, leaving the other months untouched', async () => {
    const b = 'pod:newmonth/github';
    await applyChange(b, [at(1, JAN, b), at(2, FEB, b)]);
    const before = await objectsOf(b);
    await applyChange(b, [at(3, MAR, b)]);
    expect(changedKeys(before, await objectsOf(b))).toEqual([activitiesPartitionKey(b, '2026-03'), activitiesIndexKey(b)].sort());
  });

  it('deletes a removed id from the partition it lives in, though the change brings nothing of that month', async () => {
    const b = 'pod:remove/github';
    const gone = at(1, JAN, b);
    await applyChange(b, [gone, at(2, JAN, b), at(3, MAR, b)]);
    await applyChange(b, [at(4, MAR, b)], [gone.id]);
    const back = await local.stores.objects.loadActivities(b);
    expect(back.map((a) => a.rawRef.index).sort()).toEqual([2, 3, 4]);
  });

  it('drops every stored activity whose id has a handed-over prefix, in every month, and only those partitions', async () => {
    const b = 'pod:handover/mlflow';
    const version = (n: number, when: string): Activity => at(n, when, b, { id: `mlflow:model-version:m/${n}`, kind: 'model-version' });
    await applyChange(b, [version(1, JAN), at(2, JAN, b), version(3, FEB), at(4, MAR, b)]);
    const before = await objectsOf(b);
    const prefixes = ['mlflow:model-version:'];
    const result = await local.stores.objects.updateActivities(b, { ats: [], ids: [], idPrefixes: prefixes },
      (stored) => stored.filter((a) => !prefixes.some((p) => a.id.startsWith(p))));
    expect(result).toMatchObject({ stored: 2, partitionsRead: 2 });
    expect((await local.stores.objects.loadActivities(b)).map((a) => a.rawRef.index).sort()).toEqual([2, 4]);
    expect(changedKeys(before, await objectsOf(b))).toEqual([activitiesPartitionKey(b, '2026-01'), activitiesPartitionKey(b, '2026-02'), activitiesIndexKey(b)].sort());
  });

  it('moves an activity whose time changed month, leaving no copy in its old partition', async () => {
    const b = 'pod:move/github';
    const a = at(1, JAN, b);
    await applyChange(b, [a, at(2, JAN, b)]);
    await applyChange(b, [{ ...a, at: MAR }]);
    const back = await local.stores.objects.loadActivities(b);
    expect(back.filter((x) => x.id === a.id).map((x) => x.at)).toEqual([MAR]);
    expect(back).toHaveLength(2);
  });

  it('empties a partition whose every activity was removed, so no removed data stays stored', async () => {
    const b = 'pod:empty/github';
    const gone = at(1, JAN, b);
    await applyChange(b, [gone, at(2, FEB, b)]);
    await applyChange(b, [], [gone.id]);
    expect(await local.stores.objects.loadActivities(b)).toHaveLength(1);
    const objects = await objectsOf(b);
    // The emptied partition holds an empty gzip stream (no lines), and the index no longer lists January.
    expect(Buffer.from(objects.get(activitiesPartitionKey(b, '2026-01')) ?? '', 'base64').equals(gzipDeterministic(''))).toBe(true);
    expect(await local.stores.objects.loadActivities(b, { from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T23:59:59.999Z' })).toEqual([]);
  });

  it('reads only the partitions a window overlaps (both ends inclusive) through the index, with no listing', async () => {
    const b = 'pod:window/github';
    await applyChange(b, [at(1, JAN, b), at(2, FEB, b), at(3, MAR, b), at(4, '2026-02-28T23:59:59.999Z', b)]);
    local.stores.resetMetrics();
    const got = await local.stores.objects.loadActivities(b, { from: '2026-02-10T10:00:00.000Z', to: '2026-02-28T23:59:59.999Z' });
    expect(got.map((a) => a.rawRef.index).sort()).toEqual([2, 4]);
    expect(local.stores.metrics().calls).toEqual({ 's3.GetObject': 2 });
  });

  it('reads data an earlier version stored as one object, and migrates it whole on the next change', async () => {
    const b = 'pod:legacy/github';
    const old = [at(1, JAN, b), at(2, FEB, b), at(3, MAR, b)].sort((x, y) => (x.id < y.id ? -1 : 1));
    const body = gzipDeterministic(old.map((a) => `${canonicalJson(a)}\n`).join(''));
    await local.stores.clients.s3.send(new PutObjectCommand({ Bucket: local.env.RADAR_BUCKET, Key: activitiesKey(b), Body: body, ContentType: 'application/gzip' }));
    expect(await local.stores.objects.loadActivities(b)).toEqual(old);
    expect((await local.stores.objects.loadActivities(b, { from: FEB, to: FEB })).map((a) => a.at)).toEqual([FEB]);

    // A change in March only: every legacy month is written as a partition, nothing of the old data is lost.
    const fresh = at(4, MAR, b);
    await applyChange(b, [fresh]);
    const keys = [...(await objectsOf(b)).keys()];
    expect(keys).toEqual(expect.arrayContaining([activitiesIndexKey(b), activitiesPartitionKey(b, '2026-01'), activitiesPartitionKey(b, '2026-02'), activitiesPartitionKey(b, '2026-03')]));
    expect(await local.stores.objects.loadActivities(b)).toEqual([...old, fresh].sort((x, y) => (x.id < y.id ? -1 : 1)));
    // From now on the partitions are read, not the legacy object: a January window reads the index and January.
    local.stores.resetMetrics();
    expect((await local.stores.objects.loadActivities(b, { from: JAN, to: JAN })).map((a) => a.rawRef.index)).toEqual([1]);
    expect(local.stores.metrics().calls).toEqual({ 's3.GetObject': 2 });
  });

  it('keeps legacy data out of reads once a removal emptied it, rather than falling back to the old object', async () => {
    const b = 'pod:legacy-gone/github';
    const only = at(1, JAN, b);
    await local.stores.clients.s3.send(new PutObjectCommand({ Bucket: local.env.RADAR_BUCKET, Key: activitiesKey(b), Body: gzipDeterministic(`${canonicalJson(only)}\n`) }));
    await applyChange(b, [], [only.id]);
    expect(await local.stores.objects.loadActivities(b)).toEqual([]);
  });
});
