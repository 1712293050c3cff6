import { listBindings, listUnits } from '../org/index.js';
import type { UnitRef } from '../org/index.js';
import type { UnitScorecard } from '../scoring/types.js';
import type { PendingCardStore, RunRecord } from '../storage/ports.js';
import { PodCardsMissingError } from './errors.js';
import { buildSourceStatuses, loadBindingOutcomes, scoreRun } from './score.js';
import { scorePodsStreamed, scoreRollupsStreamed } from './score-units.js';
import type { PipelineDeps } from './types.js';

// The score step fanned out (settings.scoring.fanOutAbovePods): one item per pod scores it from its own windows and
// writes its card to the pending store (not visible to any reader); then one rollup task reads every pending pod
// card, scores the rollups and saves the whole as-of through saveSnapshots, exactly as the single Score task does.

function pendingStore(deps: PipelineDeps): PendingCardStore {
  const store = deps.stores.pending;
  if (store === undefined) throw new Error('the score step fans out but the stores have no pending-card store');
  return store;
}

/** One pod item: scores the pod at the run's as-of from this run's outcomes and saves its card as pending. */
export async function scorePodItem(deps: PipelineDeps, input: { runId: string; asOf: string; pod: UnitRef }): Promise<{ pod: UnitRef; status: string }> {
  // Only what a pod's card reads: its own bindings and the organisation's (Copilot), not every binding of the run,
  // which would make the fan-out's reads grow with pods × bindings.
  const own = listBindings(deps.org).filter((b) => b.unit === input.pod || b.unit === 'org');
  const outcomes = await loadBindingOutcomes(deps, input.runId, own);
  const sources = await buildSourceStatuses(deps, outcomes, input.asOf, own);
  const [card] = await scorePodsStreamed(deps, { asOf: input.asOf, sources }, [input.pod]);
  if (card === undefined) throw new RangeError(`${input.pod}: no card was scored`);
  await pendingStore(deps).savePending(input.runId, input.asOf, [card]);
  return { pod: input.pod, status: card.status };
}

/**
 * The rollup task: every pod's pending card (in listUnits order), the rollups over them, then the as-of saved and
 * the run record written by scoreRun. A missing pod card (its item failed) fails the run with a record naming the
 * pods, and nothing of the as-of becomes visible.
 */
export async function scoreRollupsRun(deps: PipelineDeps, input: { runId: string; asOf: string }): Promise<RunRecord> {
  return scoreRun(deps, {
    runId: input.runId,
    asOf: input.asOf,
    cards: async (d, ctx) => {
      const pending = new Map((await pendingStore(d).loadPending(input.runId, input.asOf)).map((c) => [c.unit, c]));
      const pods = listUnits(d.org).filter((u) => u.kind === 'pod').map((u) => u.ref);
      const missing = pods.filter((p) => pending.get(p)?.asOf !== input.asOf);
      if (missing.length > 0) throw new PodCardsMissingError(missing);
      return scoreRollupsStreamed(d, ctx, pods.map((p) => pending.get(p) as UnitScorecard));
    },
  });
}
