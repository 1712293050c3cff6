import { LABELS } from '../org/conventions.js';
import { EvidenceCollector, hasGovernanceTag, inWindow, isProductionVersion, missing, round, sourceProblem } from './helpers.js';
import type { GovernanceTag } from './helpers.js';
import { QUARTER_DAYS, jiraIssueRate, jiraResolutionDaysP50 } from './jira-common.js';
import type { SignalFn } from './types.js';

/**
 * Share of production model versions (created in the window, in the steering group's MLflow binding) that carry
 * a governance tag. One signal per tag, so the card shows which practice is lacking.
 */
export function governanceTagCoverage(tag: GovernanceTag): SignalFn {
  return (ctx) => {
    const problem = sourceProblem(ctx, ctx.unit.ref, 'mlflow');
    if (problem !== null) return missing(problem);
    const ev = new EvidenceCollector();
    let production = 0;
    for (const item of ctx.env.activities.of(ctx.unit.ref, 'model-version')) {
      if (!inWindow(ctx, item.t) || !isProductionVersion(item.a, ctx.env.org.conventions?.mlflow)) continue;
      production++;
      if (hasGovernanceTag(item.a, tag, ctx.env.org.conventions?.mlflow)) ev.add(item);
    }
    if (production === 0) return missing(`no production model version was registered in the last ${Math.round(ctx.windowDays)} days`);
    return { status: 'scored', value: round(ev.count / production, 3), evidence: ev.links(), evidenceCount: ev.count };
  };
}

/** Governance reviews completed per quarter. */
export const governanceReviewsPerQuarter: SignalFn = jiraIssueRate({
  match: (l) => l === LABELS.governanceReview,
  on: 'resolved',
  periodDays: QUARTER_DAYS,
  concept: 'governanceReview',
});

/** Strategic priorities delivered (`priority` items resolved) per quarter. */
export const prioritiesResolvedPerQuarter: SignalFn = jiraIssueRate({ match: (l) => l === LABELS.priority, on: 'resolved', periodDays: QUARTER_DAYS });

/** Median days to resolve a resource request (talent, funding, infrastructure). */
export const resourceRequestDaysP50: SignalFn = jiraResolutionDaysP50({ match: (l) => l === LABELS.resourceRequest, what: 'resource request' });
