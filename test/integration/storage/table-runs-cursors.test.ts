import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, DynamoTable, StorageError, createDocumentClient, openStores, type TableItem } from '../../../shared/storage/index.js';
import { startLocalStores, type LocalStores } from '../../helpers/local-servers.js';
import { makeRun } from './fixtures.js';

let local: LocalStores;
const extraClosers: Array<() => Promise<void>> = [];
beforeAll(async () => {
  local = await startLocalStores();
});
afterAll(async () => {
  for (const close of extraClosers) await close();
  await local.close();
});

/** A second set of clients on the same servers, so a test can add simulation middleware without touching `local`. */
async function openSecondClients() {
  const opened = await openStores(local.env, { mode: 'local' });
  extraClosers.push(() => opened.close());
  return opened.stores;
}

/**
 * Makes BatchWriteItem behave like DynamoDB under throttling, which dynalite never does: for the first
 * `partialCalls` batch calls only the first half of the requests reaches the server and the rest come back as
 * UnprocessedItems; with `always` nothing is processed. Runs at the initialize step, where lib-dynamodb inputs
 * and outputs are still plain values.
 */
function simulateUnprocessedItems(client: DynamoDBClient, opts: { partialCalls?: number; always?: boolean }): void {
  let calls = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = (args as { input: { RequestItems?: Record<string, unknown[]> } }).input;
      const entry = input.RequestItems ? Object.entries(input.RequestItems)[0] : undefined;
      if (!entry) return next(args);
      const [table, requests] = entry;
      calls += 1;
      if (opts.always) return { output: { UnprocessedItems: { [table]: requests }, $metadata: {} }, response: {} };
      if (calls > (opts.partialCalls ?? 0) || requests.length < 2) return next(args);
      const half = Math.ceil(requests.length / 2);
      const result = await next({ ...args, input: { ...input, RequestItems: { [table]: requests.slice(0, half) } } } as typeof args);
      (result.output as { UnprocessedItems?: Record<string, unknown[]> }).UnprocessedItems = { [table]: requests.slice(half) };
      return result;
    },
    { step: 'initialize', name: 'simulateUnprocessedItems' },
  );
}

async function countPartition(table: DynamoTable, pk: string): Promise<number> {
  return (await table.queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk } })).length;
}

describe('DynamoDB table writes', () => {
  it('writes 1,000 items in batches and every one is readable afterwards', async () => {
    const items: TableItem[] = Array.from({ length: 1000 }, (_, i) => ({ PK: 'BULK', SK: String(i).padStart(4, '0'), n: i }));
    local.stores.resetMetrics();
    await local.stores.dynamo.batchPut(items);
    expect(local.stores.metrics().calls['dynamodb.BatchWriteItem']).toBe(40);
    const back = await local.stores.dynamo.queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'BULK' } });
    expect(back.map((i) => i.n)).toEqual(items.map((i) => i.n));
  });

  it('retries unprocessed items until every item of the batch is stored', async () => {
    const second = await openSecondClients();
    simulateUnprocessedItems(second.clients.dynamodb, { partialCalls: 3 });
    const table = new DynamoTable(createDocumentClient(second.clients.dynamodb), local.env.RADAR_TABLE, { baseDelayMs: 1, concurrency: 1 });
    const items: TableItem[] = Array.from({ length: 60 }, (_, i) => ({ PK: 'RETRY', SK: String(i).padStart(3, '0') }));
    await table.batchPut(items);
    expect(await countPartition(local.stores.dynamo, 'RETRY')).toBe(60);
    // Three chunks (25, 25, 10) plus one retry for each of the three partly processed calls.
    expect(second.metrics().calls['dynamodb.BatchWriteItem']).toBe(6);
  });

  it('throws StorageError when items stay unprocessed after the last attempt', async () => {
    const second = await openSecondClients();
    simulateUnprocessedItems(second.clients.dynamodb, { always: true });
    const table = new DynamoTable(createDocumentClient(second.clients.dynamodb), local.env.RADAR_TABLE, { baseDelayMs: 1, maxAttempts: 3 });
    const err = await table.batchPut([{ PK: 'NEVER', SK: '1' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('BATCH_UNPROCESSED');
    expect(await countPartition(local.stores.dynamo, 'NEVER')).toBe(0);
  });

  it('raises ConflictError when a must-not-clobber write finds the item already there, and keeps the first item', async () => {
    await local.stores.dynamo.putIfAbsent({ PK: 'LOCK#run-1', SK: 'LOCK', owner: 'first' });
    await expect(local.stores.dynamo.putIfAbsent({ PK: 'LOCK#run-1', SK: 'LOCK', owner: 'second' })).rejects.toBeInstanceOf(ConflictError);
    const [item] = await local.stores.dynamo.queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'LOCK#run-1' } });
    expect(item?.owner).toBe('first');
  });
});

describe('DynamoDB run store', () => {
  it('saves a run, replaces it when it completes, and loads the latest version', async () => {
    await local.stores.runs.saveRun(makeRun('run-a', '2026-02-01T06:00:00.000Z', 'running'));
    const done = makeRun('run-a', '2026-02-01T06:00:00.000Z', 'completed');
    await local.stores.runs.saveRun(done);
    expect(await local.stores.runs.loadRun('run-a')).toEqual(done);
  });

  it('returns null for a run id that was never saved', async () => {
    expect(await local.stores.runs.loadRun('run-missing')).toBeNull();
  });

  it('lists runs newest first, once each, and honours the limit', async () => {
    await local.stores.runs.saveRun(makeRun('run-b', '2026-02-08T06:00:00.000Z'));
    await local.stores.runs.saveRun(makeRun('run-c', '2026-02-15T06:00:00.000Z'));
    const all = await local.stores.runs.listRuns();
    expect(all.map((r) => r.runId)).toEqual(['run-c', 'run-b', 'run-a']);
    expect((await local.stores.runs.listRuns(2)).map((r) => r.runId)).toEqual(['run-c', 'run-b']);
  });
});

describe('DynamoDB cursor store', () => {
  it('returns null before a binding has a cursor, then the last saved cursor and its as-of', async () => {
    expect(await local.stores.cursors.loadCursor('pod:recsys/github')).toBeNull();
    await local.stores.cursors.saveCursor('pod:recsys/github', { since: '2026-01-01', etag: 'W/"1"' }, '2026-01-05');
    await local.stores.cursors.saveCursor('pod:recsys/github', { since: '2026-01-05', etag: 'W/"2"' }, '2026-01-12');
    expect(await local.stores.cursors.loadCursor('pod:recsys/github')).toEqual({ cursor: { since: '2026-01-05', etag: 'W/"2"' }, asOf: '2026-01-12' });
    expect(await local.stores.cursors.loadCursor('pod:recsys/jira')).toBeNull();
  });

  it('reads many bindings’ cursors in BatchGetItem calls of at most 100 keys, leaving out those without one', async () => {
    const ids = Array.from({ length: 230 }, (_, i) => `pod:batch-${String(i).padStart(3, '0')}/github`);
    for (const [i, id] of ids.entries()) if (i % 3 !== 0) await local.stores.cursors.saveCursor(id, { page: i }, `2026-03-${String(1 + (i % 28)).padStart(2, '0')}`);
    local.stores.resetMetrics();
    const got = await local.stores.cursors.loadCursors([...ids, ids[1] ?? '']);
    expect(local.stores.metrics().calls).toEqual({ 'dynamodb.BatchGetItem': 3 });
    expect(got.size).toBe(ids.filter((_, i) => i % 3 !== 0).length);
    expect(got.has(ids[0] ?? '')).toBe(false);
    expect(got.get(ids[5] ?? '')).toEqual(await local.stores.cursors.loadCursor(ids[5] ?? ''));
    expect(got.get(ids[5] ?? '')).toEqual({ cursor: { page: 5 }, asOf: '2026-03-06' });
  });
});
