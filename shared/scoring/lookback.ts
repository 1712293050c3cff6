import type { OrgConfig } from '../org/index.js';
import type { Rubric } from '../rubric/index.js';
import { MLOPS_WINDOW_DAYS } from './mlops.js';

/**
 * How many days before the as-of scoring reads. At least the rubric's longest signal window (trends, such as the
 * Copilot active-share trend, compare halves of their own window) and the MLOps placement window. Several signals
 * also read history from before their window up to the as-of: resolution times (issues created earlier, resolved
 * in the window), home pods (who authored where), first adoptions of a breakthrough, a domain's objective epics,
 * the run behind a promoted model version and the days since the last version. For those the horizon is the
 * org's `settings.historyDays`, the history collection fetches in the first place, so the read covers everything
 * collection could have brought in within that horizon.
 */
export function scoringLookbackDays(rubric: Pick<Rubric, 'signals'>, org: Pick<OrgConfig, 'settings'>): number {
  const longest = rubric.signals.reduce((m, s) => Math.max(m, s.windowDays), MLOPS_WINDOW_DAYS);
  return Math.max(longest, org.settings.historyDays);
}

/** The window (both ends inclusive, ISO) scoring reads at an as-of. */
export function scoringWindow(rubric: Pick<Rubric, 'signals'>, org: Pick<OrgConfig, 'settings'>, asOf: string): { from: string; to: string } {
  const asOfMs = Date.parse(asOf);
  if (Number.isNaN(asOfMs)) throw new RangeError(`asOf is not an ISO timestamp: ${asOf}`);
  return { from: new Date(asOfMs - scoringLookbackDays(rubric, org) * 86_400_000).toISOString(), to: asOf };
}
