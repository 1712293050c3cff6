import { LABELS } from '../org/conventions.js';
import { EvidenceCollector, inWindow, labelsOf, median, missing, readablePods, round, sourceProblem, strAttr, toDays } from './helpers.js';
import { QUARTER_DAYS, hasLabel, jiraIssueRate, mappedToStandard } from './jira-common.js';
import { firstAdoptions } from './org-facts.js';
import type { SignalContext, SignalFn, SignalValue, TimedActivity } from './types.js';

/** Talks given and guides published (`talk`/`guide` items resolved) per quarter. */
export const talksGuidesPerQuarter: SignalFn = jiraIssueRate({
  match: (l) => l === LABELS.talk || l === LABELS.guide,
  on: 'resolved',
  periodDays: QUARTER_DAYS,
  concept: 'talk',
});

/** Training sessions and courses (`training` items resolved) per quarter. */
export const trainingPerQuarter: SignalFn = jiraIssueRate({ match: (l) => l === LABELS.training, on: 'resolved', periodDays: QUARTER_DAYS, concept: 'training' });

/**
 * For each standard the network declares, the share of its member pods (with readable Jira) whose work in the
 * window carries `standard:<id>`; the signal is the mean over standards.
 */
export const standardsAdoptionShare: SignalFn = (ctx) => {
  const network = ctx.env.org.networks.find((n) => `network:${n.id}` === ctx.unit.ref);
  if (network === undefined) return missing('this unit is not a network in the org config');
  if (network.standards.length === 0) return missing('the network declares no standards in the org config');
  const pods = readablePods(ctx, 'jira');
  if (pods.ok.length === 0) return missing(`no member pod has readable Jira data (${pods.problems.join('; ')})`);
  // The default label `standard:<id>`, plus the org's own labels or components for adopting it.
  const ids = network.standards.map((st) => st.id);
  const adopters = new Map<string, number>();
  const ev = new EvidenceCollector();
  for (const pod of pods.ok) {
    const seen = new Set<string>();
    for (const item of ctx.env.activities.of(pod, 'issue')) {
      if (!inWindow(ctx, item.t)) continue;
      const labels = labelsOf(item.a);
      let used = false;
      for (const id of ids) {
        if (!labels.includes(`${LABELS.standardPrefix}${id}`) && !mappedToStandard(ctx, item, id)) continue;
        used = true;
        if (!seen.has(id)) {
          seen.add(id);
          adopters.set(id, (adopters.get(id) ?? 0) + 1);
        }
      }
      if (used) ev.add(item);
    }
  }
  const wanted = new Set(ids);
  let sum = 0;
  for (const id of wanted) sum += (adopters.get(id) ?? 0) / pods.ok.length;
  return { status: 'scored', value: round(sum / wanted.size, 3), evidence: ev.links(), evidenceCount: ev.count };
};

function breakthroughs(ctx: SignalContext): TimedActivity[] {
  const out: TimedActivity[] = [];
  for (const item of ctx.env.activities.of(ctx.unit.ref, 'issue')) {
    if (inWindow(ctx, item.t) && strAttr(item.a, 'key') !== null && hasLabel(item, (l) => l === LABELS.breakthrough)) out.push(item);
  }
  return out;
}

/**
 * Median days from a `breakthrough` issue (created in the window) to the first pod issue labelled
 * `adopts:<KEY>`. Breakthroughs nobody adopted yet are left out here and counted by the adoption share.
 */
export const breakthroughAdoptionDaysP50: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'jira');
  if (problem !== null) return missing(problem);
  const first = firstAdoptions(ctx);
  const ev = new EvidenceCollector();
  const days: number[] = [];
  for (const item of breakthroughs(ctx)) {
    const at = first.get(strAttr(item.a, 'key') as string);
    if (at === undefined || at < item.t) continue;
    days.push(toDays(at - item.t));
    ev.add(item);
  }
  if (days.length === 0) return missing(`no breakthrough from the last ${Math.round(ctx.windowDays)} days has been adopted by a pod yet`);
  return ev.scored(round(median(days)));
};

/** Share of `breakthrough` issues created in the window that at least one pod has adopted (`adopts:<KEY>`). */
export const breakthroughAdoptionShare: SignalFn = (ctx): SignalValue => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'jira');
  if (problem !== null) return missing(problem);
  const first = firstAdoptions(ctx);
  const ev = new EvidenceCollector();
  const all = breakthroughs(ctx);
  if (all.length === 0) return missing(`no breakthrough was announced in the last ${Math.round(ctx.windowDays)} days`);
  for (const item of all) if (first.has(strAttr(item.a, 'key') as string)) ev.add(item);
  return { status: 'scored', value: round(ev.count / all.length, 3), evidence: ev.links(), evidenceCount: ev.count };
};
