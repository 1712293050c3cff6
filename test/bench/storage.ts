import { buildApiApp } from '../../shared/api/index.js';
import type { RadarStores } from '../../shared/storage/index.js';
import { figure } from './lib/figures.js';
import type { Figure } from './lib/figures.js';
import type { SyncResult } from './sync.js';

// Section 3: DynamoDB and S3 calls of the full scheduled run (counted by the storage layer's own SDK middleware)
// against the least the design needs, and DynamoDB calls per dashboard API request against one query per view.

const BATCH = 25;

/** The API requests each dashboard view makes (dashboard/src/views/*.ts), and the most DynamoDB calls each may cost. */
const VIEWS: Record<string, { paths: string[]; target: number }> = {
  executive: { paths: ['/api/overview?weeks=4'], target: 2 },
  units: { paths: ['/api/units'], target: 2 },
  unit: { paths: ['/api/units/{pod}/page'], target: 3 },
  runs: { paths: ['/api/runs?limit=12'], target: 1 },
};

/** Storage calls of the sync's full run, plus the API's DynamoDB calls per dashboard view over `views` (seeded stores). */
export async function runStorageBench(sync: SyncResult, views: { stores: RadarStores; pod: string; label: string }): Promise<{ figures: Figure[]; detail: Record<string, unknown> }> {
  const { full, cards, bindings, pages, partitions, indexed } = sync.storage;
  const c = full.calls;
  const get = (k: string): number => c[k] ?? 0;
  // DynamoDB: one cursor read and one cursor write per binding at collect; every cursor read again at score (the
  // last success of each source) in BatchGetItem calls of 100 keys; the snapshot items in batches of 25; the as-of
  // marker and the latest pointer; the run record written at plan and at score, and read once at score.

  // S3, month-partitioned normalised data: every raw page written once; every partition written once (collect) and
  // read once (score); per binding its outcome written (collect) and read (score, a separate Lambda) and its
  // partition index read by score; per binding with activities, at collect, the look for stored data (its index,
  // and where there is none yet the single object of the layout before partitions) and the index written; per
  // binding without any, score's look for that older object after finding no index; one listing of outcomes per
  // 1,000 bindings.
  const minS3 = pages + 2 * partitions + 3 * bindings + 3 * indexed + (bindings - indexed) + Math.ceil(bindings / 1000);
  const sec = '3 storage';
  // Items of the as-of write: every scorecard, its trend point, and the as-of's summary chunks (counted in the table).
  const syncStores = sync.deps.stores as RadarStores;
  const summaryItems = (
    await syncStores.dynamo.queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `SUMMARY#${sync.asOf}` }, ProjectionExpression: 'SK' })
  ).length;
  const asOfItems = 2 * cards + summaryItems;
  const runRecordBatches = 2;
  // DynamoDB minimum (see the comment above): the as-of write's items (scorecards, trend points, summary chunks) in
  // batches of 25, and at score the latest pointer and the previous summary state read once each.
  const minDynamo = 2 * bindings + Math.ceil(bindings / 100) + Math.ceil(asOfItems / BATCH) + 2 + 3 + 2;
  const figures: Figure[] = [
    figure(sec, 'DynamoDB calls per full run ÷ minimum', full.dynamodb / minDynamo, '×', 1, 'max', `${full.dynamodb} calls, minimum ${minDynamo} (cursor read + write per binding, ${Math.ceil(bindings / 100)} cursor batch reads at score, the as-of's items in batches of 25, marker, pointer, run record ×3, pointer and summary state read at score)`),
    // The as-of write puts every scorecard, its trend point and the as-of's summary chunks in one batch stream; the run
    // record (record + listing index, one BatchWriteItem per save, at plan and at score) is counted apart.
    figure(
      sec,
      'BatchWriteItem calls ÷ ceil(snapshot items ÷ 25)',
      (get('dynamodb.BatchWriteItem') - runRecordBatches) / Math.ceil(asOfItems / BATCH),
      '×',
      1,
      'max',
      `${get('dynamodb.BatchWriteItem') - runRecordBatches} for ${asOfItems} items the as-of write puts (${cards} scorecards + ${cards} trend points + ${asOfItems - 2 * cards} summary chunks); ${runRecordBatches} run-record writes counted apart`,
    ),
    figure(sec, 'S3 calls per full run ÷ minimum', full.s3 / minS3, '×', 1, 'max', `${full.s3} calls, minimum ${minS3} (${pages} raw pages, ${partitions} partitions, ${indexed} of ${bindings} bindings with activities)`),
  ];

  const stores = views.stores;
  const app = buildApiApp({ snapshots: stores.snapshots, runs: stores.runs });
  const pod = encodeURIComponent(views.pod);
  const perView: Record<string, Record<string, number>> = {};
  for (const [view, { paths, target }] of Object.entries(VIEWS)) {
    let dynamo = 0;
    const perPath: Record<string, number> = {};
    for (const p of paths) {
      const path = p.replace('{pod}', pod);
      stores.resetMetrics();
      const res = await app.request(path);
      if (res.status !== 200) throw new Error(`API ${path} answered ${res.status}`);
      await res.arrayBuffer();
      perPath[path] = stores.metrics().dynamodb;
      dynamo += stores.metrics().dynamodb;
    }
    perView[view] = perPath;
    figures.push(figure(sec, `${view} view: DynamoDB calls`, dynamo, 'calls', target, 'max', `${views.label}: ` + Object.entries(perPath).map(([k, v]) => `${k.split('?')[0] ?? k} ${v}`).join(', ')));
  }
  return { figures, detail: { runCalls: full, minimum: { dynamodb: minDynamo, s3: minS3 }, perView, cards, bindings, pages, getItemCursorReadsAtScore: get('dynamodb.GetItem') } };
}
