import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStores } from '../../../shared/storage/index.js';
import type { OpenedStores } from '../../../shared/storage/index.js';

// The embedded DynamoDB- and S3-protocol servers of `radar demo`/`serve` (data on disk) answer only this process's
// SDK clients: a browser (Origin header), a DNS-rebound name (Host) or a caller without the per-process
// credentials is refused.

let dataDir: string;
let opened: OpenedStores;

beforeAll(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'radar-guard-')), 'data');
  opened = await openStores({ RADAR_DATA_DIR: dataDir }, { mode: 'local' });
});

afterAll(async () => {
  await opened?.close();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

/** A raw HTTP request with headers fetch() would not let us set (Host, Origin). */
function raw(endpoint: string, opts: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: '/', method: opts.method ?? 'POST', headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.once('error', reject);
    req.end(opts.body ?? '');
  });
}

const listTables = { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.ListTables' };

describe('embedded storage servers', () => {
  it("serve the CLI's own clients (signed with the per-process credentials)", async () => {
    expect(await opened.stores.snapshots.listAsOfs()).toEqual([]);
  });

  it('refuse a DynamoDB request that carries an Origin header, without CORS headers', async () => {
    const res = await raw(opened.endpoints.dynamodb, { headers: { ...listTables, Origin: 'https://evil.example' }, body: '{}' });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuse a CORS preflight to the DynamoDB endpoint', async () => {
    const res = await raw(opened.endpoints.dynamodb, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-amz-target' },
    });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuse an S3 request that carries an Origin header', async () => {
    const res = await raw(opened.endpoints.s3, { method: 'GET', headers: { Origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
  });

  it('refuse requests whose Host is not a loopback name (DNS rebinding)', async () => {
    const port = new URL(opened.endpoints.dynamodb).port;
    const dynamo = await raw(opened.endpoints.dynamodb, { headers: { ...listTables, Host: `evil.example:${port}` }, body: '{}' });
    expect(dynamo.status).toBe(421);
    const s3 = await raw(opened.endpoints.s3, { method: 'GET', headers: { Host: 'evil.example' } });
    expect(s3.status).toBe(421);
  });

  it('refuse an unsigned DynamoDB request and an anonymous S3 listing', async () => {
    const dynamo = await raw(opened.endpoints.dynamodb, { headers: listTables, body: '{}' });
    expect(dynamo.status).toBe(403);
    const s3 = await raw(opened.endpoints.s3, { method: 'GET' });
    expect(s3.status).toBe(403);
    expect(s3.body).not.toContain('radar-data');
  });

  it('refuse SDK clients signing with the old fixed placeholder credentials', async () => {
    const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: opened.endpoints.dynamodb, credentials: { accessKeyId: 'radar-local', secretAccessKey: 'radar-local' }, maxAttempts: 1 });
    const s3 = new S3Client({ region: 'us-east-1', endpoint: opened.endpoints.s3, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, maxAttempts: 1 });
    try {
      await expect(dynamodb.send(new ListTablesCommand({}))).rejects.toThrow(/unknown access key/);
      await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    } finally {
      dynamodb.destroy();
      s3.destroy();
    }
  });

  it('refuse a request signed with the right access key but the wrong secret', async () => {
    const creds = JSON.parse(readFileSync(join(dataDir, 'radar.lock'), 'utf8')) as { accessKeyId: string };
    const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: opened.endpoints.dynamodb, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: 'guessed' }, maxAttempts: 1 });
    try {
      await expect(dynamodb.send(new ListTablesCommand({}))).rejects.toThrow(/signature does not match/);
    } finally {
      dynamodb.destroy();
    }
  });
});

describe('the data directory', () => {
  it('is created with mode 0700 and its lock file with 0600', () => {
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'radar.lock')).mode & 0o777).toBe(0o600);
  });

  it('is tightened to 0700 when it already exists with wider permissions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radar-wide-'));
    try {
      mkdirSync(join(dir, 'data'));
      chmodSync(join(dir, 'data'), 0o755);
      const other = await openStores({ RADAR_DATA_DIR: join(dir, 'data') }, { mode: 'local' });
      await other.close();
      expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
