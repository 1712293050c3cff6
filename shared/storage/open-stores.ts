import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { resolve } from 'node:path';
import { ConfigError } from '../kernel/index.js';
import { CallCounter, countCalls } from './call-metrics.js';
import { claimDataDir, type DataDirClaim } from './data-dir-lock.js';
import { DynamoCursorStore, DynamoPendingCardStore, DynamoRunStore, DynamoSnapshotStore } from './dynamo-stores.js';
import { DynamoTable, createDocumentClient, ensureTable, type BatchRetryOptions } from './dynamo-table.js';
import { startEmbeddedDynamo, startEmbeddedS3, type EmbeddedServer } from './embedded.js';
import { embeddedCredentials, type LocalCredentials } from './embedded-guard.js';
import type { StorageCallCounts, Stores } from './ports.js';
import { S3ObjectStore, ensureBucket } from './s3-objects.js';
import { S3RunLogStore } from './run-log.js';

/** The SDK clients the stores talk through. */
export interface StorageClients {
  dynamodb: DynamoDBClient;
  s3: S3Client;
}

/** Names and tuning for createStores. */
export interface CreateStoresOptions {
  table: string;
  bucket: string;
  /** Keys per S3 listing page (default 1000). */
  listPageSize?: number;
  batchRetry?: BatchRetryOptions;
}

/** Stores plus the call counters and the raw table (for conditional writes such as `dynamo.putIfAbsent`). */
export interface RadarStores extends Stores {
  dynamo: DynamoTable;
  /** The instrumented SDK clients (e.g. to upload dashboard files, or to inspect stored bytes in tests). */
  clients: StorageClients;
  metrics(): StorageCallCounts;
  resetMetrics(): void;
}

/**
 * Builds the stores over existing SDK clients (e.g. in Lambda, with table and bucket names from the function's
 * environment). Adds call-counting middleware to both clients.
 * @example const stores = createStores({ dynamodb: new DynamoDBClient({}), s3: new S3Client({}) }, { table, bucket });
 */
export function createStores(clients: StorageClients, opts: CreateStoresOptions): RadarStores {
  const counter = new CallCounter();
  countCalls(clients.dynamodb, 'dynamodb', counter);
  countCalls(clients.s3, 's3', counter);
  const dynamo = new DynamoTable(createDocumentClient(clients.dynamodb), opts.table, opts.batchRetry);
  const objects = new S3ObjectStore(clients.s3, opts.bucket, opts.listPageSize !== undefined ? { listPageSize: opts.listPageSize } : {});
  return {
    snapshots: new DynamoSnapshotStore(dynamo),
    pending: new DynamoPendingCardStore(dynamo),
    runs: new DynamoRunStore(dynamo),
    cursors: new DynamoCursorStore(dynamo),
    objects,
    runLog: new S3RunLogStore(objects),
    dynamo,
    clients,
    metrics: () => counter.snapshot(),
    resetMetrics: () => counter.reset(),
  };
}

/** How openStores chooses where storage lives. */
export interface OpenStoresOptions {
  /**
   * `auto` (default): AWS when running in Lambda with no endpoint set, else local (given endpoints, or embedded
   * servers for the missing ones). `local` never uses AWS defaults; `aws` uses the default credential chain and
   * no endpoint (table and bucket are owned by the CDK stack, so nothing is created).
   */
  mode?: 'auto' | 'local' | 'aws';
  /** Embedded servers keep data in memory / a temp dir instead of under RADAR_DATA_DIR (tests). */
  inMemory?: boolean;
  /** Base for a relative RADAR_DATA_DIR (default: the current directory). */
  cwd?: string;
  listPageSize?: number;
  batchRetry?: BatchRetryOptions;
}

/** What openStores hands back. */
export interface OpenedStores {
  stores: RadarStores;
  /** Destroys the SDK clients, then stops any embedded server this call started. */
  close(): Promise<void>;
  /** Endpoints in use; empty strings in AWS mode (SDK defaults). */
  endpoints: { dynamodb: string; s3: string };
  table: string;
  bucket: string;
  /** Where embedded servers keep their data, when any were started on disk. */
  dataDir: string | null;
}

// Embedded servers on disk (the CLI's `.radar/`) accept only this process's random credentials (embedded-guard.ts);
// a process attaching to them reads those from the data directory's lock file. Other loopback endpoints (test
// servers in memory, a developer's own dynalite) get fixed placeholder credentials instead of whatever the developer's AWS profile holds
// (which must never be sent to, or logged by, a local server). dynalite accepts any signature; s3rver verifies
// signatures against its one built-in public dummy key pair, S3RVER/S3RVER, so S3 uses that.
const LOCAL_DYNAMODB_CREDENTIALS = { accessKeyId: 'radar-local', secretAccessKey: 'radar-local' };
const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

function parseEndpoint(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return url.origin;
  } catch (cause) {
    throw new ConfigError([{ file: '(environment)', line: 0, col: 0, path: name, reason: `not an http(s) URL: ${raw}` }], cause);
  }
}

/**
 * Opens storage from the RADAR_* environment: given endpoints are used as they are; with none set, dynalite and
 * s3rver start on 127.0.0.1 with data under RADAR_DATA_DIR (default `.radar/`), or, when another live process
 * already serves that directory, its servers are used. Table and bucket are created if missing. In Lambda (or
 * mode `aws`) the SDK defaults are used.
 * @example const { stores, close } = await openStores(process.env); try { … } finally { await close(); }
 */
export async function openStores(env: NodeJS.ProcessEnv = process.env, opts: OpenStoresOptions = {}): Promise<OpenedStores> {
  const table = env.RADAR_TABLE?.trim() || 'radar';
  const bucket = env.RADAR_BUCKET?.trim() || 'radar-data';
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1';
  const dynamoEndpoint = parseEndpoint(env, 'RADAR_DYNAMODB_ENDPOINT');
  const s3Endpoint = parseEndpoint(env, 'RADAR_S3_ENDPOINT');
  const tuning = {
    ...(opts.listPageSize !== undefined ? { listPageSize: opts.listPageSize } : {}),
    ...(opts.batchRetry !== undefined ? { batchRetry: opts.batchRetry } : {}),
  };

  const mode = opts.mode ?? 'auto';
  const inLambda = env.AWS_LAMBDA_FUNCTION_NAME !== undefined && env.AWS_LAMBDA_FUNCTION_NAME !== '';
  if (mode === 'aws' || (mode === 'auto' && inLambda && dynamoEndpoint === undefined && s3Endpoint === undefined)) {
    const clients = { dynamodb: new DynamoDBClient({ region }), s3: new S3Client({ region }) };
    return {
      stores: createStores(clients, { table, bucket, ...tuning }),
      close: async () => {
        clients.dynamodb.destroy();
        clients.s3.destroy();
      },
      endpoints: { dynamodb: '', s3: '' },
      table,
      bucket,
      dataDir: null,
    };
  }

  const dataDir = opts.inMemory ? null : resolve(opts.cwd ?? process.cwd(), env.RADAR_DATA_DIR?.trim() || '.radar/');
  const started: EmbeddedServer[] = [];
  const stopStarted = async () => {
    // Stop in reverse start order; one failing close must not keep the other server running.
    const results = await Promise.allSettled([...started].reverse().map((s) => s.close()));
    started.length = 0;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  let clients: StorageClients | undefined;
  let claim: DataDirClaim | null = null;
  // Credentials per endpoint that this process started or attached to; absent ones use the placeholders.
  let dynamoCredentials: LocalCredentials | undefined;
  let s3Credentials: LocalCredentials | undefined;
  const releaseClaim = () => {
    if (claim?.kind === 'owner') claim.release();
  };
  try {
    let dynamodb = dynamoEndpoint;
    let s3 = s3Endpoint;
    if (dataDir !== null && (dynamodb === undefined || s3 === undefined)) {
      claim = await claimDataDir(dataDir);
      if (claim.kind === 'attach') {
        // Another live radar process serves this data directory: use its servers rather than fight over LevelDB.
        if (dynamodb === undefined) {
          dynamodb = claim.endpoints.dynamodb;
          dynamoCredentials = claim.endpoints.credentials;
        }
        if (s3 === undefined) {
          s3 = claim.endpoints.s3;
          s3Credentials = claim.endpoints.credentials;
        }
      }
    }
    const own = dataDir === null ? null : embeddedCredentials();
    if (dynamodb === undefined) {
      const server = await startEmbeddedDynamo(dataDir === null ? undefined : resolve(dataDir, 'dynamodb'), { credentials: own });
      started.push(server);
      dynamodb = server.endpoint;
      dynamoCredentials = own ?? undefined;
    }
    if (s3 === undefined) {
      const server = await startEmbeddedS3(dataDir === null ? undefined : resolve(dataDir, 's3'), { credentials: own });
      started.push(server);
      s3 = server.endpoint;
      s3Credentials = own ?? undefined;
    }
    if (claim?.kind === 'owner') claim.publish({ dynamodb, s3, ...(own !== null && started.length > 0 ? { credentials: own } : {}) });
    clients = {
      dynamodb: new DynamoDBClient({
        region,
        endpoint: dynamodb,
        ...(isLoopback(dynamodb) ? { credentials: dynamoCredentials ?? LOCAL_DYNAMODB_CREDENTIALS } : {}),
      }),
      s3: new S3Client({
        region,
        endpoint: s3,
        // Custom endpoints have no per-bucket DNS names.
        forcePathStyle: true,
        // s3rver stores streamed uploads corrupted when the SDK adds its default flexible checksums
        // (LOCAL-STACK.md), so checksums are only sent and checked where an operation requires them.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        ...(isLoopback(s3) ? { credentials: s3Credentials ?? LOCAL_S3_CREDENTIALS } : {}),
      }),
    };
    const stores = createStores(clients, { table, bucket, ...tuning });
    await Promise.all([ensureTable(clients.dynamodb, table), ensureBucket(clients.s3, bucket)]);
    // Bootstrap calls are setup, not work: counting starts from zero for the caller.
    stores.resetMetrics();
    const opened = clients;
    return {
      stores,
      close: async () => {
        opened.dynamodb.destroy();
        opened.s3.destroy();
        try {
          await stopStarted();
        } finally {
          releaseClaim();
        }
      },
      endpoints: { dynamodb, s3 },
      table,
      bucket,
      dataDir: started.length > 0 ? dataDir : null,
    };
  } catch (err) {
    clients?.dynamodb.destroy();
    clients?.s3.destroy();
    // The original error is the one worth reporting; a failing cleanup must not replace it.
    await stopStarted().catch(() => undefined);
    releaseClaim();
    throw err;
  }
}
