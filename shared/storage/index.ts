// Storage: the DynamoDB and S3 adapters behind the ports in ports.ts, the embedded local stack and the factory.
export type {
  ActivityTouch,
  ActivityUpdateResult,
  BindingOutcome,
  CursorStore,
  ObjectStore,
  RunLogStore,
  RunRecord,
  RunStore,
  SnapshotStore,
  StorageCallCounts,
  Stores,
} from './ports.js';
export { StorageError, ConflictError, ObjectNotFoundError } from './errors.js';
export {
  activitiesKey,
  activitiesIndexKey,
  activitiesPartitionKey,
  activitiesPrefix,
  activityMonth,
  asOfMarkerKey,
  cursorKey,
  pathSafe,
  rawPageKey,
  rawRunPrefix,
  runIndexKey,
  runKey,
  runOutcomeKey,
  runOutcomePrefix,
  snapshotGsiKey,
  snapshotKey,
  LATEST_POINTER_KEY,
} from './keys.js';
export type { ItemKey } from './keys.js';
export { canonicalJson, gzipDeterministic, gunzipIfNeeded } from './encoding.js';
export { DynamoTable, ensureTable, createDocumentClient, BATCH_WRITE_LIMIT } from './dynamo-table.js';
export type { TableItem, BatchRetryOptions } from './dynamo-table.js';
export {
  DynamoSnapshotStore,
  DynamoRunStore,
  DynamoCursorStore,
  encodeSnapshotItem,
  decodeSnapshotItem,
  SNAPSHOT_GZIP_THRESHOLD_BYTES,
} from './dynamo-stores.js';
export { S3ObjectStore, ensureBucket } from './s3-objects.js';
export { S3RunLogStore } from './run-log.js';
export type { S3ObjectStoreOptions } from './s3-objects.js';
export { CallCounter, countCalls } from './call-metrics.js';
export { startEmbeddedDynamo, startEmbeddedS3 } from './embedded.js';
export type { EmbeddedServer } from './embedded.js';
export { claimDataDir } from './data-dir-lock.js';
export type { DataDirClaim, DataDirLockInfo } from './data-dir-lock.js';
export { createStores, openStores } from './open-stores.js';
export type { CreateStoresOptions, OpenStoresOptions, OpenedStores, RadarStores, StorageClients } from './open-stores.js';
