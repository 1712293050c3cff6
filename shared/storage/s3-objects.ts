import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { Activity } from '../sources/contract.js';
import type { ActivityTouch, ActivityUpdateResult, ActivityWindow, ObjectStore } from './ports.js';
import { canonicalJson, gunzipIfNeeded, gzipDeterministic } from './encoding.js';
import { ObjectNotFoundError, StorageError } from './errors.js';
import { UNDATED_PARTITION, activitiesIndexKey, activitiesKey, activitiesPartitionKey, activityMonth } from './keys.js';

// Objects are stored as `application/gzip` WITHOUT `Content-Encoding: gzip`: with that header some clients and
// servers decode transparently and others (s3rver) hand the gzip bytes back untouched, so the reader could not
// know what it got. Storing plain gzip bodies and gunzipping ourselves behaves the same everywhere.

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : '';
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function isNotFound(err: unknown): boolean {
  return errorName(err) === 'NoSuchKey' || errorName(err) === 'NotFound' || httpStatus(err) === 404;
}

/** Options of the S3 object store. */
export interface S3ObjectStoreOptions {
  /** Keys per ListObjectsV2 page (S3's maximum and default is 1000; tests use less to exercise paging). */
  listPageSize?: number;
}

/** Raw pages and normalised activities in one bucket. */
export class S3ObjectStore implements ObjectStore {
  /**
   * Partition reads and writes in flight from this store at once, over all bindings: a binding has a partition per
   * month, and several bindings load or save at a time, which would otherwise queue past the SDK's 50 sockets.
   */
  private readonly partitionIo = pLimit(PARTITION_IO_CONCURRENCY);

  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    private readonly opts: S3ObjectStoreOptions = {},
  ) {}

  private async putGzip(key: string, bytes: Buffer): Promise<void> {
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: 'application/gzip', ContentLength: bytes.length }));
    } catch (cause) {
      throw new StorageError({ code: 'PUT_OBJECT_FAILED', reason: 'could not store object', path: `s3://${this.bucket}/${key}`, cause });
    }
  }

  private async getBytes(key: string): Promise<Buffer> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) throw new StorageError({ code: 'GET_OBJECT_FAILED', reason: 'object has no body', path: `s3://${this.bucket}/${key}` });
      return gunzipIfNeeded(await out.Body.transformToByteArray());
    } catch (cause) {
      if (cause instanceof StorageError) throw cause;
      if (isNotFound(cause)) throw new ObjectNotFoundError({ path: `s3://${this.bucket}/${key}`, cause });
      throw new StorageError({ code: 'GET_OBJECT_FAILED', reason: 'could not read object', path: `s3://${this.bucket}/${key}`, cause });
    }
  }

  /** Stores a raw page as gzip JSON under the given key (build it with rawPageKey). */
  async putRawPage(key: string, body: unknown): Promise<void> {
    await this.putGzip(key, gzipDeterministic(JSON.stringify(body)));
  }

  /** Reads a raw page back; throws ObjectNotFoundError when the key holds nothing. */
  async getRawPage(key: string): Promise<unknown> {
    return JSON.parse((await this.getBytes(key)).toString('utf8')) as unknown;
  }

  /**
   * Replaces a binding's activities: every month partition it had or now has is rewritten (when its bytes change),
   * each gzip JSONL with one canonical JSON line per activity, sorted by id.
   */
  async saveActivities(bindingId: string, activities: readonly Activity[]): Promise<void> {
    await this.update(bindingId, { ats: activities.map((a) => a.at), ids: [] }, () => [...activities], true);
  }

  async updateActivities(bindingId: string, touch: ActivityTouch, apply: (stored: Activity[]) => Activity[]): Promise<ActivityUpdateResult> {
    return this.update(bindingId, touch, apply, false);
  }

  /**
   * Reads the index (or, before the first partitioned write, the single legacy object, which is then migrated whole),
   * reads the partitions the touch names, applies the change, writes each partition whose bytes changed, and
   * writes the index last (only when it changed). `all` touches every partition (a full replace).
   */
  private async update(
    bindingId: string, touch: ActivityTouch, apply: (stored: Activity[]) => Activity[], all: boolean,
  ): Promise<ActivityUpdateResult> {
    const index = await this.loadIndex(bindingId);
    const months = new Set(touch.ats.map(activityMonth));
    const before = new Map<string, string>();
    let partitionsRead = 0;
    let legacy: Activity[] | null = null;
    if (index === null) {
      // No index: nothing partitioned yet. A legacy single object (written before partitions) is migrated whole.
      legacy = await this.loadLegacy(bindingId);
      if (legacy !== null) for (const a of legacy) months.add(activityMonth(a.at));
      for (const [month, list] of groupByMonth(legacy ?? [])) before.set(month, encodeLines(list));
    } else {
      const where = new Map<string, string>();
      for (const [month, ids] of Object.entries(index.months)) for (const id of ids) where.set(id, month);
      for (const id of touch.ids) {
        const month = where.get(id);
        if (month !== undefined) months.add(month);
      }
      const prefixes = touch.idPrefixes ?? [];
      if (prefixes.length > 0) for (const [id, month] of where) if (prefixes.some((p) => id.startsWith(p))) months.add(month);
      if (all) for (const month of Object.keys(index.months)) months.add(month);
      const listed = [...months].filter((m) => index.months[m] !== undefined);
      const texts = await Promise.all(listed.map((m) => this.partitionIo(() => this.getBytes(activitiesPartitionKey(bindingId, m)))));
      listed.forEach((m, i) => before.set(m, texts[i]?.toString('utf8') ?? ''));
      partitionsRead = listed.length;
    }
    const stored: Activity[] = [];
    for (const text of before.values()) stored.push(...parseLines(text));

    const after = groupByMonth(apply(stored));
    for (const month of after.keys()) {
      if (!months.has(month)) {
        throw new StorageError({
          code: 'PARTITION_NOT_TOUCHED', reason: `the update returned activities of ${month}, a partition it did not name`,
          path: `s3://${this.bucket}/${activitiesPartitionKey(bindingId, month)}`,
        });
      }
    }
    // Partitions first (only those whose bytes change; an emptied one is written empty so no removed data stays
    // behind), the index last: until it is written, readers see the previous index.
    const writes: Array<[string, string]> = [];
    for (const month of [...months].sort()) {
      const text = encodeLines(after.get(month) ?? []);
      const existed = before.has(month) || (index?.months[month] !== undefined);
      if (before.get(month) === text && index !== null) continue;
      if (!existed && text === '') continue;
      writes.push([month, text]);
    }
    await Promise.all(writes.map(([month, text]) => this.partitionIo(() => this.putGzip(activitiesPartitionKey(bindingId, month), gzipDeterministic(text)))));

    const nextMonths: Record<string, string[]> = { ...(index?.months ?? {}) };
    for (const month of months) {
      const ids = (after.get(month) ?? []).map((a) => a.id);
      if (ids.length > 0) nextMonths[month] = ids;
      else delete nextMonths[month];
    }
    const nextIndex = encodeIndex(nextMonths);
    const empty = Object.keys(nextMonths).length === 0;
    // Once a legacy object was read, the index must exist (even empty) so that readers stop reading the legacy one.
    if ((index === null && (!empty || legacy !== null)) || (index !== null && nextIndex !== index.text)) {
      await this.putGzip(activitiesIndexKey(bindingId), gzipDeterministic(nextIndex));
    }
    const total = Object.values(nextMonths).reduce((n, ids) => n + ids.length, 0);
    return { stored: total, partitionsRead, partitionsWritten: writes.length };
  }

  /** The binding's partition index, or null when it has none (nothing stored yet, or only the legacy object). */
  private async loadIndex(bindingId: string): Promise<{ months: Record<string, string[]>; text: string } | null> {
    const key = activitiesIndexKey(bindingId);
    let bytes: Buffer;
    try {
      bytes = await this.getBytes(key);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return null;
      throw err;
    }
    const text = bytes.toString('utf8');
    const parsed = JSON.parse(text) as { format?: unknown; months?: unknown };
    if (parsed.format !== INDEX_FORMAT || parsed.months === null || typeof parsed.months !== 'object') {
      throw new StorageError({ code: 'INDEX_CORRUPT', reason: 'the partition index has an unknown format', path: `s3://${this.bucket}/${key}` });
    }
    return { months: parsed.months as Record<string, string[]>, text };
  }

  /** The single-object activities of the layout before partitions, or null when there is none. */
  private async loadLegacy(bindingId: string): Promise<Activity[] | null> {
    try {
      return parseLines((await this.getBytes(activitiesKey(bindingId))).toString('utf8'));
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return null;
      throw err;
    }
  }

  /**
   * A binding's activities, or [] when none were ever stored. With a window, reads only the month partitions the
   * window overlaps (the index names them; no listing, no GET per possible month) and returns the activities in it.
   */
  async loadActivities(bindingId: string, window?: ActivityWindow): Promise<Activity[]> {
    const index = await this.loadIndex(bindingId);
    if (index === null) {
      const legacy = (await this.loadLegacy(bindingId)) ?? [];
      return window === undefined ? legacy : legacy.filter((a) => inWindow(a.at, window));
    }
    const months = Object.keys(index.months).sort().filter((m) => window === undefined || monthOverlaps(m, window));
    const texts = await Promise.all(months.map((m) => this.partitionIo(() => this.getBytes(activitiesPartitionKey(bindingId, m)))));
    const out = texts.flatMap((t) => parseLines(t.toString('utf8')));
    return window === undefined ? out : out.filter((a) => inWindow(a.at, window));
  }

  /** Every key under the prefix, in S3's (lexicographic) order, following continuation tokens. */
  async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      let out;
      try {
        out = await this.s3.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: this.opts.listPageSize ?? 1000 }),
        );
      } catch (cause) {
        // s3rver encrypts its continuation token with DES, which Node 17+ only offers with the legacy provider;
        // without it every listing that would need a token answers 500.
        const legacyHint = httpStatus(cause) === 500
          ? ' (if the server is s3rver, its process needs NODE_OPTIONS=--openssl-legacy-provider to page listings)'
          : '';
        throw new StorageError({ code: 'LIST_FAILED', reason: `could not list keys${legacyHint}`, path: `s3://${this.bucket}/${prefix}`, cause });
      }
      for (const obj of out.Contents ?? []) if (obj.Key !== undefined) keys.push(obj.Key);
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  }
}

/** Creates the bucket when missing and waits until it answers; a no-op when it exists (idempotent). */
export async function ensureBucket(s3: S3Client, bucket: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (cause) {
    if (!isNotFound(cause)) throw new StorageError({ code: 'BUCKET_HEAD_FAILED', reason: 'could not check the bucket', path: `s3://${bucket}`, cause });
  }
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (cause) {
    // Created concurrently by another process (or earlier by us): both mean the bucket is there.
    if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(errorName(cause))) {
      throw new StorageError({ code: 'BUCKET_CREATE_FAILED', reason: 'could not create the bucket', path: `s3://${bucket}`, cause });
    }
  }
  for (;;) {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      return;
    } catch (cause) {
      if (!isNotFound(cause) || Date.now() > deadline) {
        throw new StorageError({ code: 'BUCKET_NOT_READY', reason: 'the bucket did not become available', path: `s3://${bucket}`, cause });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Whether an ISO timestamp lies in the window (both ends inclusive; compared as instants, not as text). */
export function inWindow(at: string, window: ActivityWindow): boolean {
  const t = Date.parse(at);
  if (window.from !== undefined && t < Date.parse(window.from)) return false;
  if (window.to !== undefined && t > Date.parse(window.to)) return false;
  return true;
}

/** Partition reads and writes one store keeps in flight (below the SDK's default 50 sockets, leaving room for the rest). */
const PARTITION_IO_CONCURRENCY = 32;

/** Version of the partition index's JSON shape. */
const INDEX_FORMAT = 1;

/** The index's canonical text: months in order, each with its ids in order. */
function encodeIndex(months: Record<string, string[]>): string {
  const sorted = Object.fromEntries(Object.keys(months).sort().map((m) => [m, [...(months[m] ?? [])].sort()]));
  return canonicalJson({ format: INDEX_FORMAT, months: sorted });
}

/** One canonical JSON line per activity, sorted by id (the bytes of a partition before gzip). */
function encodeLines(activities: readonly Activity[]): string {
  const sorted = [...activities].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.map((a) => `${canonicalJson(a)}\n`).join('');
}

function parseLines(text: string): Activity[] {
  const out: Activity[] = [];
  for (const line of text.split('\n')) if (line.length > 0) out.push(JSON.parse(line) as Activity);
  return out;
}

function groupByMonth(activities: readonly Activity[]): Map<string, Activity[]> {
  const out = new Map<string, Activity[]>();
  for (const a of activities) {
    const month = activityMonth(a.at);
    const list = out.get(month);
    if (list) list.push(a);
    else out.set(month, [a]);
  }
  return out;
}

/** Whether a month partition can hold activities in the window (undated ones never match a window). */
function monthOverlaps(month: string, window: ActivityWindow): boolean {
  if (month === UNDATED_PARTITION) return false;
  const start = Date.parse(`${month}-01T00:00:00.000Z`);
  const [y, m] = month.split('-').map(Number);
  const end = Date.UTC(y ?? 0, m ?? 0, 1) - 1;
  if (window.from !== undefined && end < Date.parse(window.from)) return false;
  if (window.to !== undefined && start > Date.parse(window.to)) return false;
  return true;
}
