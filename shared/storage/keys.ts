import type { UnitRef } from '../org/index.js';

// Every DynamoDB key and S3 key the adapters write, built in one place so the layout is testable without a server.
//
// DynamoDB single table (PK/SK strings; GSI1 on GSI1PK/GSI1SK):
//   UNIT#{unit}        SNAP#{asOf}          snapshot (GSI1: ASOF#{asOf} / {unit})
//   ASOF               {asOf}               as-of completeness marker (written after all its snapshots)
//   LATEST             ASOF                 pointer to the newest complete as-of (only moves forward)
//   RUN#{runId}        RUN                  run record
//   RUNS               {startedAt}#{runId}  run listing index (newest first by reverse query)
//   CURSOR#{bindingId} CURSOR               incremental cursor of a binding
//   UNIT#{unit}        POINT#{asOf}         the unit's trend point at the as-of (small; a unit trend is one Query)
//   SUMMARY#{asOf}     VIEW#{part}          what the dashboard's views draw at the as-of (gzip+base64 chunks)
//   SUMMARY#{asOf}     STATE                what the next as-ofs' summaries build on (series and baseline cards)

export interface ItemKey {
  PK: string;
  SK: string;
}

/** Key of a unit's snapshot at one as-of. */
export function snapshotKey(unit: UnitRef, asOf: string): ItemKey {
  return { PK: `UNIT#${unit}`, SK: `SNAP#${asOf}` };
}

/** GSI1 attributes that group every unit's snapshot of one as-of. */
export function snapshotGsiKey(unit: UnitRef, asOf: string): { GSI1PK: string; GSI1SK: string } {
  return { GSI1PK: `ASOF#${asOf}`, GSI1SK: unit };
}

/** Partition key of all of a unit's snapshots. */
export function unitPartition(unit: UnitRef): string {
  return `UNIT#${unit}`;
}

/** GSI1 partition of one as-of. */
export function asOfPartition(asOf: string): string {
  return `ASOF#${asOf}`;
}

/** The marker that says an as-of's snapshots are all written. */
export function asOfMarkerKey(asOf: string): ItemKey {
  return { PK: 'ASOF', SK: asOf };
}

/** Key of a unit's trend point at one as-of (same partition as its snapshots, its own sort-key prefix). */
export function unitPointKey(unit: UnitRef, asOf: string): ItemKey {
  return { PK: `UNIT#${unit}`, SK: `POINT#${asOf}` };
}

/** Sort-key prefix of a unit's trend points. */
export const UNIT_POINT_PREFIX = 'POINT#';

/** Partition of one as-of's summary items. */
export function summaryPartition(asOf: string): string {
  return `SUMMARY#${asOf}`;
}

/** Key of one chunk of an as-of's view summary; parts sort in order (zero-padded). */
export function summaryViewKey(asOf: string, part: number): ItemKey {
  return { PK: summaryPartition(asOf), SK: `${SUMMARY_VIEW_PREFIX}${String(part).padStart(3, '0')}` };
}

/** Sort-key prefix of the view summary's chunks. */
export const SUMMARY_VIEW_PREFIX = 'VIEW#';

/** Key of an as-of's summary state (what later as-ofs build their summaries on). */
export function summaryStateKey(asOf: string): ItemKey {
  return { PK: summaryPartition(asOf), SK: 'STATE' };
}

/** Partition holding every as-of marker. */
export const ASOF_MARKER_PARTITION = 'ASOF';

/** The single "latest complete as-of" pointer item. */
export const LATEST_POINTER_KEY: Readonly<ItemKey> = Object.freeze({ PK: 'LATEST', SK: 'ASOF' });

/** Key of a run record. */
export function runKey(runId: string): ItemKey {
  return { PK: `RUN#${runId}`, SK: 'RUN' };
}

/** Key of a run's listing index item; the sort key orders runs by start time. */
export function runIndexKey(startedAt: string, runId: string): ItemKey {
  return { PK: RUN_INDEX_PARTITION, SK: `${startedAt}#${runId}` };
}

/** Partition holding the run listing index. */
export const RUN_INDEX_PARTITION = 'RUNS';

/** Key of a binding's cursor. */
export function cursorKey(bindingId: string): ItemKey {
  return { PK: `CURSOR#${bindingId}`, SK: 'CURSOR' };
}

/**
 * Makes an id usable as one S3 key segment, injectively: `:` and `/` become `.`, and every other character
 * outside `[A-Za-z0-9-]` (including `.` and the escape `_` itself) becomes `_xx` (hex), so two ids never share
 * a segment. `pod:recsys/github` → `pod.recsys.github`.
 */
export function pathSafe(id: string): string {
  let out = '';
  for (const ch of id) {
    if (/^[A-Za-z0-9-]$/.test(ch)) out += ch;
    else if (ch === ':' || ch === '/') out += '.';
    else {
      for (const byte of Buffer.from(ch, 'utf8')) out += `_${byte.toString(16).padStart(2, '0')}`;
    }
  }
  return out;
}

/**
 * S3 key of a raw page: `raw/{source}/{binding}/{runId}/{seq}.json.gz`. The sequence number is zero-padded to six
 * digits so a lexicographic listing returns pages in collection order.
 */
export function rawPageKey(source: string, bindingId: string, runId: string, seq: number): string {
  if (!Number.isInteger(seq) || seq < 0) throw new RangeError(`raw page seq must be a non-negative integer, got ${seq}`);
  return `raw/${pathSafe(source)}/${pathSafe(bindingId)}/${pathSafe(runId)}/${String(seq).padStart(6, '0')}.json.gz`;
}

/** S3 prefix of every raw page a binding stored in one run. */
export function rawRunPrefix(source: string, bindingId: string, runId: string): string {
  return `raw/${pathSafe(source)}/${pathSafe(bindingId)}/${pathSafe(runId)}/`;
}

/**
 * S3 key of a binding's normalised activities as ONE object, the layout before month partitions. Still read (a
 * binding with no partition index yet) and migrated on its next write; never written any more.
 */
export function activitiesKey(bindingId: string): string {
  return `normalised/${pathSafe(bindingId)}/activities.jsonl.gz`;
}

/** S3 prefix of everything stored for a binding's normalised activities (partitions, index, legacy object). */
export function activitiesPrefix(bindingId: string): string {
  return `normalised/${pathSafe(bindingId)}/`;
}

/** Partition name of activities whose `at` does not parse as a time (kept, never lost, read only without a window). */
export const UNDATED_PARTITION = 'undated';

/** The month partition (`YYYY-MM`, UTC) an activity time belongs to, or UNDATED_PARTITION when it is not a time. */
export function activityMonth(at: string): string {
  const t = Date.parse(at);
  const d = new Date(t);
  if (!Number.isFinite(t) || d.getUTCFullYear() < 0 || d.getUTCFullYear() > 9999) return UNDATED_PARTITION;
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** S3 key of one month partition of a binding's activities: `normalised/{binding}/{YYYY-MM}.jsonl.gz`. */
export function activitiesPartitionKey(bindingId: string, month: string): string {
  if (month !== UNDATED_PARTITION && !/^\d{4}-\d{2}$/.test(month)) throw new RangeError(`partition month must be YYYY-MM, got ${month}`);
  return `${activitiesPrefix(bindingId)}${month}.jsonl.gz`;
}

/**
 * S3 key of a binding's partition index: which activity ids each month partition holds. It is the truth for which
 * partitions are current (loads read only partitions it lists) and lets a collect find where a changed or removed
 * id lives without reading every partition.
 */
export function activitiesIndexKey(bindingId: string): string {
  return `${activitiesPrefix(bindingId)}index.json.gz`;
}

/** S3 prefix of a run's binding outcomes (the run log pieces collect tasks leave for score). */
export function runOutcomePrefix(runId: string): string {
  return `runs/${pathSafe(runId)}/outcomes/`;
}

/** S3 key of one binding's outcome in a run. */
export function runOutcomeKey(runId: string, bindingId: string): string {
  return `${runOutcomePrefix(runId)}${pathSafe(bindingId)}.json.gz`;
}
