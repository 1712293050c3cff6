import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UnitTrendPoint } from '../api/contract.js';
import { buildAsOfSummary, summaryInputsOf, summaryIsCurrent, unitTrendPointOf } from '../api/summaries.js';
import type { SummaryState, SummaryView } from '../api/summaries.js';
import type { UnitRef } from '../org/index.js';
import type { UnitScorecard } from '../scoring/types.js';
import type { Cursor } from '../sources/contract.js';
import type { CursorStore, PendingCardStore, RunRecord, RunStore, SnapshotStore, UnitPage } from './ports.js';
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
  SUMMARY_VIEW_PREFIX,
  summaryPartition,
  summaryStateKey,
  summaryViewKey,
  UNIT_POINT_PREFIX,
  unitPartition,
  unitPointKey,
} from './keys.js';

/** Largest base64 body of one summary chunk item (DynamoDB items stop at 400 KB). */
export const SUMMARY_CHUNK_BYTES = 350 * 1024;
/** Most chunks one as-of's summary state may take (read back by key, so the count is bounded). */
export const MAX_STATE_PARTS = 4;
const DAY_MS = 86_400_000;

/**
 * DynamoDB items are limited to 400 KB. Scorecards are normally a few KB; one above this size is stored as
 * gzip+base64 in `bodyGz` instead of JSON in `body`, which keeps even an unusually large card under the limit.
 */
export const SNAPSHOT_GZIP_THRESHOLD_BYTES = 350 * 1024;

/** Keys per BatchGetItem request (DynamoDB's maximum). */
const BATCH_GET_LIMIT = 100;

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

/** gzip+base64 of a value's canonical JSON, cut into chunk-sized strings (deterministic: a rerun writes equal bytes). */
export function encodeChunks(value: unknown): string[] {
  const b64 = gzipDeterministic(canonicalJson(value)).toString('base64');
  const out: string[] = [];
  for (let i = 0; i < b64.length; i += SUMMARY_CHUNK_BYTES) out.push(b64.slice(i, i + SUMMARY_CHUNK_BYTES));
  return out.length > 0 ? out : [''];
}

/** Joins chunk items (any order) back into the value; null when a part is missing. */
export function decodeChunks<T>(items: readonly Record<string, unknown>[]): T | null {
  if (items.length === 0) return null;
  const parts = Number(items[0]?.parts);
  const byPart = new Map(items.map((i) => [Number(i.part), String(i.bodyGz)]));
  if (!Number.isInteger(parts) || parts < 1) return null;
  let b64 = '';
  for (let p = 0; p < parts; p++) {
    const chunk = byPart.get(p);
    if (chunk === undefined) return null;
    b64 += chunk;
  }
  return JSON.parse(gunzipSync(Buffer.from(b64, 'base64')).toString('utf8')) as T;
}

/** Most decoded summary views kept per process (one per as-of; the executive view asks for the latest). */
const DECODED_VIEWS_MAX = 4;
const decodedViews = new Map<string, { bodies: string; view: SummaryView }>();

/**
 * A summary view decoded from its chunk items, reusing the object decoded last time when the stored bodies are the
 * same string (the as-of's summary was not rewritten): the Query still runs, only gunzip and JSON.parse of a
 * multi-megabyte view are saved. Bounded (least recently used out); callers treat the view as read-only.
 */
function decodeSummaryView(table: string, asOf: string, items: readonly Record<string, unknown>[]): SummaryView | null {
  const key = `${table}|${asOf}`;
  const bodies = [...items].sort((a, b) => Number(a.part) - Number(b.part)).map((i) => `${String(i.part)}/${String(i.parts)}:${String(i.bodyGz)}`).join('|');
  const hit = decodedViews.get(key);
  decodedViews.delete(key);
  if (hit && hit.bodies === bodies) {
    decodedViews.set(key, hit);
    return hit.view;
  }
  const view = decodeChunks<SummaryView>(items);
  if (view) {
    decodedViews.set(key, { bodies, view });
    for (const oldest of decodedViews.keys()) {
      if (decodedViews.size <= DECODED_VIEWS_MAX) break;
      decodedViews.delete(oldest);
    }
  }
  return view;
}

/** A unit's trend point item at one as-of (small: a unit's whole trend is one Query of its partition). */
export function encodePointItem(card: UnitScorecard, asOf: string): TableItem {
  return { ...unitPointKey(card.unit, asOf), entity: 'point', asOf, body: canonicalJson(unitTrendPointOf(card)) };
}

/** The summary items of one as-of (written with its snapshots, before its marker). */
export function encodeSummaryItems(asOf: string, view: SummaryView, state: SummaryState): TableItem[] {
  const items: TableItem[] = [];
  const viewParts = encodeChunks(view);
  viewParts.forEach((bodyGz, part) => items.push({ ...summaryViewKey(asOf, part), entity: 'summary', asOf, part, parts: viewParts.length, bodyGz }));
  const stateParts = encodeChunks(state);
  if (stateParts.length <= MAX_STATE_PARTS) {
    stateParts.forEach((bodyGz, part) => items.push({ PK: summaryPartition(asOf), SK: stateSk(part), entity: 'summary-state', asOf, part, parts: stateParts.length, bodyGz }));
  }
  // A state larger than MAX_STATE_PARTS chunks is not written: the next as-of then builds a fresh series whose chain
  // does not match the complete as-ofs, and readers fall back to the full reads (slower, never wrong).
  return items;
}

function stateSk(part: number): string {
  return part === 0 ? summaryStateKey('').SK : `STATE#${String(part).padStart(3, '0')}`;
}

/** What the latest pointer says about complete as-ofs; null `complete` on a pointer written before it kept the set. */
interface PointerInfo {
  latest: string | null;
  complete: string[] | null;
  /** Complete as-ofs written before summaries existed (set once, when the pointer first gets its set). */
  legacy: string[];
}

function setOf(v: unknown): string[] | null {
  if (v instanceof Set) return [...(v as Set<unknown>)].map(String).sort();
  if (Array.isArray(v)) return v.map(String).sort();
  return null;
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
    // What the summary builds on: the complete as-ofs (from the latest pointer), then the previous as-of's state and
    // each period's baseline state, in one batch read.
    const pointer = await this.loadPointerInfo();
    let complete = pointer.complete;
    let legacy: string[] = [];
    if (complete === null) {
      // A pointer written before it kept the complete set (or none yet): seed the set from the markers, once, and
      // remember those as-ofs as legacy (they have no summary and no trend points until rewritten).
      complete = (await this.queryMarkers(false)).map((m) => m.asOf);
      legacy = complete.filter((a) => a !== asOf);
    }
    const inputs = summaryInputsOf(asOf, complete);
    const states = await this.loadStates([...new Set([...(inputs.prev ? [inputs.prev] : []), ...inputs.baselines])]);
    const prevState = inputs.prev ? (states.get(inputs.prev) ?? null) : null;
    const { view, state } = buildAsOfSummary(asOf, cards, prevState, states);
    // Order matters: items first (snapshots, trend points, summary), marker second, pointer last. A crash between
    // steps leaves an invisible, incomplete as-of (no marker) that a rerun completes; readers never see half of one.
    // One batch stream for every item, so the batches are full (ceil(items / 25) calls).
    // Each card is followed by its trend point, so every batch of the stream carries snapshots.
    await this.table.batchPut([...cards.flatMap((c) => [encodeSnapshotItem(c, asOf), encodePointItem(c, asOf)]), ...encodeSummaryItems(asOf, view, state)]);
    const units = [...seen].sort();
    // The run id stays out of the marker so that a rerun of the same as-of writes identical bytes.
    await call('MARKER_WRITE_FAILED', `${this.table.name}/ASOF/${asOf}`, 'could not write the as-of marker', () =>
      this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: { ...asOfMarkerKey(asOf), entity: 'asof', asOf, units, count: units.length } })),
    );
    await this.movePointer(asOf, legacy);
  }

  /**
   * Moves the latest pointer forward when this as-of is newer and adds the as-of to the pointer's set of complete
   * as-ofs (a string set: adding is idempotent and order-free). A backfill of an older as-of, or a rerun of the
   * latest, fails the forward condition; the set is then updated on its own.
   */
  private async movePointer(asOf: string, legacy: string[]): Promise<void> {
    // DynamoDB refuses expression values the expression does not use, so each case sends only its own.
    const values: Record<string, unknown> = { ':new': asOf, ':entity': 'latest' };
    const add = legacy.length > 0 ? 'ADD asOfs :all, legacy :legacy' : 'ADD asOfs :one';
    if (legacy.length > 0) {
      values[':all'] = new Set([...legacy, asOf]);
      values[':legacy'] = new Set(legacy);
    } else values[':one'] = new Set([asOf]);
    // Rewriting a legacy as-of gives it a summary and trend points: it stops being legacy.
    const del = legacy.length > 0 ? '' : ' DELETE legacy :one';
    const send = (expr: string, condition: string | undefined, vals: Record<string, unknown>) =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: { ...LATEST_POINTER_KEY },
          UpdateExpression: expr,
          ...(condition ? { ConditionExpression: condition } : {}),
          ExpressionAttributeValues: vals,
        }),
      );
    try {
      await send(`SET asOf = :new, entity = :entity ${add}${del}`, 'attribute_not_exists(asOf) OR asOf < :new', values);
    } catch (cause) {
      if (!(cause instanceof Error && cause.name === 'ConditionalCheckFailedException')) {
        throw new StorageError({ code: 'LATEST_POINTER_FAILED', reason: 'could not move the latest pointer', path: `${this.table.name}/LATEST`, cause });
      }
      // The pointer only moves forward; the as-of still joins the complete set.
      const { ':new': _n, ...rest } = values;
      await call('LATEST_POINTER_FAILED', `${this.table.name}/LATEST`, 'could not record the complete as-of', () => send(`SET entity = :entity ${add}${del}`, undefined, rest));
    }
  }

  private async loadPointerInfo(): Promise<PointerInfo> {
    const item = await this.getItem({ ...LATEST_POINTER_KEY });
    return {
      latest: item && typeof item.asOf === 'string' ? item.asOf : null,
      complete: item ? setOf(item.asOfs) : null,
      legacy: item ? (setOf(item.legacy) ?? []) : [],
    };
  }

  /** Summary states of some as-ofs (one BatchGetItem); as-ofs without one are absent from the map. */
  private async loadStates(asOfs: readonly string[]): Promise<Map<string, SummaryState>> {
    const out = new Map<string, SummaryState>();
    if (asOfs.length === 0) return out;
    const keys = asOfs.flatMap((a) => Array.from({ length: MAX_STATE_PARTS }, (_, p) => ({ PK: summaryPartition(a), SK: stateSk(p) })));
    const items = await this.batchGet(keys);
    for (const a of asOfs) {
      const state = decodeChunks<SummaryState>(items.filter((i) => i.PK === summaryPartition(a)));
      if (state) out.set(a, state);
    }
    return out;
  }

  /**
   * The view summary of an as-of (the latest when omitted): one GetItem of the latest pointer and one Query of the
   * summary's partition. Null when the caller must take the full reads: no summary, a summary older than a rewrite
   * of an earlier as-of, as-ofs written before summaries existed, or an as-of that is not complete.
   */
  async loadSummary(asOf?: string): Promise<{ asOf: string; view: SummaryView } | null> {
    const pointer = await this.loadPointerInfo();
    if (pointer.complete === null) return null;
    const at = asOf ?? pointer.latest;
    if (at === null || !pointer.complete.includes(at)) return null;
    const items = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': summaryPartition(at), ':prefix': SUMMARY_VIEW_PREFIX },
      ConsistentRead: true,
    });
    const view = decodeSummaryView(this.table.name, at, items);
    if (!view || view.asOf !== at || !summaryIsCurrent(view, pointer.complete)) return null;
    return { asOf: at, view };
  }

  /**
   * What a unit's page draws, in at most three calls: the latest pointer (complete as-ofs), one Query of the unit's
   * trend points, and one BatchGetItem of its card at the as-of, the previous as-of and four weeks before (with
   * their markers). Null when the caller must take the full reads (as-ofs written before trend points existed).
   */
  async loadUnitPage(unit: UnitRef, asOf?: string): Promise<UnitPage | null> {
    const pointer = await this.loadPointerInfo();
    if (pointer.complete === null || pointer.legacy.length > 0) return null;
    const at = asOf ?? pointer.latest;
    if (at === null) return { card: null, previous: null, fourWeeks: null, points: [] };
    const complete = new Set(pointer.complete);
    const pointItems = await this.table.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': unitPartition(unit), ':prefix': UNIT_POINT_PREFIX },
      ConsistentRead: true,
    });
    const points = pointItems.filter((i) => complete.has(String(i.asOf))).map((i) => JSON.parse(String(i.body)) as UnitTrendPoint);
    if (!complete.has(at)) return { card: null, previous: null, fourWeeks: null, points };
    const idx = points.findIndex((p) => p.asOf === at);
    const previousAsOf = idx > 0 ? points[idx - 1]?.asOf : undefined;
    const cutoff = Date.parse(at) - 28 * DAY_MS;
    const fourWeeksAsOf = [...points].reverse().find((p) => Date.parse(p.asOf) <= cutoff)?.asOf;
    const wanted = [...new Set([at, previousAsOf, fourWeeksAsOf].filter((a): a is string => a !== undefined))];
    const items = await this.batchGet(wanted.flatMap((a) => [asOfMarkerKey(a), snapshotKey(unit, a)]));
    const cardAt = (a: string | undefined): UnitScorecard | null => {
      if (a === undefined) return null;
      const marker = items.find((i) => i.PK === asOfMarkerKey(a).PK && i.SK === a);
      const item = items.find((i) => i.PK === unitPartition(unit) && i.SK === snapshotKey(unit, a).SK);
      // The marker lists the as-of's units: a card left over from an earlier write of the as-of is not part of it.
      if (!marker || !toMarker(marker).units.has(unit) || !item) return null;
      return decodeSnapshotItem(item);
    };
    return { card: cardAt(at), previous: cardAt(previousAsOf), fourWeeks: cardAt(fourWeeksAsOf), points };
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

  /** Several bindings' cursors with consistent BatchGetItem reads of up to 100 keys each; absent ones are left out. */
  async loadCursors(bindingIds: readonly string[]): Promise<Map<string, { cursor: Cursor; asOf: string }>> {
    const out = new Map<string, { cursor: Cursor; asOf: string }>();
    const unique = [...new Set(bindingIds)];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let pending: Record<string, unknown>[] = unique.slice(i, i + BATCH_GET_LIMIT).map((id) => ({ ...cursorKey(id) }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > 5) {
          throw new StorageError({ code: 'BATCH_GET_UNPROCESSED', reason: `${pending.length} cursor(s) still unprocessed after ${attempt - 1} batch reads`, path: this.table.name });
        }
        // Backoff only before a retry; DynamoDB returns UnprocessedKeys when it throttles part of a batch.
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt * Math.random()));
        const keys = pending;
        const res = await call('BATCH_GET_FAILED', this.table.name, 'could not read the cursors', () =>
          this.table.doc.send(new BatchGetCommand({ RequestItems: { [this.table.name]: { Keys: keys, ConsistentRead: true } } })),
        );
        for (const item of res.Responses?.[this.table.name] ?? []) {
          out.set(String(item.bindingId), { cursor: JSON.parse(String(item.cursor)) as Cursor, asOf: String(item.asOf) });
        }
        pending = res.UnprocessedKeys?.[this.table.name]?.Keys ?? [];
      }
    }
    return out;
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
