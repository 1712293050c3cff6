import { openStores, type RadarStores } from '../../shared/storage/index.js';

// Starts a fresh in-memory local stack (dynalite + s3rver on free 127.0.0.1 ports) for one test suite.
// s3rver runs in the test process, so paginated S3 listings need NODE_OPTIONS=--openssl-legacy-provider there
// (test/run-all.sh sets it).

/**
 * The RADAR_* variables that point a child process (e.g. the CLI) at the started servers. A type alias rather
 * than an interface so it can be spread into, or passed as, a `process.env`-shaped record.
 */
export type LocalStoresEnv = {
  RADAR_DYNAMODB_ENDPOINT: string;
  RADAR_S3_ENDPOINT: string;
  RADAR_TABLE: string;
  RADAR_BUCKET: string;
};

export interface LocalStores {
  stores: RadarStores;
  env: LocalStoresEnv;
  close(): Promise<void>;
}

/**
 * Starts dynalite and s3rver in memory, creates the table and bucket, and returns stores over them.
 * @example const local = await startLocalStores(); afterAll(() => local.close());
 */
export async function startLocalStores(opts: { table?: string; bucket?: string; listPageSize?: number } = {}): Promise<LocalStores> {
  const table = opts.table ?? 'radar';
  const bucket = opts.bucket ?? 'radar-data';
  const opened = await openStores(
    { RADAR_TABLE: table, RADAR_BUCKET: bucket },
    { mode: 'local', inMemory: true, ...(opts.listPageSize !== undefined ? { listPageSize: opts.listPageSize } : {}) },
  );
  return {
    stores: opened.stores,
    env: {
      RADAR_DYNAMODB_ENDPOINT: opened.endpoints.dynamodb,
      RADAR_S3_ENDPOINT: opened.endpoints.s3,
      RADAR_TABLE: table,
      RADAR_BUCKET: bucket,
    },
    close: () => opened.close(),
  };
}
