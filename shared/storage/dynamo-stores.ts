import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UnitRef } from '../org/index.js';
import type { UnitScorecard } from '../scoring/types.js';
import type { Cursor } from '../sources/contract.js';
import type { CursorStore, PendingCardStore, RunRecord, RunStore, SnapshotStore } from './ports.js';
import type { DynamoTable, TableItem } from './dynamo-table.js';
import { canonicalJson, gzipDeterministic } from './encoding.js';
import { gunzipSync } from 'node:zlib';
import { StorageError } from './errors.js';
import {
  ASOF_MARKER_PARTITION,
  LATEST_POINTER_KEY,
  RUN_INDEX_PARTITION,
  asOfMarkerKey,
  asOfPartition,
  cursorKey,
  runIndexKey,
  runKey,
  snapshotGsiKey,
  snapshotKey,
  unitPartition,
} from './keys.js';

/**
 * DynamoDB items are limited to 400 KB. Scorecards are normally a few KB; one above this size is stored as
 * gzip+base64 in `bodyGz` instead of JSON in `body`, which keeps even an unusually large card under the limit.
 */
export const SNAPSHOT_GZIP_THRESHOLD_BYTES = 350 * 1024;

async function call<T>(code: string, path: string, reason: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    if (cause instanceof StorageError) throw cause;
    throw new StorageError({ code, reason, path, cause });
  }
}

/** Encodes a scorecard as its snapshot item; deterministic (no clock, no run id) so a rerun writes equal bytes. */
export function encodeSnapshotItem(card: UnitScorecard, asOf: string): TableItem {
  const json = canonicalJson(card);
  const item: TableItem = {
    ...snapshotKey(card.unit, asOf),
    ...snapshotGsiKey(card.unit, asOf),
    entity: 'snapshot',
    unit: card.unit,
    asOf,
    kind: card.kind,
    status: card.status,
    rubricVersion: card.rubric.version,
    score: card.score,
    level: card.level,
  };
  if (Buffer.byteLength(json, 'utf8') > SNAPSHOT_GZIP_THRESHOLD_BYTES) item.bodyGz = gzipDeterministic(json).toString('base64');
  else item.body = json;
  return item;
}

/** Decodes a snapshot item written by encodeSnapshotItem. */
export function decodeSnapshotItem(item: Record<string, unknown>): UnitScorecard {
  const text =
    typeof item.body === 'string'
      ? item.body
      : typeof item.bodyGz === 'string'
        ? gunzipSync(Buffer.from(item.bodyGz, 'base64')).toString('utf8')
        : null;
  if (text === null) {
    throw new StorageError({ code: 'SNAPSHOT_CORRUPT', reason: 'snapshot item has no body', path: `${String(item.PK)}/${String(item.SK)}` });
  }
  return JSON.parse(text) as UnitScorecard;
}

interface AsOfMarker {
  asOf: string;
  units: Set<string>;
}

/** Snapshots in the single table; an as-of becomes visible only when its marker item exists. */
export class DynamoSnapshotStore implements SnapshotStore {
  /** Set on a read session only: the marker list, read once and shared by the session's reads. */
  private markersMemo: Promise<AsOfMarker[]> | null = null;

  constructor(
    private readonly table: DynamoTable,
    private readonly session = false,
  ) {}

  /**
   * A short-lived view for one request: it reads the as-of markers at most once (one Query) and answers
   * listAsOfs, loadAllAt's completeness check and every history's filter from that read. Not for long-lived
   * use: as-ofs completed after its first read stay invisible to it.
   */
  readSession(): DynamoSnapshotStore {
    return new DynamoSnapshotStore(this.table, true);
  }

  /** Writes every card (batch), then the as-of marker, then moves the latest pointer forward if this as-of is newer. */
  async saveSnapshots(asOf: string, cards: readonly UnitScorecard[], _meta: { runId: string }): Promise<void> {
    const seen = new Set<string>();
    for (const card of cards) {
      if (card.asOf !== asOf) {
        throw new StorageError({ code: 'SNAPSHOT_ASOF_MISMATCH', reason: `scorecard as-of ${card.asOf} differs from ${asOf}`, path: unitPartition(card.unit) });
      }
      if (seen.has(card.unit)) {
        throw new StorageError({ code: 'SNAPSHOT_DUPLICATE_UNIT', reason: 'two scorecards for one unit in one as-of', path: unitPartition(card.unit) });
      }
      seen.add(card.unit);
    }
    // Order matters: items first, marker second, pointer last. A crash between steps leaves an invisible,
    // incomplete as-of (no marker) that a rerun completes; readers never see half of one.
    await this.table.batchPut(cards.map((c) => encodeSnapshotItem(c, asOf)));
    const units = [...seen].sort();
    // The run id stays out of the marker so that a rerun of the same as-of writes identical bytes.
    await call('MARKER_WRITE_FAILED', `${this.table.name}/ASOF/${asOf}`, 'could not write the as-of marker', () =>
      this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: { ...asOfMarkerKey(asOf), entity: 'asof', asOf, units, count: units.length } })),
    );
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: { ...LATEST_POINTER_KEY },
          UpdateExpression: 'SET asOf = :new, entity = :entity',
          ConditionExpression: 'attribute_not_exists(asOf) OR asOf < :new',
          ExpressionAttributeValues: { ':new': asOf, ':entity': 'latest' },
        }),
      );
    } catch (cause) {
      // The pointer only moves forward: a backfill of an older as-of, or a rerun of the latest, fails the
      // condition. That is the expected outcome, not an error.
      if (!(cause instanceof Error && cause.name === 'ConditionalCheckFailedException')) {
        throw new StorageError({ code: 'LATEST_POINTER_FAILED', reason: 'could not move the latest pointer', path: `${this.table.name}/LATEST`, cause });
      }
    }
  }

  private async getItem(key: { PK: string; SK: string }): Promise<Record<string, unknown> | null> {
    const out = await call('GET_FAILED', `${this.table.name}/${key.PK}/${key.SK}`, 'could not read item', () =>
      this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true })),
    );
    return out.Item ?? null;
  }

  private async loadMarker(asOf: string): Promise<AsOfMarker | null> {
    if (this.session) return (await this.loadMarkers()).find((m) => m.asOf === asOf) ?? null;
    const item = await this.getItem(asOfMarkerKey(asOf));
    return item ? toMarker(item) : null;
  }

  /** Every complete as-of's marker; with `withUnits: false` only the as-of (a much smaller read, one page). */
  private async loadMarkers(withUnits = true): Promise<AsOfMarker[]> {
    if (this.session) {
      if (this.markersMemo === null) {
        const read = this.queryMarkers(true);
        this.markersMemo = read;
        // A failed read is not kept: the session's next call tries again (the caller still sees this failure).
        read.catch(() => {
          if (this.markersMemo === read) this.markersMemo = null;
        });
      }
      return this.markersMemo;
    }
    return this.queryMarkers(withUnits);
  }

  private async queryMarkers(withUnits: boolean): Promise<AsOfMarker[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': ASOF_MARKER_PARTITION },
      // Only the attributes read here: the marker's other attributes are not needed, and without the unit lists
      // the as-of listing stays one small page however many units each as-of holds.
      ProjectionExpression: withUnits ? 'SK, #units' : 'SK',
      ...(withUnits ? { ExpressionAttributeNames: { '#units': 'units' } } : {}),
      ConsistentRead: true,
    });
    return items.map(toMarker);
  }

  /** Exact as-of when given (null unless complete), else the card at the latest complete as-of. */
  async loadScorecard(unit: UnitRef, asOf?: string): Promise<UnitScorecard | null> {
    let at = asOf;
    if (at === undefined) {
      const pointer = await this.getItem({ ...LATEST_POINTER_KEY });
      if (!pointer || typeof pointer.asOf !== 'string') return null;
      at = pointer.asOf;
    }
    // Marker and card in one BatchGetItem: one call instead of two GetItems.
    const markerKey = asOfMarkerKey(at);
    const cardKey = snapshotKey(unit, at);
    const items = await this.batchGet([markerKey, cardKey]);
    const markerItem = items.find((i) => i.PK === markerKey.PK && i.SK === markerKey.SK);
    const item = items.find((i) => i.PK === cardKey.PK && i.SK === cardKey.SK);
    const marker = markerItem ? toMarker(markerItem) : null;
    if (!marker || !marker.units.has(unit) || !item) return null;
    return decodeSnapshotItem(item);
  }

  /** Consistent BatchGetItem of a few keys (at most 100), re-asking for UnprocessedKeys a bounded number of times. */
  private async batchGet(keys: { PK: string; SK: string }[]): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = keys;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 5) {
        throw new StorageError({ code: 'BATCH_GET_UNPROCESSED', reason: `${pending.length} key(s) still unprocessed after ${attempt - 1} batch reads`, path: this.table.name });
      }
      // Backoff only before a retry; DynamoDB returns UnprocessedKeys when it throttles part of a batch.
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt * Math.random()));
      const keysNow = pending;
      const out = await call('BATCH_GET_FAILED', this.table.name, 'could not read items', () =>
        this.table.doc.send(new BatchGetCommand({ RequestItems: { [this.table.name]: { Keys: keysNow, ConsistentRead: true } } })),
      );
      found.push(...(out.Responses?.[this.table.name] ?? []));
      pending = out.UnprocessedKeys?.[this.table.name]?.Keys ?? [];
    }
    return found;
  }

  /** Every card of a complete as-of, ordered by unit ref. */
  async loadAllAt(asOf: string): Promise<UnitScorecard[]> {
    // Marker and index read side by side: one round trip instead of two (an incomplete as-of's items are dropped).
    const [marker, items] = await Promise.all([
      this.loadMarker(asOf),
      this.table.queryAll({
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': asOfPartition(asOf) },
      }),
    ]);
    if (!marker) return [];
    const found = new Map<string, UnitScorecard>();
    for (const item of items) {
      const unit = String(item.unit);
      if (marker.units.has(unit)) found.set(unit, decodeSnapshotItem(item));
    }
    // In AWS a GSI is eventually consistent: right after the marker is written an item may not be indexed yet.
    // The marker lists every unit, so any gap is filled from the base table with a consistent read.
    for (const unit of marker.units) {
      if (found.has(unit)) continue;
      const item = await this.getItem(snapshotKey(unit, asOf));
      if (!item) {
        throw new StorageError({ code: 'SNAPSHOT_MISSING', reason: 'a complete as-of lacks one of its units', path: `${unitPartition(unit)}/SNAP#${asOf}` });
      }
      found.set(unit, decodeSnapshotItem(item));
    }
    return [...found.keys()].sort().map((u) => found.get(u) as UnitScorecard);
  }

  /** Complete as-ofs, oldest first. */
  async listAsOfs(): Promise<string[]> {
    return (await this.loadMarkers(false)).map((m) => m.asOf);
  }

  /** A unit's cards at complete as-ofs within [from, to] (inclusive; `to` also matches as-ofs it prefixes), oldest first. */
  async loadUnitHistory(unit: UnitRef, opts: { from?: string; to?: string } = {}): Promise<UnitScorecard[]> {
    return (await this.loadHistories([unit], opts))[0] ?? [];
  }

  /** Several units' histories (same order as `units`), reading the as-of markers once and the units in parallel. */
  async loadHistories(units: readonly UnitRef[], opts: { from?: string; to?: string } = {}): Promise<UnitScorecard[][]> {
    const [markers, ...perUnit] = await Promise.all([
      this.loadMarkers(),
      ...units.map((unit) =>
        this.table.queryAll({
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': unitPartition(unit),
            ':from': `SNAP#${opts.from ?? ''}`,
            // U+FFFF sorts after every character an as-of can contain: an open end includes the newest, and a
            // date-only `to` (2026-04-20) includes timestamped as-ofs of that day (2026-04-20T06:00:00Z).
            ':to': `SNAP#${opts.to ?? ''}\uffff`,
          },
          ConsistentRead: true,
        }),
      ),
    ]);
    const complete = new Map(markers.map((m) => [m.asOf, m]));
    return units.map((unit, i) =>
      (perUnit[i] ?? []).filter((item) => complete.get(String(item.asOf))?.units.has(unit) === true).map(decodeSnapshotItem),
    );
  }
}

function toMarker(item: Record<string, unknown>): AsOfMarker {
  const units = Array.isArray(item.units) ? (item.units as unknown[]).map(String) : [];
  return { asOf: String(item.SK), units: new Set(units) };
}

/**
 * Run records. Listing uses index items in one `RUNS` partition sorted by `{startedAt}#{runId}` rather than a
 * GSI: a run happens weekly (plus backfills), so one partition stays far below DynamoDB's per-partition limits,
 * a reverse Query gives newest-first directly, and the index items carry the record so listing needs no N+1 gets.
 */
export class DynamoRunStore implements RunStore {
  constructor(private readonly table: DynamoTable) {}

  /** Writes (or replaces) the run record and its listing index item. */
  async saveRun(run: RunRecord): Promise<void> {
    const body = canonicalJson(run);
    const attrs = { entity: 'run', runId: run.runId, status: run.status, asOf: run.asOf, startedAt: run.startedAt, body };
    await this.table.batchPut([
      { ...runKey(run.runId), ...attrs },
      { ...runIndexKey(run.startedAt, run.runId), ...attrs },
    ]);
  }

  /** The run record, or null when unknown. */
  async loadRun(runId: string): Promise<RunRecord | null> {
    const key = runKey(runId);
    const out = await call('GET_FAILED', `${this.table.name}/${key.PK}`, 'could not read the run', () =>
      this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true })),
    );
    return out.Item ? (JSON.parse(String(out.Item.body)) as RunRecord) : null;
  }

  /** Newest first, at most `limit` (default 50). */
  async listRuns(limit = 50): Promise<RunRecord[]> {
    if (limit <= 0) return [];
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': RUN_INDEX_PARTITION },
      ScanIndexForward: false,
      Limit: limit,
      ConsistentRead: true,
    }, { maxItems: limit });
    return items.slice(0, limit).map((item) => JSON.parse(String(item.body)) as RunRecord);
  }
}

/** Incremental cursors, one item per binding. */
export class DynamoCursorStore implements CursorStore {
  constructor(private readonly table: DynamoTable) {}

  /** The binding's saved cursor and the as-of it was saved at, or null before the first successful collection. */
  async loadCursor(bindingId: string): Promise<{ cursor: Cursor; asOf: string } | null> {
    const key = cursorKey(bindingId);
    const out = await call('GET_FAILED', `${this.table.name}/${key.PK}`, 'could not read the cursor', () =>
      this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true })),
    );
    if (!out.Item) return null;
    return { cursor: JSON.parse(String(out.Item.cursor)) as Cursor, asOf: String(out.Item.asOf) };
  }

  /** Replaces the binding's cursor. */
  async saveCursor(bindingId: string, cursor: Cursor, asOf: string): Promise<void> {
    const key = cursorKey(bindingId);
    await call('PUT_FAILED', `${this.table.name}/${key.PK}`, 'could not save the cursor', () =>
      this.table.doc.send(
        new PutCommand({ TableName: this.table.name, Item: { ...key, entity: 'cursor', bindingId, asOf, cursor: canonicalJson(cursor) } }),
      ),
    );
  }
}

/**
 * Pending pod cards of a fanned-out score step: `PK = PENDING#{runId}#{asOf}`, `SK = {unit}`, the card as gzip
 * JSON (base64), so that any card fits an item. Kept apart from snapshot items, so no reader ever sees them.
 */
export class DynamoPendingCardStore implements PendingCardStore {
  constructor(private readonly table: DynamoTable) {}

  async savePending(runId: string, asOf: string, cards: readonly UnitScorecard[]): Promise<void> {
    await this.table.batchPut(
      cards.map((c) => ({ PK: `PENDING#${runId}#${asOf}`, SK: c.unit, entity: 'pending-card', bodyGz: gzipDeterministic(canonicalJson(c)).toString('base64') })),
    );
  }

  async loadPending(runId: string, asOf: string): Promise<UnitScorecard[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `PENDING#${runId}#${asOf}` },
      ConsistentRead: true,
    });
    return items.map((item) => JSON.parse(gunzipSync(Buffer.from(String(item.bodyGz), 'base64')).toString('utf8')) as UnitScorecard);
  }
}
