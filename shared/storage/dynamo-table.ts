import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  paginateQuery,
  PutCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, StorageError } from './errors.js';

// The single table and the low-level write patterns the stores build on. dynalite (the local DynamoDB-protocol
// server) has no transactions, so "all or nothing" is built from batch writes plus a marker item written last.

/** One stored item: PK/SK strings plus any attributes. */
export type TableItem = { PK: string; SK: string } & Record<string, unknown>;

/** Retry policy for BatchWriteItem's UnprocessedItems. */
export interface BatchRetryOptions {
  /** Attempts per 25-item chunk, including the first (default 8). */
  maxAttempts?: number;
  /** Base of the exponential backoff in ms (default 50); each wait is uniform in [0, min(cap, base·2^n)]. */
  baseDelayMs?: number;
  /** Upper bound of one wait in ms (default 5000). */
  maxDelayMs?: number;
  /** Chunks written in parallel (default 4). */
  concurrency?: number;
}

/** DynamoDB's hard limit of put requests per BatchWriteItem call. */
export const BATCH_WRITE_LIMIT = 25;

/** Builds the document client the stores use (plain JS values in and out; undefined attributes dropped). */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thin wrapper over one table: batch writes with bounded retries, conditional puts and paginated queries. */
export class DynamoTable {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly name: string,
    private readonly retry: BatchRetryOptions = {},
  ) {}

  /**
   * Writes every item with BatchWriteItem, 25 per call, retrying UnprocessedItems with exponential backoff and
   * full jitter; throws StorageError when a chunk still has unprocessed items after the last attempt. Later items
   * with the same key replace earlier ones (DynamoDB rejects duplicate keys inside one batch).
   */
  async batchPut(items: readonly TableItem[]): Promise<void> {
    const byKey = new Map<string, TableItem>();
    for (const item of items) byKey.set(`${item.PK}\u0000${item.SK}`, item);
    const unique = [...byKey.values()];
    const chunks: TableItem[][] = [];
    for (let i = 0; i < unique.length; i += BATCH_WRITE_LIMIT) chunks.push(unique.slice(i, i + BATCH_WRITE_LIMIT));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const chunk = chunks[next++] as TableItem[];
        await this.writeChunk(chunk);
      }
    };
    const workers = Math.max(1, Math.min(this.retry.concurrency ?? 4, chunks.length));
    await Promise.all(Array.from({ length: workers }, () => worker()));
  }

  private async writeChunk(chunk: TableItem[]): Promise<void> {
    const maxAttempts = this.retry.maxAttempts ?? 8;
    const base = this.retry.baseDelayMs ?? 50;
    const cap = this.retry.maxDelayMs ?? 5000;
    let pending: Record<string, unknown>[] = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; ; attempt++) {
      let out;
      try {
        out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.name]: pending } }));
      } catch (cause) {
        throw new StorageError({ code: 'BATCH_WRITE_FAILED', reason: `batch write of ${pending.length} item(s) failed`, path: this.name, cause });
      }
      pending = (out.UnprocessedItems?.[this.name] ?? []) as Record<string, unknown>[];
      if (pending.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new StorageError({
          code: 'BATCH_UNPROCESSED',
          reason: `${pending.length} item(s) still unprocessed after ${attempt} batch write attempts`,
          path: this.name,
        });
      }
      // Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): spreads retries of parallel writers.
      await sleep(Math.random() * Math.min(cap, base * 2 ** (attempt - 1)));
    }
  }

  /** Puts an item only when no item with its key exists; throws ConflictError otherwise. */
  async putIfAbsent(item: TableItem): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.name, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }),
      );
    } catch (cause) {
      if (errorName(cause) === 'ConditionalCheckFailedException') {
        throw new ConflictError({ reason: 'an item with this key already exists', path: `${this.name}/${item.PK}/${item.SK}`, cause });
      }
      throw new StorageError({ code: 'PUT_FAILED', reason: 'conditional put failed', path: `${this.name}/${item.PK}/${item.SK}`, cause });
    }
  }

  /** Runs a query across every page (the paginator follows LastEvaluatedKey past the 1 MB page limit), or until maxItems. */
  async queryAll(input: Omit<QueryCommandInput, 'TableName'>, opts: { maxItems?: number } = {}): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const max = opts.maxItems ?? Number.POSITIVE_INFINITY;
    try {
      for await (const page of paginateQuery({ client: this.doc }, { ...input, TableName: this.name })) {
        for (const item of page.Items ?? []) items.push(item);
        // Stop paging once enough items are in hand (a Limit alone only bounds each page, not the total).
        if (items.length >= max) break;
      }
    } catch (cause) {
      throw new StorageError({ code: 'QUERY_FAILED', reason: 'query failed', path: this.name, cause });
    }
    return items;
  }
}

/**
 * Creates the single table (PK/SK plus GSI1) when missing and waits until it and its index are ACTIVE; a no-op
 * when it already exists. Idempotent, so every start of the local stack may call it.
 */
export async function ensureTable(client: DynamoDBClient, name: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let exists = true;
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
  } catch (cause) {
    if (errorName(cause) !== 'ResourceNotFoundException') {
      throw new StorageError({ code: 'TABLE_DESCRIBE_FAILED', reason: 'could not describe the table', path: name, cause });
    }
    exists = false;
  }
  if (!exists) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'PK', AttributeType: 'S' },
            { AttributeName: 'SK', AttributeType: 'S' },
            { AttributeName: 'GSI1PK', AttributeType: 'S' },
            { AttributeName: 'GSI1SK', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'PK', KeyType: 'HASH' },
            { AttributeName: 'SK', KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: 'GSI1',
              KeySchema: [
                { AttributeName: 'GSI1PK', KeyType: 'HASH' },
                { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      );
    } catch (cause) {
      // Another process creating the same table at the same moment is fine: wait for it below.
      if (errorName(cause) !== 'ResourceInUseException') {
        throw new StorageError({ code: 'TABLE_CREATE_FAILED', reason: 'could not create the table', path: name, cause });
      }
    }
  }
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const gsis = Table?.GlobalSecondaryIndexes ?? [];
    if (!gsis.some((g) => g.IndexName === 'GSI1')) {
      throw new StorageError({ code: 'TABLE_SCHEMA_MISMATCH', reason: 'the table exists but has no GSI1 index', path: name });
    }
    if (Table?.TableStatus === 'ACTIVE' && gsis.every((g) => g.IndexStatus === undefined || g.IndexStatus === 'ACTIVE')) return;
    if (Date.now() > deadline) {
      throw new StorageError({ code: 'TABLE_NOT_ACTIVE', reason: `the table did not become active (status ${Table?.TableStatus ?? 'unknown'})`, path: name });
    }
    await sleep(100);
  }
}
