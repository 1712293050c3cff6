import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Activity } from '../sources/contract.js';
import type { ActivityWindow, ObjectStore } from './ports.js';
import { canonicalJson, gunzipIfNeeded, gzipDeterministic } from './encoding.js';
import { ObjectNotFoundError, StorageError } from './errors.js';
import { activitiesKey } from './keys.js';

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

  /** Replaces a binding's activities: gzip JSONL, one canonical JSON line per activity, sorted by id. */
  async saveActivities(bindingId: string, activities: readonly Activity[]): Promise<void> {
    const sorted = [...activities].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const text = sorted.map((a) => `${canonicalJson(a)}\n`).join('');
    await this.putGzip(activitiesKey(bindingId), gzipDeterministic(text));
  }

  /** A binding's activities, or [] when none were ever stored. */
  async loadActivities(bindingId: string, window?: ActivityWindow): Promise<Activity[]> {
    let bytes: Buffer;
    try {
      bytes = await this.getBytes(activitiesKey(bindingId));
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return [];
      throw err;
    }
    const out: Activity[] = [];
    for (const line of bytes.toString('utf8').split('\n')) if (line.length > 0) out.push(JSON.parse(line) as Activity);
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
