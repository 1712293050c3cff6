import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectNotFoundError, activitiesPartitionKey, rawPageKey } from '../../../shared/storage/index.js';
import { startLocalStores, type LocalStores } from '../../helpers/local-servers.js';
import { makeActivity } from './fixtures.js';

let local: LocalStores;
beforeAll(async () => {
  // A small page size makes S3 listing pagination happen with tens of keys instead of thousands.
  local = await startLocalStores({ listPageSize: 7 });
});
afterAll(async () => {
  await local.close();
});

async function storedBytes(key: string): Promise<Buffer> {
  const out = await local.stores.clients.s3.send(new GetObjectCommand({ Bucket: local.env.RADAR_BUCKET, Key: key }));
  return Buffer.from(await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

describe('S3 object store', () => {
  it('stores a raw page as gzip JSON and reads the same value back', async () => {
    const key = rawPageKey('github', 'pod:recsys/github', 'run-1', 0);
    const body = { items: [{ number: 1, title: 'x' }], total: 1, nested: { ok: true } };
    await local.stores.objects.putRawPage(key, body);
    expect(await local.stores.objects.getRawPage(key)).toEqual(body);
    const bytes = await storedBytes(key);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(JSON.parse(gunzipSync(bytes).toString('utf8'))).toEqual(body);
  });

  it('stores objects as application/gzip without a Content-Encoding header', async () => {
    const key = rawPageKey('jira', 'pod:recsys/jira', 'run-1', 3);
    await local.stores.objects.putRawPage(key, [1, 2, 3]);
    const head = await local.stores.clients.s3.send(new HeadObjectCommand({ Bucket: local.env.RADAR_BUCKET, Key: key }));
    expect(head.ContentType).toBe('application/gzip');
    expect(head.ContentEncoding).toBeUndefined();
  });

  it('raises ObjectNotFoundError for a raw page key that holds nothing', async () => {
    await expect(local.stores.objects.getRawPage('raw/github/none/run-x/000000.json.gz')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('returns no activities for a binding that never stored any', async () => {
    expect(await local.stores.objects.loadActivities('pod:never/mlflow')).toEqual([]);
  });

  it('saves activities sorted by id and reads them back in that order', async () => {
    const activities = [5, 1, 9, 3, 7].map((n) => makeActivity(n, 'pod:sorted/github'));
    await local.stores.objects.saveActivities('pod:sorted/github', activities);
    const back = await local.stores.objects.loadActivities('pod:sorted/github');
    expect(back.map((a) => a.rawRef.index)).toEqual([1, 3, 5, 7, 9]);
    expect(back).toEqual([...activities].sort((a, b) => (a.id < b.id ? -1 : 1)));
  });

  it('writes byte-identical objects for equal activities regardless of their order or key order', async () => {
    const activities = Array.from({ length: 50 }, (_, i) => makeActivity(i, 'pod:det/github'));
    await local.stores.objects.saveActivities('pod:det/github', activities);
    const first = await storedBytes(activitiesPartitionKey('pod:det/github', '2026-01'));
    // Same values, reversed list order and reversed key order at the top level and in rawRef.
    const shuffled = [...activities]
      .reverse()
      .map((a) => Object.fromEntries(Object.entries({ ...a, rawRef: { index: a.rawRef.index, key: a.rawRef.key } }).reverse()) as unknown as typeof a);
    await local.stores.objects.saveActivities('pod:det/github', shuffled);
    expect((await storedBytes(activitiesPartitionKey('pod:det/github', '2026-01'))).equals(first)).toBe(true);
  });

  it('replaces a binding’s activities on each save rather than appending', async () => {
    await local.stores.objects.saveActivities('pod:replace/github', [makeActivity(1, 'pod:replace/github'), makeActivity(2, 'pod:replace/github')]);
    await local.stores.objects.saveActivities('pod:replace/github', [makeActivity(3, 'pod:replace/github')]);
    expect((await local.stores.objects.loadActivities('pod:replace/github')).map((a) => a.rawRef.index)).toEqual([3]);
  });

  it('lists every key under a prefix across several listing pages, and nothing outside it', async () => {
    const keys = Array.from({ length: 25 }, (_, i) => rawPageKey('mlflow', 'pod:list/mlflow', 'run-9', i));
    await Promise.all(keys.map((k) => local.stores.objects.putRawPage(k, { i: k })));
    await local.stores.objects.putRawPage(rawPageKey('mlflow', 'pod:list/mlflow', 'run-10', 0), {});
    local.stores.resetMetrics();
    const listed = await local.stores.objects.listKeys('raw/mlflow/pod.list.mlflow/run-9/');
    expect(listed).toEqual(keys);
    // 25 keys at 7 per page: four ListObjectsV2 calls, so the continuation token was followed.
    expect(local.stores.metrics().calls['s3.ListObjectsV2']).toBe(4);
  });
});
