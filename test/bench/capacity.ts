import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { listBindings } from '../../shared/org/index.js';
import { planRun, scheduledRunId } from '../../shared/pipeline/index.js';
import { pathSafe } from '../../shared/storage/index.js';
import type { RadarStores, StorageCallCounts } from '../../shared/storage/index.js';
import { CAPACITY_SIZES, LIMITS, PRICES, SOURCES, describeBinding, modelCapacity, renderCapacityMarkdown } from './lib/capacity-model.js';
import type { CapacityInputs, CapacityRow, SourceName } from './lib/capacity-model.js';
import { figure } from './lib/figures.js';
import type { Figure } from './lib/figures.js';
import type { SyncResult } from './sync.js';

// Section 6: capacity model. Measures the per-unit figures the sync and scoring sections leave behind (requests,
// points, collect seconds, stored bytes by listing the bucket and scanning the table, plan payload bytes, score time
// and RSS per pod), then scales them with the pure model in lib/capacity-model.ts to 10, 200, 1,000 and 5,000 pods.

export { renderCapacityMarkdown as renderCapacity };
export type { CapacityRow };

/** Deployment settings the model reads (not measured; each is where the product sets it). */
const SETTINGS = {
  // The modelled organisation's repos per pod (the bench's generated org uses BENCH_REPOS_PER_POD; GitHub scales per repo).
  reposPerPod: 5,
  // shared/sources/github/collect.ts: reconcileEveryDays default.
  reconcileEveryDays: 7,
  // infra/constructs/collection-workflow.ts: state machine timeout.
  runWindowHours: 6,
  // infra/settings.ts DEFAULTS.rawRetentionDays.
  rawRetentionDays: 90,
  // infra/radar-stack.ts memory sizes.
  memoryMb: { plan: 512, collect: 1024, score: 2048 },
} as const;

const KNOWN_PARTITIONS = new Set(['UNIT', 'ASOF', 'LATEST', 'RUN', 'RUNS', 'CURSOR']);

/** DynamoDB's item size rule: attribute name bytes plus value bytes (numbers ≈ 1 byte per 2 digits + 1; lists and maps 3 bytes + 1 per element). */
export function dynamoItemBytes(item: Record<string, AttributeValue>): number {
  const value = (v: AttributeValue): number => {
    if (v.S !== undefined) return Buffer.byteLength(v.S, 'utf8');
    if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
    if (v.B !== undefined) return v.B.byteLength;
    if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
    if (v.SS) return v.SS.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
    if (v.NS) return v.NS.reduce((n, s) => n + Math.ceil(s.length / 2) + 1, 0);
    if (v.BS) return v.BS.reduce((n, b) => n + b.byteLength, 0);
    if (v.L) return 3 + v.L.reduce((n, e) => n + 1 + value(e), 0);
    if (v.M) return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k, 'utf8') + value(e), 0);
    return 0;
  };
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + value(v), 0);
}

interface ScoringSize { pods: number; parseMs?: number; scoreMs?: number; baseRss?: number; peakRss?: number }

/**
 * Score time and RSS per pod from the scoring section's detail (least-squares line of peak RSS over its sizes; an
 * optional `fanOut: { podsPerItem, abovePods }` there turns on the fan-out); without it, time per unit of the sync's
 * score step and the deployed memory.
 */
export function scoringFigures(detail: Record<string, unknown> | undefined, syncScore: { seconds: number; units: number }): { value: CapacityInputs['scoring']; fallback: string | null } {
  const sizes = ((detail?.sizes as ScoringSize[] | undefined) ?? []).filter((s) => s.pods > 0 && s.peakRss !== undefined);
  const fanOut = (detail?.fanOut as { podsPerItem?: number; abovePods?: number } | undefined) ?? undefined;
  const fan = fanOut?.podsPerItem && fanOut.abovePods !== undefined ? { podsPerItem: fanOut.podsPerItem, abovePods: fanOut.abovePods } : null;
  if (sizes.length === 0) {
    // No scoring section: time per unit from the sync's score step; memory as deployed, not measured.
    return {
      value: { msPerPod: (syncScore.seconds * 1000) / Math.max(1, syncScore.units), baseRssMb: SETTINGS.memoryMb.score, rssPerPodMb: 0, fanOut: fan },
      fallback: 'scoring section absent: score time per unit from the sync score step, memory as deployed (RSS not measured)',
    };
  }
  const largest = sizes.reduce((a, b) => (b.pods > a.pods ? b : a));
  const msPerPod = ((largest.parseMs ?? 0) + (largest.scoreMs ?? 0)) / largest.pods;
  const mb = (b: number) => b / 2 ** 20;
  let slope: number;
  let base: number;
  if (sizes.length >= 2) {
    const n = sizes.length;
    const mx = sizes.reduce((a, s) => a + s.pods, 0) / n;
    const my = sizes.reduce((a, s) => a + mb(s.peakRss ?? 0), 0) / n;
    const sxx = sizes.reduce((a, s) => a + (s.pods - mx) ** 2, 0);
    slope = sxx > 0 ? sizes.reduce((a, s) => a + (s.pods - mx) * (mb(s.peakRss ?? 0) - my), 0) / sxx : 0;
    base = Math.max(0, my - slope * mx);
  } else {
    base = mb(largest.baseRss ?? 0);
    slope = (mb(largest.peakRss ?? 0) - base) / largest.pods;
  }
  return { value: { msPerPod, baseRssMb: base, rssPerPodMb: Math.max(0, slope), fanOut: fan }, fallback: fan ? null : 'no scoring fan-out reported: one Score task at every size' };
}

/** Calls per binding from an SDK call count. */
function perBindingCalls(c: StorageCallCounts | undefined, bindings: number): CapacityInputs['calls']['daily'] {
  const k = (op: string) => c?.calls[op] ?? 0;
  const b = Math.max(1, bindings);
  return {
    s3Puts: (k('s3.PutObject') + k('s3.ListObjectsV2') + k('s3.CopyObject')) / b,
    s3Gets: (k('s3.GetObject') + k('s3.HeadObject')) / b,
    dynamoWrites: (k('dynamodb.PutItem') + k('dynamodb.UpdateItem') + k('dynamodb.DeleteItem')) / b,
    dynamoReads: (k('dynamodb.GetItem') + k('dynamodb.Query') + k('dynamodb.BatchGetItem')) / b,
  };
}

const zero = (): Record<SourceName, number> => ({ github: 0, jira: 0, mlflow: 0 });

/** Lists the bucket and scans the table the sync wrote, and derives every capacity input. */
export async function measureCapacityInputs(sync: SyncResult, scoringDetail: Record<string, unknown> | undefined): Promise<{ inputs: CapacityInputs; fallbacks: string[]; measured: Record<string, unknown> }> {
  const fallbacks: string[] = [];
  const stores = sync.deps.stores as RadarStores;
  const bindingsList = listBindings(sync.org);
  const sourceOfSegment = new Map(bindingsList.map((b) => [pathSafe(b.id), b.source as SourceName]));
  const p = sync.perBinding;
  const sampleBindings = { github: p.bindings.github ?? 0, jira: p.bindings.jira ?? 0, mlflow: p.bindings.mlflow ?? 0 };

  // S3: raw bytes of the full run and of the incremental run, normalised bytes, per source.
  const fullRun = pathSafe(scheduledRunId(sync.asOf));
  const incrRun = pathSafe(scheduledRunId(new Date(Date.parse(sync.asOf) + 86_400_000).toISOString()));
  const rawFull = zero();
  const rawIncr = zero();
  const normalised = zero();
  let token: string | undefined;
  do {
    const page = await stores.clients.s3.send(new ListObjectsV2Command({ Bucket: 'radar-data', ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const parts = (o.Key ?? '').split('/');
      const size = o.Size ?? 0;
      if (parts[0] === 'raw' && SOURCES.includes(parts[1] as SourceName)) {
        const s = parts[1] as SourceName;
        if (parts[3] === fullRun) rawFull[s] += size;
        else if (parts[3] === incrRun) rawIncr[s] += size;
      } else if (parts[0] === 'normalised') {
        const s = sourceOfSegment.get(parts[1] ?? '');
        if (s) normalised[s] += size;
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  // DynamoDB: item bytes by partition kind; unknown partitions are taken as per-as-of summary items.
  const byKind = new Map<string, { items: number; bytes: number; max: number }>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await stores.clients.dynamodb.send(new ScanCommand({ TableName: 'radar', ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      const pk = item.PK?.S ?? '';
      const kind = pk.split('#')[0] ?? '';
      const k = KNOWN_PARTITIONS.has(kind) ? kind : 'summary';
      const e = byKind.get(k) ?? { items: 0, bytes: 0, max: 0 };
      const size = dynamoItemBytes(item);
      byKind.set(k, { items: e.items + 1, bytes: e.bytes + size, max: Math.max(e.max, size) });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  const asOfs = Math.max(1, byKind.get('ASOF')?.items ?? 1);
  const units = Math.max(1, sync.storage.cards);
  const snap = byKind.get('UNIT') ?? { items: 0, bytes: 0, max: 0 };
  const summary = byKind.get('summary');
  const pods = sync.org.domains.reduce((n, d) => n + d.pods.length, 0);
  if (!summary) fallbacks.push('no per-as-of summary items in the table: the 400 KB item limit is not evaluated');
  const other = ['CURSOR', 'RUN', 'RUNS'].map((k) => byKind.get(k) ?? { items: 0, bytes: 0, max: 0 });
  const otherItems = other.reduce((n, e) => n + e.items, 0);
  const otherBytes = other.reduce((n, e) => n + e.bytes, 0);

  // Plan: its task list is the Distributed Map's inline items; time and bytes of the pure planner.
  const reps = 20;
  const t = performance.now();
  let plan = planRun(sync.org, sync.asOf);
  for (let i = 1; i < reps; i += 1) plan = planRun(sync.org, sync.asOf);
  const planSeconds = (performance.now() - t) / 1000 / reps;

  const scoring = scoringFigures(scoringDetail, { seconds: p.scoreSeconds, units: sync.storage.cards });
  if (scoring.fallback) fallbacks.push(scoring.fallback);
  fallbacks.push('Jira objects returned on a daily run: 0 (the bench org is unchanged between runs, so the incremental search returns none)');
  const weeks = Number((sync.detail.scale as { weeks?: number } | undefined)?.weeks ?? 0);
  const per = (r: Record<SourceName, number>) => Object.fromEntries(SOURCES.map((s) => [s, r[s] / Math.max(1, sampleBindings[s])])) as Record<SourceName, number>;
  const gp = sync.detail.githubPoints as { full: { rest: number; graphql: number }; incremental: { rest: number; graphql: number } };
  const inputs: CapacityInputs = {
    sample: { repos: p.repos, bindings: sampleBindings },
    requestsPerBinding: {
      full: { github: p.full.github ?? 0, jira: p.full.jira ?? 0, mlflow: p.full.mlflow ?? 0 },
      incremental: { github: p.incremental.github ?? 0, jira: p.incremental.jira ?? 0, mlflow: p.incremental.mlflow ?? 0 },
    },
    githubPoints: { full: { rest: gp.full.rest, graphql: gp.full.graphql }, incremental: { rest: gp.incremental.rest, graphql: gp.incremental.graphql } },
    jiraObjectsPerBindingDaily: 0,
    collectSeconds: { full: p.fullSeconds, incremental: p.incrementalSeconds },
    plan: { secondsPerBinding: planSeconds / Math.max(1, plan.tasks.length), bytesPerTask: Buffer.byteLength(JSON.stringify(plan)) / Math.max(1, plan.tasks.length) },
    scoring: scoring.value,
    storage: {
      rawFullBytesPerBinding: per(rawFull),
      rawIncrementalBytesPerBinding: per(rawIncr),
      normalisedBytesPerBinding: per(normalised),
      activityDays: Math.max(1, weeks * 7),
      snapshotItemsPerUnit: snap.items / asOfs / units,
      snapshotItemBytes: snap.items > 0 ? snap.bytes / snap.items : 0,
      summary: summary ? { items: summary.items / asOfs, baseBytes: 0, bytesPerPod: summary.max / Math.max(1, pods) } : null,
      otherItemsPerBinding: otherItems / Math.max(1, sync.storage.bindings),
      otherItemBytes: otherItems > 0 ? otherBytes / otherItems : 0,
    },
    calls: {
      daily: perBindingCalls(sync.detail.storageIncremental as StorageCallCounts | undefined, sync.storage.bindings),
      full: perBindingCalls(sync.storage.full, sync.storage.bindings),
    },
    settings: { ...SETTINGS, maxConcurrency: sync.org.settings.maxConcurrency, memoryMb: { ...SETTINGS.memoryMb } },
  };
  const measured = { rawFull, rawIncr, normalised, dynamo: Object.fromEntries(byKind), asOfs, planTasks: plan.tasks.length };
  return { inputs, fallbacks, measured };
}

/** Builds the capacity figures (one per size, the binding limit in the note) from the capacity rows. */
export function capacityFigures(rows: readonly CapacityRow[]): Figure[] {
  return rows.map((r) =>
    figure('6 capacity', `${r.pods} pods: cost per month`, Math.round(r.cost.monthUsd * 100) / 100, 'USD', null, 'info',
      `binds first: ${describeBinding(r)}; ${Math.round(r.requests.daily.github + r.requests.daily.jira + r.requests.daily.mlflow)} requests per daily run; $${r.cost.dailyRunUsd.toFixed(3)} per daily run`),
  );
}

/** Section 6: measures the inputs and models 10, 200, 1,000 and 5,000 pods. */
export async function runCapacityModel(sync: SyncResult, scoringDetail?: Record<string, unknown>): Promise<{ figures: Figure[]; rows: CapacityRow[]; detail: Record<string, unknown> }> {
  const { inputs, fallbacks, measured } = await measureCapacityInputs(sync, scoringDetail);
  const rows = modelCapacity(inputs, CAPACITY_SIZES);
  return { figures: capacityFigures(rows), rows, detail: { inputs, fallbacks, measured, prices: PRICES, limits: LIMITS } };
}
