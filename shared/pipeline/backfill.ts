import type { BindingOutcome, RunRecord } from '../storage/ports.js';
import { InvalidEventError } from './errors.js';
import { normaliseAsOf, planRun } from './plan.js';
import { collectAll } from './run.js';
import { activitiesAsOf, buildSourceStatuses, loadAllActivities } from './score.js';
import type { PipelineDeps, RunProgress } from './types.js';

const DAY_MS = 86_400_000;

/** Options of a backfill. */
export interface BackfillOptions {
  from: string;
  to: string;
  everyDays: number;
  /** Skip steps whose snapshot already exists (demo restarts); a plain rerun rewrites identical snapshots. */
  skipExisting?: boolean;
  progress?: RunProgress;
  bindingBudgetMs?: number;
  signal?: AbortSignal;
}

/** The as-ofs of a backfill: `to`, then every `everyDays` back while not before `from`; oldest first. */
export function backfillSteps(from: string, to: string, everyDays: number): string[] {
  if (!Number.isInteger(everyDays) || everyDays < 1) throw new InvalidEventError(`every must be a whole number of days ≥ 1, got ${everyDays}`, 'every');
  const start = Date.parse(normaliseAsOf(from));
  const end = Date.parse(normaliseAsOf(to));
  if (start > end) throw new InvalidEventError('from is after to', 'from');
  const steps: string[] = [];
  for (let t = end; t >= start; t -= everyDays * DAY_MS) steps.push(new Date(t).toISOString());
  return steps.reverse();
}

/** The run id of a backfill: derived from its range so a rerun is the same run. */
export function backfillRunId(from: string, to: string, everyDays: number): string {
  return `backfill-${normaliseAsOf(from)}-${normaliseAsOf(to)}-${everyDays}d`;
}

/**
 * Backfills snapshots: collects every binding once (as of `to`), then scores one snapshot per step from the stored
 * history, each step seeing only the activities that had happened by its as-of. Idempotent: a rerun writes the
 * same snapshots. Returns the run record (kind `backfill`), or null when every step already existed.
 */
export async function backfill(
  deps: PipelineDeps,
  opts: BackfillOptions,
): Promise<{ run: RunRecord | null; scored: string[]; skipped: string[] }> {
  const now = deps.now ?? (() => new Date());
  const steps = backfillSteps(opts.from, opts.to, opts.everyDays);
  const existing = opts.skipExisting ? new Set(await deps.stores.snapshots.listAsOfs()) : new Set<string>();
  const pending = steps.filter((s) => !existing.has(s));
  const skipped = steps.filter((s) => existing.has(s));
  if (pending.length === 0) return { run: null, scored: [], skipped };

  const to = normaliseAsOf(opts.to);
  const runId = backfillRunId(opts.from, opts.to, opts.everyDays);
  const startedAt = now().toISOString();
  const plan = { ...planRun(deps.org, to), runId };
  const record: RunRecord = {
    runId, asOf: to, kind: 'backfill', status: 'running', startedAt, rubric: deps.scorer.rubric,
    bindings: [], unitsScored: 0, requests: 0,
  };
  await deps.stores.runs.saveRun(record);
  opts.progress?.onPlanned?.(plan);
  const outcomes = await collectAll(deps, plan, opts);
  record.bindings = outcomes;
  record.requests = outcomes.reduce((n, o) => n + o.requests, 0);

  const scored: string[] = [];
  try {
    await scoreEachAsOf(deps, outcomes, pending, runId, (asOf, units) => {
      record.unitsScored = units;
      scored.push(asOf);
      opts.progress?.onScored?.(asOf, units);
    });
    record.status = 'completed';
    record.message = `${scored.length} snapshot(s) scored, ${skipped.length} already present`;
  } catch (err) {
    record.status = 'failed';
    record.message = `${err instanceof Error ? err.name : 'Error'}: scoring stopped after ${scored.length} of ${pending.length} snapshot(s)`;
    record.finishedAt = now().toISOString();
    await deps.stores.runs.saveRun(record);
    throw err;
  }
  record.finishedAt = now().toISOString();
  await deps.stores.runs.saveRun(record);
  deps.logger.info('backfill scored', { runId, snapshots: scored.length, skipped: skipped.length, requests: record.requests });
  return { run: record, scored, skipped };
}

/** Scores and stores one snapshot per as-of from the stored history, each seeing only what had happened by then. */
async function scoreEachAsOf(
  deps: PipelineDeps, outcomes: BindingOutcome[], asOfs: readonly string[], runId: string, onScored: (asOf: string, units: number) => void,
): Promise<void> {
  const all = await loadAllActivities(deps);
  for (const asOf of asOfs) {
    const sources = await buildSourceStatuses(deps, outcomes, asOf);
    const cards = deps.scorer.score({ org: deps.org, asOf, activities: activitiesAsOf(all, asOf), sources });
    await deps.stores.snapshots.saveSnapshots(asOf, cards, { runId });
    onScored(asOf, cards.length);
  }
}

/**
 * Re-scores every stored snapshot as-of (optionally within from–to) under the current rubric, from the stored
 * normalised activities and without collecting, so trends compare like with like after a rubric change. Every
 * configured binding counts as collected (its history is stored); each as-of sees only what had happened by then.
 */
export async function rescoreHistory(deps: PipelineDeps, opts: { from?: string; to?: string } = {}): Promise<{ run: RunRecord; scored: string[] }> {
  const now = deps.now ?? (() => new Date());
  const from = opts.from === undefined ? undefined : normaliseAsOf(opts.from);
  const to = opts.to === undefined ? undefined : normaliseAsOf(opts.to);
  const asOfs = (await deps.stores.snapshots.listAsOfs()).filter((a) => (from === undefined || a >= from) && (to === undefined || a <= to));
  const last = asOfs.at(-1) ?? now().toISOString();
  const runId = `rescore-${deps.scorer.rubric.version}-${asOfs[0] ?? last}-${last}`;
  const record: RunRecord = {
    runId, asOf: last, kind: 'backfill', status: 'running', startedAt: now().toISOString(), rubric: deps.scorer.rubric,
    bindings: [], unitsScored: 0, requests: 0,
  };
  const outcomes: BindingOutcome[] = planRun(deps.org, last).tasks.map((t) => ({
    bindingId: t.bindingId, unit: t.unit, source: t.source, status: 'ok', items: 0, requests: 0, pages: 0, durationMs: 0, notes: ['re-scored from stored history'],
  }));
  const scored: string[] = [];
  await scoreEachAsOf(deps, outcomes, asOfs, runId, (asOf, units) => {
    record.unitsScored = units;
    scored.push(asOf);
  });
  record.status = 'completed';
  record.message = `${scored.length} snapshot(s) re-scored under rubric ${deps.scorer.rubric.version}`;
  record.finishedAt = now().toISOString();
  await deps.stores.runs.saveRun(record);
  deps.logger.info('history re-scored', { runId, snapshots: scored.length, rubricVersion: deps.scorer.rubric.version });
  return { run: record, scored };
}
