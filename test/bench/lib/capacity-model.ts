import { MAX_STATE_PARTS, SUMMARY_CHUNK_BYTES } from '../../../shared/storage/dynamo-stores.js';
// The capacity model: what one daily run costs and which limit binds first, for an organisation of N pods, scaled
// linearly from per-unit figures the bench measured (requests and points per repo or binding, collect seconds per
// binding, score time and RSS per pod, stored bytes per binding, item bytes). Pure: no I/O, no clock. The only
// constants here are vendor limits and list prices, each with its source; everything measured comes in as input.

export const SOURCES = ['github', 'jira', 'mlflow'] as const;
export type SourceName = (typeof SOURCES)[number];
type PerSource = Record<SourceName, number>;

/**
 * AWS list prices used, us-east-1, on-demand, free tiers ignored. Compiled 2026-12-01: Lambda and Step Functions as
 * read from their pages on 2026-11-25; DynamoDB on-demand checked against a secondary summary of its page; S3 Standard
 * not re-read from its page in this change (re-check all four before quoting a bill).
 */
export const PRICES = {
  region: 'us-east-1',
  date: '2026-12-01',
  // https://aws.amazon.com/lambda/pricing/ (Arm, first 6 billion GB-s tier)
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  // https://aws.amazon.com/step-functions/pricing/ (Standard); a Distributed Map bills one transition per child
  // execution it starts plus the child's own transitions (docs.aws.amazon.com/step-functions/latest/dg/concepts-transitions.html)
  stepFunctionsPerThousandTransitions: 0.025,
  // https://aws.amazon.com/dynamodb/pricing/on-demand/ (Standard table class)
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  dynamoPerGbMonth: 0.25,
  // https://aws.amazon.com/s3/pricing/ (S3 Standard, first 50 TB)
  s3PerThousandPuts: 0.005,
  s3PerThousandGets: 0.0004,
  s3PerGbMonth: 0.023,
} as const;

/** Vendor limits the model checks, each with its source. */
export const LIMITS = {
  // docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api: 5,000 requests/h per user token
  githubRestPointsPerHour: 5000,
  // docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api: 5,000 points/h per user
  githubGraphqlPointsPerHour: 5000,
  // Jira Cloud points quota for OAuth/Connect/Forge apps (developer.atlassian.com/cloud/jira/platform/rate-limiting):
  // 1 point per request + 1 per object returned. The hourly quota is not published as a number; 100,100 per hour is
  // the `tenant-app-quota` seen in production headers (API-FACTS.md [A4]). API-token traffic has burst limits only.
  jiraPointsPerHour: 100_100,
  // docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
  lambdaMaxMemoryMb: 10_240,
  lambdaMaxSeconds: 900,
  // docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html: 256 KB per state input/output (the plan's
  // task list is the Distributed Map's inline item source)
  stepFunctionsPayloadBytes: 262_144,
  // Distributed Map: at most 10,000 parallel child executions (same quota page)
  distributedMapMaxConcurrency: 10_000,
  // docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html: 400 KB per item
  dynamoItemBytes: 409_600,
  // Ours, not AWS's: an as-of's summary state is stored as at most MAX_STATE_PARTS items of SUMMARY_CHUNK_BYTES
  // (shared/storage/dynamo-stores.ts); a larger one is not written and the views fall back to full reads.
  summaryStateBytes: MAX_STATE_PARTS * SUMMARY_CHUNK_BYTES,
  dynamoWriteUnitBytes: 1024,
  dynamoReadUnitBytes: 4096,
} as const;

const DAYS_PER_MONTH = 30;
const DAYS_PER_YEAR = 365;
const MB = 2 ** 20;
const GB = 2 ** 30;

/** Measured per-unit figures and deployment settings the model scales from. */
export interface CapacityInputs {
  /** The measured sample: its repos (GitHub cost follows repos) and bindings per source. */
  sample: { repos: number; bindings: PerSource };
  /** Requests per binding, full (reconciliation) and incremental (daily) collect. */
  requestsPerBinding: { full: PerSource; incremental: PerSource };
  /** GitHub rate-limit points over the whole sample (REST: requests except free 304s; GraphQL: rateLimit cost). */
  githubPoints: { full: { rest: number; graphql: number }; incremental: { rest: number; graphql: number } };
  /** Jira objects returned per binding on a daily run (each costs a point on top of the request); 0 when unchanged. */
  jiraObjectsPerBindingDaily: number;
  /** Mean collect wall time per binding, seconds. */
  collectSeconds: { full: number; incremental: number };
  /** Plan wall time per binding, seconds, and the plan's JSON bytes per task (the Map's inline items). */
  plan: { secondsPerBinding: number; bytesPerTask: number };
  scoring: {
    /** Load + score milliseconds per pod (largest measured size). */
    msPerPod: number;
    /** Peak RSS: a fixed base plus a slope per pod (fitted over the measured sizes). */
    baseRssMb: number;
    rssPerPodMb: number;
    /** Pods per Distributed Map scoring item, and the pod count above which scoring fans out; null: one Score task. */
    fanOut: { podsPerItem: number; abovePods: number } | null;
  };
  storage: {
    /** Raw bytes per binding stored by one full collect (which reads `historyDays` of activity). */
    rawFullBytesPerBinding: PerSource;
    /** Raw bytes per binding stored by one incremental collect of the unchanged sample. */
    rawIncrementalBytesPerBinding: PerSource;
    /** Normalised bytes per binding held after the full collect, and the days of activity they cover. */
    normalisedBytesPerBinding: PerSource;
    activityDays: number;
    /** Snapshot items per unit per as-of, and their mean DynamoDB item bytes. */
    snapshotItemsPerUnit: number;
    snapshotItemBytes: number;
    /** Per-as-of summary items: count, and bytes as base + per pod (null: the run wrote none). */
    summary: { items: number; baseBytes: number; bytesPerPod: number } | null;
    /** Other DynamoDB items (cursor, run log) per binding and their mean bytes. */
    otherItemsPerBinding: number;
    otherItemBytes: number;
  };
  /** Storage calls per binding on a daily (incremental) and a full collect, from the SDK call counters. */
  calls: {
    daily: { s3Puts: number; s3Gets: number; dynamoWrites: number; dynamoReads: number };
    full: { s3Puts: number; s3Gets: number; dynamoWrites: number; dynamoReads: number };
  };
  settings: {
    /** Repos per pod of the modelled organisation (the bench's generated org has fewer; GitHub scales per repo). */
    reposPerPod: number;
    maxConcurrency: number;
    /** GitHub reconciles (full pass) every this many days (shared/sources/github/collect.ts, default 7). */
    reconcileEveryDays: number;
    /** The state machine's timeout (infra/constructs/collection-workflow.ts). */
    runWindowHours: number;
    /** Raw pages expire after this many days (infra/settings.ts rawRetentionDays). */
    rawRetentionDays: number;
    /** Deployed Lambda memory (infra/radar-stack.ts), MB. */
    memoryMb: { plan: number; collect: number; score: number };
  };
}

/** The organisation the model scales to: the bench's big-org shape (test/bench/lib/big-org.ts). */
export function orgAt(pods: number, reposPerPod: number): { pods: number; repos: number; units: number; bindings: PerSource } {
  const domains = Math.ceil(pods / 10);
  const networks = 4;
  const labs = 3;
  const units = pods + domains + networks + labs + 1;
  // Every unit has Jira; pods, domains, networks and labs have GitHub; 6 in 7 pods, the labs and steering have MLflow.
  const bindings = { jira: units, github: pods + domains + networks + labs, mlflow: Math.ceil((pods * 6) / 7) + labs + 1 };
  return { pods, repos: pods * reposPerPod, units, bindings };
}

/** One limit at one size: how much of it a run uses. */
export interface LimitUse {
  id: string;
  label: string;
  used: number;
  limit: number;
  unit: string;
  /** limit ÷ used (Infinity when nothing is used); below 1 the limit is exceeded. */
  headroom: number;
}

/** Per-function Lambda figures of one run. */
export interface LambdaUse {
  invocations: number;
  seconds: number;
  memoryMb: number;
  gbSeconds: number;
}

/** One size of the capacity table. */
export interface CapacityRow {
  pods: number;
  repos: number;
  units: number;
  bindings: number;
  requests: { daily: PerSource; reconcileDay: PerSource };
  points: {
    githubRest: { daily: number; reconcileDay: number };
    githubGraphql: { daily: number; reconcileDay: number };
    jira: { daily: number };
  };
  storage: {
    rawBytesPerDay: number;
    normalisedBytesPerDay: number;
    /** S3 bytes held after a year: raw within its retention (reconciliation copies included) + normalised. */
    s3BytesAfterYear: number;
    dynamoItemsPerRun: number;
    dynamoBytesPerRun: number;
    summaryItemBytes: number | null;
    dynamoBytesAfterYear: number;
  };
  lambda: { plan: LambdaUse; collect: LambdaUse; score: LambdaUse; scoreItems: number; reconcileDayGbSeconds: number };
  stepFunctionsTransitions: { daily: number; reconcileDay: number };
  cost: { dailyRunUsd: number; reconcileDayUsd: number; monthUsd: number; monthBreakdown: Record<string, number> };
  limits: LimitUse[];
  binding: LimitUse;
}

const sumOf = (r: PerSource): number => SOURCES.reduce((n, s) => n + r[s], 0);
const ratio = (limit: number, used: number): number => (used > 0 ? limit / used : Number.POSITIVE_INFINITY);

/** The memory a function needs: measured peak RSS rounded up to the next 64 MB, never below 128 MB. */
export function memoryNeededMb(rssMb: number): number {
  return Math.max(128, Math.ceil(rssMb / 64) * 64);
}

/** DynamoDB write units of one item write. */
function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / LIMITS.dynamoWriteUnitBytes));
}

/** Models one organisation size. */
export function modelSize(inputs: CapacityInputs, pods: number): CapacityRow {
  const { settings, storage, scoring } = inputs;
  const org = orgAt(pods, settings.reposPerPod);
  const bindings = sumOf(org.bindings);
  const ghRepoShare = org.repos / Math.max(1, inputs.sample.repos);
  const sampleGhBindings = Math.max(1, inputs.sample.bindings.github);

  // Requests: GitHub per repo (a binding's cost follows its repos), Jira and MLflow per binding. On a reconcile day
  // GitHub bindings make a full pass; Jira and MLflow stay incremental (only GitHub has a reconciliation pass).
  const perSource = (kind: 'full' | 'incremental', s: SourceName): number =>
    s === 'github'
      ? inputs.requestsPerBinding[kind].github * sampleGhBindings * ghRepoShare
      : inputs.requestsPerBinding[kind][s] * org.bindings[s];
  const daily = { github: perSource('incremental', 'github'), jira: perSource('incremental', 'jira'), mlflow: perSource('incremental', 'mlflow') };
  const reconcileDay = { ...daily, github: perSource('full', 'github') };
  const gp = inputs.githubPoints;
  const points = {
    githubRest: { daily: gp.incremental.rest * ghRepoShare, reconcileDay: gp.full.rest * ghRepoShare },
    githubGraphql: { daily: gp.incremental.graphql * ghRepoShare, reconcileDay: gp.full.graphql * ghRepoShare },
    jira: { daily: daily.jira + inputs.jiraObjectsPerBindingDaily * org.bindings.jira },
  };

  // Lambda. Collect: one invocation per binding; GitHub bindings take the full-pass time on a reconcile day.
  const collectDailySeconds = bindings * inputs.collectSeconds.incremental;
  const collectReconcileSeconds = collectDailySeconds + org.bindings.github * (inputs.collectSeconds.full - inputs.collectSeconds.incremental);
  const collectGb = settings.memoryMb.collect / 1024;
  const planSeconds = inputs.plan.secondsPerBinding * bindings;
  const plan: LambdaUse = { invocations: 1, seconds: planSeconds, memoryMb: settings.memoryMb.plan, gbSeconds: planSeconds * (settings.memoryMb.plan / 1024) };
  const collect: LambdaUse = { invocations: bindings, seconds: collectDailySeconds, memoryMb: settings.memoryMb.collect, gbSeconds: collectDailySeconds * collectGb };
  // Score: one task, or (above the fan-out threshold) one item per `podsPerItem` pods plus a rollup task over the
  // stored pod cards (rollups are few and read cards, not activities, so the base RSS is their memory).
  const fans = scoring.fanOut !== null && pods > scoring.fanOut.abovePods;
  const podsPerInvocation = fans && scoring.fanOut ? Math.min(pods, scoring.fanOut.podsPerItem) : pods;
  const scoreItems = fans && scoring.fanOut ? Math.ceil(pods / scoring.fanOut.podsPerItem) : 0;
  const scoreRssMb = scoring.baseRssMb + scoring.rssPerPodMb * podsPerInvocation;
  const scoreMemoryMb = memoryNeededMb(scoreRssMb);
  const scoreSecondsPerInvocation = (scoring.msPerPod * podsPerInvocation) / 1000;
  const scoreSeconds = (scoring.msPerPod * pods) / 1000;
  const score: LambdaUse = { invocations: fans ? scoreItems + 1 : 1, seconds: scoreSeconds, memoryMb: scoreMemoryMb, gbSeconds: scoreSeconds * (scoreMemoryMb / 1024) };
  const dailyGbSeconds = plan.gbSeconds + collect.gbSeconds + score.gbSeconds;
  const reconcileDayGbSeconds = dailyGbSeconds + (collectReconcileSeconds - collectDailySeconds) * collectGb;
  const invocations = plan.invocations + collect.invocations + score.invocations;

  // Step Functions Standard: Plan, Map, Score (+ the scoring Map and rollup when fanning out) in the parent; each
  // Map item is one child execution start plus its one task state.
  const parentTransitions = fans ? 5 : 3;
  const transitions = parentTransitions + 2 * bindings + 2 * scoreItems;

  // Storage. New activity arrives at the rate the sample's history shows (stored bytes ÷ days covered).
  const perDay = (r: PerSource): number => SOURCES.reduce((n, s) => n + (r[s] * org.bindings[s]) / Math.max(1, storage.activityDays), 0);
  const rawIncrementalPerRun = SOURCES.reduce((n, s) => n + storage.rawIncrementalBytesPerBinding[s] * org.bindings[s], 0);
  const rawReconcileExtra = storage.rawFullBytesPerBinding.github * org.bindings.github;
  const rawBytesPerDay = perDay(storage.rawFullBytesPerBinding) + rawIncrementalPerRun + rawReconcileExtra / settings.reconcileEveryDays;
  const normalisedBytesPerDay = perDay(storage.normalisedBytesPerBinding);
  const rawHeldDays = Math.min(DAYS_PER_YEAR, settings.rawRetentionDays);
  const s3BytesAfterYear = rawBytesPerDay * rawHeldDays + normalisedBytesPerDay * DAYS_PER_YEAR;
  const summaryItemBytes = storage.summary ? storage.summary.baseBytes + storage.summary.bytesPerPod * pods : null;
  const snapshotItems = storage.snapshotItemsPerUnit * org.units;
  const summaryItems = storage.summary?.items ?? 0;
  const otherItems = storage.otherItemsPerBinding * bindings;
  const dynamoItemsPerRun = snapshotItems + summaryItems + otherItems;
  const snapshotBytes = snapshotItems * storage.snapshotItemBytes + summaryItems * (summaryItemBytes ?? 0);
  const dynamoBytesPerRun = snapshotBytes + otherItems * storage.otherItemBytes;
  // Snapshots and summaries accumulate one as-of per day; cursor and run-log items are overwritten or per run.
  const dynamoBytesAfterYear = snapshotBytes * DAYS_PER_YEAR + otherItems * storage.otherItemBytes;

  // Requests to storage: S3 and DynamoDB calls per binding from the measured runs; snapshot and summary writes.
  const c = inputs.calls;
  const dynamoWriteUnits = (kind: 'daily' | 'full', ghBindings: number) => {
    const dailyBindings = bindings - ghBindings;
    return (c.daily.dynamoWrites * dailyBindings + c[kind].dynamoWrites * ghBindings) * writeUnits(storage.otherItemBytes)
      + snapshotItems * writeUnits(storage.snapshotItemBytes) + summaryItems * writeUnits(summaryItemBytes ?? 0);
  };
  const dynamoReadUnits = (kind: 'daily' | 'full', ghBindings: number) =>
    (c.daily.dynamoReads * (bindings - ghBindings) + c[kind].dynamoReads * ghBindings) * Math.max(1, Math.ceil(storage.otherItemBytes / LIMITS.dynamoReadUnitBytes));
  const s3 = (kind: 'daily' | 'full', ghBindings: number) => ({
    puts: c.daily.s3Puts * (bindings - ghBindings) + c[kind].s3Puts * ghBindings,
    gets: c.daily.s3Gets * (bindings - ghBindings) + c[kind].s3Gets * ghBindings,
  });
  const runCost = (gbSeconds: number, trans: number, kind: 'daily' | 'full', ghBindings: number) => {
    const s3Calls = s3(kind, ghBindings);
    return {
      lambda: gbSeconds * PRICES.lambdaArmPerGbSecond + (invocations / 1e6) * PRICES.lambdaPerMillionRequests,
      stepFunctions: (trans / 1000) * PRICES.stepFunctionsPerThousandTransitions,
      dynamoRequests: (dynamoWriteUnits(kind, ghBindings) / 1e6) * PRICES.dynamoPerMillionWriteUnits + (dynamoReadUnits(kind, ghBindings) / 1e6) * PRICES.dynamoPerMillionReadUnits,
      s3Requests: (s3Calls.puts / 1000) * PRICES.s3PerThousandPuts + (s3Calls.gets / 1000) * PRICES.s3PerThousandGets,
    };
  };
  const dailyCost = runCost(dailyGbSeconds, transitions, 'daily', 0);
  const reconcileCost = runCost(reconcileDayGbSeconds, transitions, 'full', org.bindings.github);
  const total = (r: Record<string, number>) => Object.values(r).reduce((n, v) => n + v, 0);
  const reconcileShare = 1 / settings.reconcileEveryDays;
  const monthBreakdown: Record<string, number> = {};
  for (const k of Object.keys(dailyCost) as Array<keyof typeof dailyCost>) {
    monthBreakdown[k] = DAYS_PER_MONTH * ((1 - reconcileShare) * dailyCost[k] + reconcileShare * reconcileCost[k]);
  }
  // Storage billed at the one-year level (the steady state once raw retention and a year of snapshots are reached).
  monthBreakdown.s3Storage = (s3BytesAfterYear / GB) * PRICES.s3PerGbMonth;
  monthBreakdown.dynamoStorage = (dynamoBytesAfterYear / GB) * PRICES.dynamoPerGbMonth;

  // Limits. GitHub and Jira: a run's points must fit in the token's budget over the run window (the state
  // machine's timeout); the reconcile day is the heavier run. Lambda: memory and timeout of one invocation.
  const windowHours = settings.runWindowHours;
  const concurrency = Math.min(settings.maxConcurrency, LIMITS.distributedMapMaxConcurrency);
  const runWallSeconds = planSeconds + (collectReconcileSeconds / concurrency) + (fans ? scoreSecondsPerInvocation * Math.ceil(scoreItems / concurrency) : scoreSeconds);
  const limits: LimitUse[] = [
    { id: 'github-rest', label: `GitHub REST points per token in the ${windowHours} h run window (reconcile day)`, used: points.githubRest.reconcileDay, limit: LIMITS.githubRestPointsPerHour * windowHours, unit: 'points' },
    { id: 'github-graphql', label: `GitHub GraphQL points per token in the ${windowHours} h run window (reconcile day)`, used: points.githubGraphql.reconcileDay, limit: LIMITS.githubGraphqlPointsPerHour * windowHours, unit: 'points' },
    { id: 'jira-points', label: 'Jira points per hour (OAuth app quota; the whole daily run in one hour)', used: points.jira.daily, limit: LIMITS.jiraPointsPerHour, unit: 'points' },
    { id: 'score-memory', label: `Score Lambda memory (${fans ? `${podsPerInvocation} pods per fan-out item` : 'one task'})`, used: scoreRssMb, limit: LIMITS.lambdaMaxMemoryMb, unit: 'MB' },
    { id: 'score-timeout', label: 'Score Lambda 15 min timeout', used: scoreSecondsPerInvocation, limit: LIMITS.lambdaMaxSeconds, unit: 's' },
    { id: 'plan-payload', label: 'Step Functions 256 KB payload (the plan’s task list)', used: inputs.plan.bytesPerTask * bindings, limit: LIMITS.stepFunctionsPayloadBytes, unit: 'bytes' },
    { id: 'run-window', label: `Run wall time at ${concurrency} collects in flight vs the ${windowHours} h state machine timeout (reconcile day)`, used: runWallSeconds / 3600, limit: windowHours, unit: 'h' },
  ].map((l) => ({ ...l, headroom: ratio(l.limit, l.used) }));
  if (summaryItemBytes !== null) {
    limits.push({ id: 'summary-item', label: `per-as-of summary state (${MAX_STATE_PARTS} DynamoDB items of ${SUMMARY_CHUNK_BYTES / 1024} KB; beyond it the views fall back to full reads)`, used: summaryItemBytes, limit: LIMITS.summaryStateBytes, unit: 'bytes', headroom: ratio(LIMITS.summaryStateBytes, summaryItemBytes) });
  }
  const binding = limits.reduce((a, b) => (b.headroom < a.headroom ? b : a));

  return {
    pods, repos: org.repos, units: org.units, bindings,
    requests: { daily, reconcileDay },
    points,
    storage: { rawBytesPerDay, normalisedBytesPerDay, s3BytesAfterYear, dynamoItemsPerRun, dynamoBytesPerRun, summaryItemBytes, dynamoBytesAfterYear },
    lambda: { plan, collect, score, scoreItems, reconcileDayGbSeconds },
    stepFunctionsTransitions: { daily: transitions, reconcileDay: transitions },
    cost: { dailyRunUsd: total(dailyCost), reconcileDayUsd: total(reconcileCost), monthUsd: total(monthBreakdown), monthBreakdown },
    limits,
    binding,
  };
}

/** The sizes the README's table shows. */
export const CAPACITY_SIZES = [10, 200, 1000, 5000] as const;

/** Models every size. */
export function modelCapacity(inputs: CapacityInputs, sizes: readonly number[] = CAPACITY_SIZES): CapacityRow[] {
  return sizes.map((pods) => modelSize(inputs, pods));
}

const int = (n: number): string => Math.round(n).toLocaleString('en-GB');
const bytes = (n: number): string => (n >= GB ? `${(n / GB).toFixed(1)} GB` : n >= MB ? `${(n / MB).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`);
const usd = (n: number): string => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(3)}`);
const head = (h: number): string => (Number.isFinite(h) ? `${h.toFixed(h >= 10 ? 0 : 1)}×` : '∞');

/** One line naming a row's binding limit and its headroom. */
export function describeBinding(row: CapacityRow): string {
  const b = row.binding;
  return `${b.label}: ${int(b.used)} of ${int(b.limit)} ${b.unit}, headroom ${head(b.headroom)}${b.headroom < 1 ? ' (exceeded)' : ''}`;
}

/** The capacity table as Markdown (the README's marked region). */
export function renderCapacityMarkdown(rows: readonly CapacityRow[]): string {
  const out = [
    '| pods (repos, bindings) | requests per daily run: GitHub / Jira / MLflow (GitHub on reconcile day) | GitHub points REST + GraphQL, reconcile day (share of 5,000/h × run window) | Jira points per daily run (share of hourly quota) | S3 per day raw + normalised (held after a year) | DynamoDB items, bytes per run (after a year) | Lambda GB-s per daily run: plan / collect / score (score memory) | $ per daily run (reconcile day) | $ per month | binds first (headroom) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const gh = r.limits.find((l) => l.id === 'github-rest');
    const gq = r.limits.find((l) => l.id === 'github-graphql');
    const jira = r.limits.find((l) => l.id === 'jira-points');
    const pct = (l: LimitUse | undefined) => (l ? `${((l.used / l.limit) * 100).toFixed(1)}%` : '—');
    const scoreNote = r.lambda.scoreItems > 0 ? `${r.lambda.score.memoryMb} MB × ${r.lambda.scoreItems} items` : `${r.lambda.score.memoryMb} MB`;
    out.push([
      `${int(r.pods)} (${int(r.repos)}, ${int(r.bindings)})`,
      `${int(r.requests.daily.github)} / ${int(r.requests.daily.jira)} / ${int(r.requests.daily.mlflow)} (${int(r.requests.reconcileDay.github)})`,
      `${int(r.points.githubRest.reconcileDay)} + ${int(r.points.githubGraphql.reconcileDay)} (${pct(gh)}, ${pct(gq)})`,
      `${int(r.points.jira.daily)} (${pct(jira)})`,
      `${bytes(r.storage.rawBytesPerDay)} + ${bytes(r.storage.normalisedBytesPerDay)} (${bytes(r.storage.s3BytesAfterYear)})`,
      `${int(r.storage.dynamoItemsPerRun)}, ${bytes(r.storage.dynamoBytesPerRun)} (${bytes(r.storage.dynamoBytesAfterYear)})`,
      `${r.lambda.plan.gbSeconds.toFixed(1)} / ${r.lambda.collect.gbSeconds.toFixed(0)} / ${r.lambda.score.gbSeconds.toFixed(0)} (${scoreNote})`,
      `${usd(r.cost.dailyRunUsd)} (${usd(r.cost.reconcileDayUsd)})`,
      usd(r.cost.monthUsd),
      `${r.binding.label} (${head(r.binding.headroom)})`,
    ].join(' | ').replace(/^/, '| ').concat(' |'));
  }
  return out.join('\n');
}

/** Replaces the text between two marker comments; throws when either marker is missing. */
export function replaceMarkedRegion(text: string, start: string, end: string, body: string): string {
  const i = text.indexOf(start);
  const j = text.indexOf(end, i + start.length);
  if (i < 0 || j < 0) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`;
}
