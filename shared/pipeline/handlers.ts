import * as z from 'zod';
import type { BindingOutcome, RunRecord } from '../storage/ports.js';
import { collectBinding } from './collect.js';
import { InvalidEventError } from './errors.js';
import { normaliseAsOf, planRun } from './plan.js';
import { saveBindingOutcome, scoreRun } from './score.js';
import { scorePodItem, scoreRollupsRun } from './score-fanout.js';
import type { CollectTask, PipelineDeps, RunPlan } from './types.js';

// The handlers' inner functions: event in, result out, over PipelineDeps. functions/*.ts wrap them for Lambda
// (middy, Powertools, deps from env); the local runner calls them with the same events Step Functions and
// EventBridge Scheduler send, so the CLI and the cloud run one code path.

/** Margin kept before the Lambda deadline so the outcome is saved and the task returns cleanly. */
export const DEADLINE_MARGIN_MS = 10_000;

const isoText = z.string().min(10).max(40);

const planEventSchema = z.looseObject({
  asOf: isoText.optional(),
  /** EventBridge / Scheduler events carry the scheduled time here. */
  time: isoText.optional(),
  detail: z.looseObject({ asOf: isoText.optional() }).optional(),
});

const taskSchema = z.strictObject({
  bindingId: z.string().min(3).max(300),
  unit: z.string().min(3).max(200),
  source: z.enum(['jira', 'github', 'mlflow', 'copilot']),
});

const collectEventSchema = z.union([
  taskSchema.extend({ runId: z.string().min(1).max(200), asOf: isoText }),
  z.looseObject({ runId: z.string().min(1).max(200), asOf: isoText, task: taskSchema }),
]);

const scoreEventSchema = z.looseObject({ runId: z.string().min(1).max(200), asOf: isoText });

function parse<T>(schema: z.ZodType<T>, event: unknown, what: string): T {
  const r = schema.safeParse(event ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InvalidEventError(`${what} event: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
  }
  return r.data;
}

/** Plan step: reads the as-of from a Scheduler event (`time`), `{ asOf }` or the clock; saves a `running` record. */
export async function handlePlan(deps: PipelineDeps, event: unknown): Promise<RunPlan> {
  const e = parse(planEventSchema, event, 'plan');
  const now = deps.now ?? (() => new Date());
  const asOf = normaliseAsOf(e.asOf ?? e.detail?.asOf ?? e.time ?? now().toISOString());
  const plan = planRun(deps.org, asOf);
  const record: RunRecord = {
    runId: plan.runId, asOf: plan.asOf, kind: 'scheduled', status: 'running', startedAt: now().toISOString(),
    rubric: deps.scorer.rubric, bindings: [], unitsScored: 0, requests: 0,
  };
  await deps.stores.runs.saveRun(record);
  deps.logger.info('run planned', { runId: plan.runId, asOf: plan.asOf, tasks: plan.tasks.length });
  return plan;
}

/** Reads a collect event: a Distributed Map item (`{ runId, asOf, bindingId, unit, source }` or `{ runId, asOf, task }`). */
export function parseCollectEvent(event: unknown): { runId: string; asOf: string; task: CollectTask } {
  const e = parse(collectEventSchema, event, 'collect');
  const task: CollectTask = 'task' in e ? e.task : { bindingId: e.bindingId, unit: e.unit, source: e.source };
  return { runId: e.runId, asOf: normaliseAsOf(e.asOf), task };
}

/** Collect step: one binding; the outcome goes to the run log (for score) and is returned (Map item result). */
export async function handleCollect(
  deps: PipelineDeps,
  event: unknown,
  opts: { remainingMs?: number; budgetMs?: number; signal?: AbortSignal } = {},
): Promise<BindingOutcome> {
  const { runId, asOf, task } = parseCollectEvent(event);
  const budgetMs =
    opts.remainingMs === undefined ? opts.budgetMs : Math.max(1_000, opts.remainingMs - DEADLINE_MARGIN_MS);
  const outcome = await collectBinding(deps, task, { runId, asOf, budgetMs, signal: opts.signal });
  await saveBindingOutcome(deps, runId, outcome);
  return outcome;
}

/** Score step: `{ runId, asOf }` (extra fields such as the Map's results are ignored; outcomes come from the run log). */
export async function handleScore(deps: PipelineDeps, event: unknown): Promise<RunRecord> {
  const e = parse(scoreEventSchema, event, 'score');
  return scoreRun(deps, { runId: e.runId, asOf: normaliseAsOf(e.asOf) });
}

const scorePodEventSchema = z.looseObject({ runId: z.string().min(1).max(200), asOf: isoText, pod: z.string().regex(/^pod:[a-z][a-z0-9-]*$/) });

/** Fanned-out score, one pod item: `{ runId, asOf, pod }`; scores the pod and saves its card as pending. */
export async function handleScorePod(deps: PipelineDeps, event: unknown): Promise<{ pod: string; status: string }> {
  const e = parse(scorePodEventSchema, event, 'score pod');
  return scorePodItem(deps, { runId: e.runId, asOf: normaliseAsOf(e.asOf), pod: e.pod as `pod:${string}` });
}

/** Fanned-out score, rollup task: `{ runId, asOf }`; rollups from the pending pod cards, then the as-of and run record. */
export async function handleScoreRollups(deps: PipelineDeps, event: unknown): Promise<RunRecord> {
  const e = parse(scoreEventSchema, event, 'score rollups');
  return scoreRollupsRun(deps, { runId: e.runId, asOf: normaliseAsOf(e.asOf) });
}

/** The input EventBridge Scheduler hands the state machine (and plan) for a scheduled time. */
export function schedulerEvent(asOf: string): Record<string, unknown> {
  return {
    version: '0', id: `local-${asOf}`, 'detail-type': 'Scheduled Event', source: 'aws.scheduler', account: '000000000000',
    time: asOf, region: 'local', resources: ['arn:aws:scheduler:local:000000000000:schedule/default/radar-daily'], detail: {},
  };
}
