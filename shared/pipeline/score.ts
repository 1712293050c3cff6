import pLimit from 'p-limit';
import { listBindings, listUnits } from '../org/index.js';
import type { Binding, OrgConfig } from '../org/index.js';
import type { Activity } from '../sources/contract.js';
import type { SourceStatus } from '../scoring/types.js';
import type { BindingOutcome, RunRecord } from '../storage/ports.js';
import { PodCardsMissingError, ScoreRunError } from './errors.js';
import { scoreStreamed } from './score-units.js';
import type { AsOfContext } from './score-units.js';
import type { UnitScorecard } from '../scoring/types.js';
import type { PipelineDeps } from './types.js';

const SOURCES = ['jira', 'github', 'mlflow'] as const;
const LOAD_CONCURRENCY = 16;

/** Saves one binding's outcome in the run log, where score finds it (collect tasks run in separate Lambdas). */
export async function saveBindingOutcome(deps: PipelineDeps, runId: string, outcome: BindingOutcome): Promise<void> {
  await deps.stores.runLog.saveOutcome(runId, outcome);
}

/** Loads the outcome each planned binding left in the run log; a binding with none is reported failed. */
export async function loadBindingOutcomes(deps: PipelineDeps, runId: string, only?: readonly Binding[]): Promise<BindingOutcome[]> {
  const recorded =
    only === undefined ? await deps.stores.runLog.loadOutcomes(runId) : await deps.stores.runLog.loadOutcomesOf(runId, only.map((b) => b.id));
  return (only ?? listBindings(deps.org)).map(
    (b): BindingOutcome =>
      recorded.get(b.id) ?? {
        bindingId: b.id, unit: b.unit, source: b.source, status: 'failed', errorClass: 'MissingOutcomeError',
        errorCode: 'NO_OUTCOME', message: 'the collect task left no outcome (it did not finish)',
        items: 0, requests: 0, pages: 0, durationMs: 0, notes: [],
      },
  );
}

/** Loads every binding's stored activities (the merged history, whatever this run's outcome). */
export async function loadAllActivities(deps: PipelineDeps): Promise<Activity[]> {
  const limit = pLimit(LOAD_CONCURRENCY);
  const lists = await Promise.all(listBindings(deps.org).map((b) => limit(() => deps.stores.objects.loadActivities(b.id))));
  return lists.flat();
}

/** Keeps the activities that had happened by the as-of (backfill scores history as it stood at each step). */
export function activitiesAsOf(activities: readonly Activity[], asOf: string): Activity[] {
  const t = Date.parse(asOf);
  return activities.filter((a) => Date.parse(a.at) <= t);
}

/**
 * The status of every unit × source for scoring: ok/failed from this run's outcomes (with the as-of of the last
 * successful collection), not-configured where the unit has no binding for the source.
 */
export async function buildSourceStatuses(
  deps: PipelineDeps,
  outcomes: readonly BindingOutcome[],
  asOf: string,
  only?: readonly Binding[],
): Promise<SourceStatus[]> {
  const byBinding = new Map(outcomes.map((o) => [o.bindingId, o]));
  const lastSuccess = new Map<string, string>();
  // Every binding's cursor (or only those given) in batch reads (100 per call), not one read per binding.
  const cursors = await deps.stores.cursors.loadCursors((only ?? listBindings(deps.org)).map((b) => b.id));
  for (const [bindingId, c] of cursors) {
    // A later collection (backfill collects once at its end) does not make an earlier as-of fresher.
    lastSuccess.set(bindingId, c.asOf < asOf ? c.asOf : asOf);
  }
  return statusesFor(deps.org, byBinding, lastSuccess);
}

function statusesFor(org: OrgConfig, byBinding: Map<string, BindingOutcome>, lastSuccess: Map<string, string>): SourceStatus[] {
  const out: SourceStatus[] = [];
  const statusOf = (bindingId: string, source: string): SourceStatus => {
    const o = byBinding.get(bindingId);
    const last = lastSuccess.get(bindingId);
    const status: SourceStatus =
      o?.status === 'ok'
        ? { source, bindingId, status: 'ok' }
        : { source, bindingId, status: 'failed', reason: o ? `${o.errorClass ?? 'Error'}: ${o.message ?? 'failed'}` : 'not collected in this run' };
    if (last !== undefined) status.lastSuccessAt = last;
    return status;
  };
  for (const unit of listUnits(org)) {
    if (unit.kind === 'org') continue;
    for (const source of SOURCES) {
      const bindingId = `${unit.ref}/${source}`;
      if (unit.sources[source] === undefined) {
        out.push({ source, bindingId, status: 'not-configured', reason: `${source} is not configured for ${unit.ref}` });
      } else {
        out.push(statusOf(bindingId, source));
      }
    }
  }
  // Organisation-level bindings (Copilot usage reports cover every pod through one binding).
  for (const b of listBindings(org)) if (b.unit === 'org') out.push(statusOf(b.id, b.source));
  return out;
}

/** Produces every card of an as-of (the whole org unit by unit, or the rollups over pending pod cards). */
export type CardsProducer = (deps: PipelineDeps, ctx: AsOfContext) => Promise<UnitScorecard[]>;

/**
 * Scores one run: this run's outcomes, then the organisation unit by unit (each unit loads only the windows it
 * reads, see score-units.ts), saves the
 * snapshots (marked complete only when all are written) and the run record. Throws ScoreRunError after saving a
 * `failed` run record when scoring or storing fails.
 */
export async function scoreRun(
  deps: PipelineDeps,
  input: { runId: string; asOf: string; outcomes?: readonly BindingOutcome[]; cards?: CardsProducer },
): Promise<RunRecord> {
  const now = deps.now ?? (() => new Date());
  const prior = await deps.stores.runs.loadRun(input.runId);
  const outcomes = input.outcomes ? [...input.outcomes] : await loadBindingOutcomes(deps, input.runId);
  const record: RunRecord = {
    runId: input.runId,
    asOf: input.asOf,
    kind: 'scheduled',
    status: 'running',
    startedAt: prior?.startedAt ?? now().toISOString(),
    rubric: deps.scorer.rubric,
    bindings: outcomes,
    unitsScored: 0,
    requests: outcomes.reduce((n, o) => n + o.requests, 0),
  };
  try {
    const sources = await buildSourceStatuses(deps, outcomes, input.asOf);
    const cards = await (input.cards ?? scoreStreamed)(deps, { asOf: input.asOf, sources });
    await deps.stores.snapshots.saveSnapshots(input.asOf, cards, { runId: input.runId });
    record.unitsScored = cards.length;
    record.status = 'completed';
  } catch (err) {
    record.status = 'failed';
    record.message = err instanceof PodCardsMissingError ? `PodCardsMissingError: ${err.message}` : `${err instanceof Error ? err.name : 'Error'}: scoring or storing the snapshot failed`;
    record.finishedAt = now().toISOString();
    await deps.stores.runs.saveRun(record);
    deps.logger.error('score failed', { runId: input.runId, errorClass: err instanceof Error ? err.name : 'Error' });
    throw new ScoreRunError(input.runId, 'scoring or storing the snapshot failed', err);
  }
  record.finishedAt = now().toISOString();
  await deps.stores.runs.saveRun(record);
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  deps.logger.info('run scored', {
    runId: input.runId, rubricVersion: deps.scorer.rubric.version, unitsScored: record.unitsScored,
    bindingsOk: outcomes.length - failed, bindingsFailed: failed, requests: record.requests,
  });
  return record;
}
