import pLimit from 'p-limit';
import type { BindingOutcome, RunRecord } from '../storage/ports.js';
import { handleCollect, handlePlan, handleScore, handleScorePod, handleScoreRollups, schedulerEvent } from './handlers.js';
import type { PipelineDeps, RunPlan, RunProgress } from './types.js';

/** Options of a local run. */
export interface LocalRunOptions {
  asOf: string;
  progress?: RunProgress;
  /** Per-binding time budget in ms (the local stand-in for the Lambda deadline). */
  bindingBudgetMs?: number;
  signal?: AbortSignal;
}

/**
 * The fanned-out score step as the state machine runs it: one item per pod (bounded concurrency, a failed item
 * does not stop the others), then the rollup task, which fails the run with a clear record when a pod card is
 * missing.
 */
export async function scoreFannedOut(deps: PipelineDeps, plan: RunPlan): Promise<RunRecord> {
  const limit = pLimit(plan.maxConcurrency);
  const items = await Promise.allSettled(plan.scoring.pods.map((pod) => limit(() => handleScorePod(deps, { runId: plan.runId, asOf: plan.asOf, pod }))));
  items.forEach((r, i) => {
    if (r.status === 'rejected') {
      deps.logger.error('score pod item failed', { runId: plan.runId, pod: plan.scoring.pods[i], errorClass: r.reason instanceof Error ? r.reason.name : 'Error' });
    }
  });
  return handleScoreRollups(deps, { runId: plan.runId, asOf: plan.asOf });
}

/**
 * Runs plan → collect (bounded concurrency, settings.maxConcurrency) → score exactly as the state machine does:
 * the same handler functions fed the events EventBridge Scheduler and the Distributed Map send.
 */
export async function runScheduled(deps: PipelineDeps, opts: LocalRunOptions): Promise<{ plan: RunPlan; run: RunRecord }> {
  const plan = await handlePlan(deps, schedulerEvent(opts.asOf));
  opts.progress?.onPlanned?.(plan);
  await collectAll(deps, plan, opts);
  const run = plan.scoring.fanOut ? await scoreFannedOut(deps, plan) : await handleScore(deps, { runId: plan.runId, asOf: plan.asOf });
  opts.progress?.onScored?.(plan.asOf, run.unitsScored);
  return { plan, run };
}

/** Collects every task of a plan with bounded concurrency, as the Distributed Map would (one event per item). */
export async function collectAll(
  deps: PipelineDeps,
  plan: RunPlan,
  opts: { progress?: RunProgress; bindingBudgetMs?: number; signal?: AbortSignal },
): Promise<BindingOutcome[]> {
  // The plan's limit, as the Distributed Map's MaxConcurrencyPath reads it.
  const limit = pLimit(plan.maxConcurrency);
  let done = 0;
  return Promise.all(
    plan.tasks.map((task) =>
      limit(async () => {
        const item = { runId: plan.runId, asOf: plan.asOf, ...task };
        const outcome = await handleCollect(deps, item, { budgetMs: opts.bindingBudgetMs, signal: opts.signal });
        done += 1;
        opts.progress?.onBindingDone?.(outcome, done, plan.tasks.length);
        return outcome;
      }),
    ),
  );
}
