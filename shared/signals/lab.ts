import { LABELS } from '../org/conventions.js';
import { EvidenceCollector, inWindow, labelsOf, missing, round, sourceProblem } from './helpers.js';
import { QUARTER_DAYS, jiraIssueRate } from './jira-common.js';
import type { SignalFn } from './types.js';

const LAB_EVENTS: ReadonlySet<string> = new Set([LABELS.hackathon, LABELS.talk, LABELS.research]);

/** Hackathons, tech talks and research shares (items resolved) per quarter. */
export const labEventsPerQuarter: SignalFn = jiraIssueRate({ match: (l) => LAB_EVENTS.has(l), on: 'resolved', periodDays: QUARTER_DAYS, concept: ['hackathon', 'talk'] });

/** Experimental prototypes started (`prototype` items created) per quarter. */
export const prototypesPerQuarter: SignalFn = jiraIssueRate({ match: (l) => l === LABELS.prototype, on: 'created', periodDays: QUARTER_DAYS });

/** New technologies and methods evaluated (`method-eval` items resolved) per quarter. */
export const methodEvaluationsPerQuarter: SignalFn = jiraIssueRate({
  match: (l) => l === LABELS.methodEvaluation,
  on: 'resolved',
  periodDays: QUARTER_DAYS,
});

/** Share of prototypes created in the window that a pod of the organisation took over (`adopted-by:<pod id>`). */
export const prototypeAdoptionShare: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'jira');
  if (problem !== null) return missing(problem);
  const ev = new EvidenceCollector();
  let prototypes = 0;
  for (const item of ctx.env.activities.of(ctx.unit.ref, 'issue')) {
    if (!inWindow(ctx, item.t)) continue;
    const labels = labelsOf(item.a);
    if (!labels.includes(LABELS.prototype)) continue;
    prototypes++;
    const adopted = labels.some(
      (l) => l.startsWith(LABELS.adoptedByPrefix) && ctx.env.units.has(`pod:${l.slice(LABELS.adoptedByPrefix.length)}`),
    );
    if (adopted) ev.add(item);
  }
  if (prototypes === 0) return missing(`no prototype was started in the last ${Math.round(ctx.windowDays)} days`);
  return { status: 'scored', value: round(ev.count / prototypes, 3), evidence: ev.links(), evidenceCount: ev.count };
};
