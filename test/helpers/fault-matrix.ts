import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrgConfig } from '../../shared/org/index.js';
import { MLFLOW_REGISTRY_BINDING_ID, listBindings, listUnits } from '../../shared/org/index.js';
import { runScheduled } from '../../shared/pipeline/index.js';
import type { Fault, RunningSandboxes } from '../../shared/sandbox/index.js';
import type { JiraWorld } from '../../shared/sandbox/jira/index.js';
import type { MlflowWorld } from '../../shared/sandbox/mlflow/index.js';
import type { BindingOutcome, RunRecord } from '../../shared/storage/index.js';
import { activitiesPrefix, cursorKey } from '../../shared/storage/index.js';
import { dumpStores, reliabilityDeps } from './fault-kit.js';
import type { StoreDump } from './fault-kit.js';
import type { LocalStores } from './local-servers.js';

// The fault matrix engine: for one source, each cell injects one fault (through the sandbox's FaultRegistry, wrong
// credentials, or a config naming something that does not exist), runs the real pipeline at a later as-of over a
// store that holds a good baseline, and checks the contract: the run completes, the faulted binding fails with a
// clear reason (or succeeds after a retry the request log proves), every unit is scored, and the failed binding's
// stored data, cursor and every earlier snapshot stay byte-identical.

export type MatrixSource = 'jira' | 'github' | 'mlflow';

/** One cell: a fault and how it is applied. */
export interface FaultCell {
  fault: string;
  variant: 'once' | 'always' | 'config' | 'credentials';
  /** Sandbox fault (applied to `path` of the source's API); absent for config/credential cells. */
  inject?: Fault;
  /** What the cell expects of the faulted binding. */
  expect: 'ok-after-retry' | 'ok' | 'failed';
  /** errorCode pattern for failed cells. */
  code?: RegExp;
  /** Reason pattern (the run record's message) for failed cells. */
  reason?: RegExp;
  /** Changes the org (404 cells) or the credentials (401 cells) for this run only. */
  org?: (org: OrgConfig) => OrgConfig;
  env?: (env: Record<string, string>) => Record<string, string>;
  /** Per-binding time budget for this run (the local stand-in of the Lambda deadline). */
  budgetMs?: number;
  /** Listing the fault hits, when not the source's usual one. */
  path?: string | RegExp;
  /** Changes the sandbox's world before the run (e.g. so a listing spans several pages). */
  before?: (sandboxes: RunningSandboxes, asOf: Date) => void;
  /**
   * Other bindings the fault must fail too, with the same error code: a wrong MLflow credential is the whole
   * organisation's, so the registry binding (org/mlflow), which reads with it, fails with the unit's binding.
   */
  alsoFails?: readonly string[];
}

/** One row of the printed matrix. */
export interface MatrixRow {
  source: MatrixSource;
  fault: string;
  variant: string;
  expected: string;
  outcome: string;
  detail: string;
  retry: string;
  unitsScored: string;
  dataKept: string;
}

interface FetchEntry {
  method: string;
  url: string;
  status: number | 'error';
}

/** fetch that records every request the connectors make (method, URL, status or network error). */
function recordingFetch(log: FetchEntry[]): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const entry: FetchEntry = { method: init?.method ?? 'GET', url, status: 'error' };
    log.push(entry);
    const res = await globalThis.fetch(input, init);
    entry.status = res.status;
    return res;
  };
}

export interface MatrixContext {
  source: MatrixSource;
  sandboxes: RunningSandboxes;
  local: LocalStores;
  /** The org whose only binding of `source` is `target`. */
  org: OrgConfig;
  target: string;
  env: Record<string, string>;
  /** Path (substring or RegExp) of the listing the faults hit. */
  path: string | RegExp;
  /** As-of of the good baseline run; cells run 8 days apart after it (so every binding makes a full pass). */
  baselineAsOf: string;
}

/** Item keys whose bytes must not change when the target binding fails: its cursor and every earlier snapshot. */
function protectedItems(before: StoreDump, target: string): string[] {
  const ck = cursorKey(target);
  return [...before.items.keys()].filter((k) => k === `${ck.PK}|${ck.SK}` || k.startsWith('ASOF|') || /^UNIT#[^|]*\|SNAP#/.test(k));
}

/** Runs one cell and checks it; returns its row, or throws with what broke. */
export async function runCell(ctx: MatrixContext, cell: FaultCell, index: number): Promise<MatrixRow> {
  const asOf = new Date(Date.parse(ctx.baselineAsOf) + (index + 1) * 8 * 86_400_000).toISOString();
  const names = { table: ctx.local.env.RADAR_TABLE, bucket: ctx.local.env.RADAR_BUCKET };
  const before = await dumpStores(ctx.local.stores, names);
  const org = cell.org ? cell.org(ctx.org) : ctx.org;
  const env = cell.env ? cell.env(ctx.env) : ctx.env;
  const log: FetchEntry[] = [];
  const registry = ctx.sandboxes.faults;
  const path = cell.path ?? ctx.path;
  cell.before?.(ctx.sandboxes, new Date(asOf));
  registry.clear();
  if (cell.inject) registry.add({ api: ctx.source, path, fault: cell.inject, ...(cell.variant === 'once' ? { times: 1 } : {}) });
  let run: RunRecord;
  try {
    ({ run } = await runScheduled(reliabilityDeps(org, ctx.local.stores, env, { fetch: recordingFetch(log) }), {
      asOf, ...(cell.budgetMs !== undefined ? { bindingBudgetMs: cell.budgetMs } : {}),
    }));
  } finally {
    registry.clear();
  }
  const problems: string[] = [];
  const outcome = run.bindings.find((b) => b.bindingId === ctx.target);
  if (run.status !== 'completed') problems.push(`run ${run.status}`);
  if (!outcome) throw new Error(`no outcome for ${ctx.target}`);
  const alsoFails = new Set(cell.alsoFails ?? []);
  for (const id of alsoFails) {
    const o = run.bindings.find((b) => b.bindingId === id);
    if (o?.status !== 'failed' || !(cell.code?.test(o.errorCode ?? '') ?? true)) problems.push(`${id} ${o?.status ?? 'absent'} ${o?.errorCode ?? ''}, expected it failed like the target`);
  }
  const others = run.bindings.filter((b: BindingOutcome) => b.bindingId !== ctx.target && !alsoFails.has(b.bindingId) && b.status !== 'ok');
  if (others.length > 0) problems.push(`other bindings failed: ${others.map((b) => `${b.bindingId} ${b.errorCode ?? ''} ${b.message ?? ''}`).join('; ')}`);

  // Every unit has a scorecard at the new as-of, the faulted one included (its source marked failed).
  const cards = await ctx.local.stores.snapshots.loadAllAt(asOf);
  const units = listUnits(org).map((u) => u.ref).sort();
  const scored = cards.map((c) => c.unit).sort();
  if (JSON.stringify(scored) !== JSON.stringify(units)) problems.push(`scored ${scored.join(',')} instead of ${units.join(',')}`);
  const targetUnit = listBindings(org).find((b) => b.id === ctx.target)?.unit;
  const status = cards.find((c) => c.unit === targetUnit)?.sources.find((s) => s.bindingId === ctx.target);

  // Retry proof: a request that got the fault (status or network error) and a later successful request to the
  // same path.
  const pathOf = (u: string): string => new URL(u).pathname;
  const matches = (u: string): boolean => (typeof path === 'string' ? pathOf(u).includes(path) : path.test(pathOf(u)));
  const hitIndex = log.findIndex((e) => matches(e.url) && (e.status === 'error' || e.status >= 400 || cell.inject?.kind === 'delay'));
  const retried = hitIndex >= 0 && log.slice(hitIndex + 1).some((e) => pathOf(e.url) === pathOf(log[hitIndex]?.url ?? '') && typeof e.status === 'number' && e.status < 300);
  const hit = log[hitIndex];
  let retry = '—';
  if (hit) retry = `${hit.status === 'error' ? 'network error' : `HTTP ${hit.status}`}${retried ? ' → retried → 200' : ''}`;

  let dataKept = 'n/a (binding ok)';
  if (cell.expect === 'failed') {
    if (outcome.status !== 'failed') problems.push(`binding ${outcome.status}, expected failed`);
    if (cell.code && !cell.code.test(outcome.errorCode ?? '')) problems.push(`errorCode ${outcome.errorCode ?? '(none)'} does not match ${String(cell.code)}`);
    if (cell.reason && !cell.reason.test(outcome.message ?? '')) problems.push(`reason "${outcome.message ?? ''}" does not match ${String(cell.reason)}`);
    if (status?.status !== 'failed') problems.push(`scorecard source status ${status?.status ?? 'missing'}, expected failed`);
    const after = await dumpStores(ctx.local.stores, names);
    // The binding's normalised data is every object under its prefix (month partitions and their index).
    const prefix = activitiesPrefix(ctx.target);
    const under = (m: Map<string, Buffer>): string[] => [...m.keys()].filter((k) => k.startsWith(prefix));
    const changed: string[] = [];
    if (under(before.objects).length === 0) changed.push(`${prefix} (nothing stored before)`);
    for (const key of new Set([...under(before.objects), ...under(after.objects)])) {
      const beforeObj = before.objects.get(key);
      if (!beforeObj || !after.objects.get(key)?.equals(beforeObj)) changed.push(key);
    }
    for (const k of protectedItems(before, ctx.target)) if (after.items.get(k) !== before.items.get(k)) changed.push(k);
    if (changed.length > 0) problems.push(`stored data changed: ${changed.slice(0, 5).join(', ')}`);
    dataKept = changed.length === 0 ? `yes (${protectedItems(before, ctx.target).length + under(before.objects).length} items/objects)` : 'NO';
  } else {
    if (outcome.status !== 'ok') problems.push(`binding failed: ${outcome.errorCode ?? ''} ${outcome.message ?? ''}`);
    if (cell.expect === 'ok-after-retry' && !retried) problems.push('no retry seen in the request log');
  }
  const row: MatrixRow = {
    source: ctx.source,
    fault: cell.fault,
    variant: cell.variant,
    expected: cell.expect === 'failed' ? `failed ${cell.code ? String(cell.code).replace(/^\/\^?|\$?\/$/g, '') : ''}`.trim() : cell.expect,
    outcome: outcome.status === 'ok' ? 'ok' : `failed ${outcome.errorClass ?? ''} ${outcome.errorCode ?? ''}`.trim(),
    detail: (outcome.message ?? (outcome.status === 'ok' ? `${outcome.requests} requests` : '')).replace(/\|/g, '\\|').slice(0, 140),
    retry,
    unitsScored: `${cards.length}/${units.length}`,
    dataKept,
  };
  if (problems.length > 0) throw new Error(`${ctx.source} × ${cell.fault} (${cell.variant}): ${problems.join(' | ')}`);
  return row;
}

const COLUMNS: Array<[keyof MatrixRow, string]> = [
  ['source', 'source'], ['fault', 'fault'], ['variant', 'variant'], ['expected', 'expected'], ['outcome', 'outcome'],
  ['retry', 'first faulted request → retry'], ['unitsScored', 'units scored'], ['dataKept', 'prior data byte-identical'],
  ['detail', 'reason recorded in the run log'],
];

/** Renders rows as a Markdown table. */
export function formatMatrix(rows: readonly MatrixRow[]): string {
  const head = `| ${COLUMNS.map(([, h]) => h).join(' | ')} |\n|${COLUMNS.map(() => '---').join('|')}|`;
  return [head, ...rows.map((r) => `| ${COLUMNS.map(([k]) => r[k]).join(' | ')} |`)].join('\n');
}

const OUT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));

/**
 * Writes this source's section (test-output/fault-matrix-<source>.md) and rebuilds test-output/fault-matrix.md
 * from every section present, so the three source files (run in parallel) each leave a complete report.
 */
export function writeMatrix(source: MatrixSource, rows: readonly MatrixRow[]): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const section = `## ${source}\n\n_run ${new Date().toISOString()}_\n\n${formatMatrix(rows)}\n`;
  writeFileSync(join(OUT_DIR, `fault-matrix-${source}.md`), section);
  const sections = readdirSync(OUT_DIR)
    .filter((f) => /^fault-matrix-(jira|github|mlflow)\.md$/.test(f))
    .sort()
    .map((f) => readFileSync(join(OUT_DIR, f), 'utf8'));
  const file = join(OUT_DIR, 'fault-matrix.md');
  writeFileSync(
    file,
    `# Fault matrix\n\nEach cell: a good baseline run, then a run at a later as-of with the fault; the faulted binding is the only ` +
      `binding of its source. \`once\` = the fault hits one request (transient), \`always\` = every request to the listing.\n\n${sections.join('\n')}`,
  );
  return file;
}

/** The cells of one source's row of the matrix, with that connector's documented behaviour as the expectation. */
export function cellsFor(source: MatrixSource, target: { unit: string; wrongEnv: string; rename: (org: OrgConfig) => OrgConfig }): FaultCell[] {
  const gh = source === 'github';
  const cells: FaultCell[] = [
    // 500: GitHub's client (plugin-retry) retries 5xx; the Jira/MLflow client retries only 429/502/503/504, since a
    // 500 from those APIs is usually a bug in the request (e.g. a JQL the server chokes on), not load.
    gh
      ? { fault: 'HTTP 500', variant: 'once', inject: { kind: 'status', status: 500 }, expect: 'ok-after-retry' }
      : { fault: 'HTTP 500', variant: 'once', inject: { kind: 'status', status: 500 }, expect: 'failed', code: /^HTTP_500$/, reason: /500/ },
    { fault: 'HTTP 500', variant: 'always', inject: { kind: 'status', status: 500 }, expect: 'failed', code: /^HTTP_500$/, reason: /500/ },
    { fault: 'HTTP 502', variant: 'once', inject: { kind: 'status', status: 502 }, expect: 'ok-after-retry' },
    { fault: 'HTTP 503', variant: 'always', inject: { kind: 'status', status: 503 }, expect: 'failed', code: /^HTTP_503$/, reason: /503/ },
    { fault: '429 + Retry-After 1 s', variant: 'once', inject: { kind: 'rate-limit', retryAfterSeconds: 1 }, expect: 'ok-after-retry' },
    {
      fault: '429 + Retry-After 30 s (over the wait budget)', variant: 'always', inject: { kind: 'rate-limit', retryAfterSeconds: 30 },
      expect: 'failed', code: /^HTTP_429$/, reason: gh ? /rate limit: the required wait of \d+s exceeds the maximum/ : /asked to wait 30 s, beyond the retry budget/,
    },
    gh
      ? { fault: '403 secondary rate limit', variant: 'once', inject: { kind: 'rate-limit', retryAfterSeconds: 1, secondary: true }, expect: 'ok-after-retry' }
      : // Jira and MLflow have no secondary limit: a 403 (even with Retry-After) means "not permitted".
        {
          fault: '403 + Retry-After (GitHub-style secondary limit)', variant: 'once', inject: { kind: 'status', status: 403, headers: { 'retry-after': '1' } },
          expect: 'failed', code: /^HTTP_403$/, reason: /not permitted/,
        },
    ...(gh
      ? [{
          fault: '403 secondary rate limit, Retry-After 30 s', variant: 'always' as const, inject: { kind: 'rate-limit' as const, retryAfterSeconds: 30, secondary: true },
          expect: 'failed' as const, code: /^HTTP_403$/, reason: /secondary rate limit/,
        }]
      : []),
    { fault: 'connection reset', variant: 'once', inject: { kind: 'reset' }, expect: 'ok-after-retry' },
    { fault: 'connection reset', variant: 'always', inject: { kind: 'reset' }, expect: 'failed', code: /^NETWORK$/, reason: gh ? /GitHub unreachable|before a response/ : /network error/ },
    // A 4 s stall: above the Jira/MLflow per-request timeout (1.5 s here), so they retry; GitHub's client has no
    // per-request timeout, so the stall only slows it down.
    gh
      ? { fault: 'timeout (4 s stall)', variant: 'once', inject: { kind: 'delay', ms: 4_000 }, expect: 'ok' }
      : { fault: 'timeout (4 s stall)', variant: 'once', inject: { kind: 'delay', ms: 4_000 }, expect: 'ok-after-retry' },
    gh
      ? // Without a per-request timeout a hung GitHub request is ended by the binding's deadline (Lambda: remaining
        // time − 10 s; here a 25 s budget, well above a normal full pass of any binding even on a busy machine).
        { fault: 'timeout (server hangs)', variant: 'always', inject: { kind: 'delay', ms: 60_000 }, budgetMs: 25_000, expect: 'failed', code: /^DEADLINE$/, reason: /budget/ }
      : { fault: 'timeout (server hangs)', variant: 'always', inject: { kind: 'delay', ms: 60_000 }, expect: 'failed', code: /^NETWORK$/, reason: /timed out/ },
    { fault: 'malformed JSON', variant: 'always', inject: { kind: 'malformed-json' }, expect: 'failed', code: /^MALFORMED_PAGE$/, reason: /JSON|malformed/ },
    { fault: 'truncated body', variant: 'always', inject: { kind: 'truncated' }, expect: 'failed', code: /^MALFORMED_PAGE$/, reason: /JSON|malformed/ },
    { fault: 'HTML error page with 200', variant: 'always', inject: { kind: 'html-200' }, expect: 'failed', code: /^MALFORMED_PAGE$/, reason: /HTML|malformed/ },
    {
      fault: 'repeating page cursor', variant: 'always', inject: { kind: 'repeat-cursor' }, expect: 'failed', code: /^REPEATING_CURSOR$/, reason: /already|advance/,
      // The listing must span pages for a token to repeat: Jira's incremental search pages at 100 issues, so more
      // than 100 issues are edited before the run; MLflow's runs/search pages at the suite's cap of 2, so a few
      // runs are started in the window.
      ...(source === 'jira' ? { before: touchJiraIssues } : source === 'mlflow' ? { before: startMlflowRuns } : {}),
    },
    {
      fault: '401 (wrong credential)', variant: 'credentials', expect: 'failed', code: /^HTTP_401$/, reason: gh ? /rejected the token/ : /not authenticated/,
      env: (env) => ({ ...env, [target.wrongEnv]: 'wrong-value-for-the-matrix' }),
      ...(source === 'mlflow' ? { alsoFails: [MLFLOW_REGISTRY_BINDING_ID] } : {}),
    },
    {
      // Jira answers a search over a project that does not exist with 400 and the field's error, not 404.
      fault: source === 'jira' ? 'unknown configured project (Jira: 400)' : source === 'github' ? '404 configured repo' : '404 configured experiment',
      variant: 'config', expect: 'failed', code: source === 'jira' ? /^HTTP_40[04]$/ : /^HTTP_404$/, reason: source === 'jira' ? /does not exist|project/i : /^(?!.*\[redacted\]).*(not found|does not exist|RESOURCE_DOES_NOT_EXIST)/i,
      org: target.rename,
    },
  ];
  return cells;
}

/** Edits every issue of the target's projects a day before the as-of (a label added), as a busy week would. */
function touchJiraIssues(sandboxes: RunningSandboxes, asOf: Date): void {
  const world = sandboxes.worlds.jira as JiraWorld;
  const at = new Date(asOf.getTime() - 86_400_000);
  for (const issue of [...world.issues.values()]) {
    if (/^(RECO|CHURN)-/.test(issue.key)) world.updateIssue(issue.key, { labels: [...issue.labels, 'touched'], at });
  }
}

/** Starts five runs in the target's experiment a few hours before the as-of. */
function startMlflowRuns(sandboxes: RunningSandboxes, asOf: Date): void {
  const world = sandboxes.worlds.mlflow as MlflowWorld;
  const experiment = world.experiments.find((e) => e.name === 'recsys');
  if (!experiment) throw new Error('no recsys experiment in the MLflow sandbox');
  for (let i = 0; i < 5; i++) {
    world.addRun({ experimentId: experiment.experiment_id, startTime: new Date(asOf.getTime() - (i + 2) * 3_600_000), status: 'FINISHED', endTime: new Date(asOf.getTime() - 3_600_000) });
  }
}
