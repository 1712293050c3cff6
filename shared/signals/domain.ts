import type { UnitRef } from '../org/index.js';
import { LABELS } from '../org/conventions.js';
import { EvidenceCollector, inWindow, missing, readablePods, round, sourceProblem, strAttr } from './helpers.js';
import { QUARTER_DAYS, jiraIssueRate } from './jira-common.js';
import { homePods, issueKeysWithLabel } from './org-facts.js';
import type { SignalFn, TimedActivity } from './types.js';

/**
 * Share of the domain's pods' issues created in the window whose parent is one of the domain's `objective`
 * epics. Needs the domain's Jira (where objectives live) and at least one readable pod project.
 */
export const objectiveLinkedShare: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'jira');
  if (problem !== null) return missing(problem);
  const pods = readablePods(ctx, 'jira');
  if (pods.ok.length === 0) return missing(`no pod of this domain has readable Jira data (${pods.problems.join('; ') || 'no pods'})`);
  const objectives = issueKeysWithLabel(ctx, ctx.unit.ref, LABELS.objective, 'objective');
  const ev = new EvidenceCollector();
  let total = 0;
  for (const pod of pods.ok) {
    for (const item of ctx.env.activities.of(pod, 'issue')) {
      if (!inWindow(ctx, item.t)) continue;
      total++;
      const parent = strAttr(item.a, 'parentKey');
      if (parent !== null && objectives.has(parent)) ev.add(item);
    }
  }
  if (total === 0) return missing(`the domain's pods created no Jira issues in the last ${Math.round(ctx.windowDays)} days`);
  return { status: 'scored', value: round(ev.count / total, 3), evidence: ev.links(), evidenceCount: ev.count };
};

/** Domain Jira items labelled `shared-resource` (datasets, feature stores, platforms offered) created per quarter. */
export const sharedResourceItemsPerQuarter: SignalFn = jiraIssueRate({
  match: (l) => l === LABELS.sharedResource,
  on: 'created',
  periodDays: QUARTER_DAYS,
});

/** The GitHub units whose repos belong to a domain: the domain itself and its readable pods. */
function domainGithubUnits(ctx: Parameters<SignalFn>[0]): { units: UnitRef[]; problems: string[] } {
  const pods = readablePods(ctx, 'github');
  const own = sourceProblem(ctx, ctx.unit.ref, 'github');
  const units = own === null ? [ctx.unit.ref, ...pods.ok] : pods.ok;
  return { units, problems: own === null ? pods.problems : [own, ...pods.problems] };
}

/**
 * Repositories (the domain's and its pods') where people from at least two of the domain's pods authored pull
 * requests or commits in the window: code that is actually shared, not just published.
 */
export const sharedReposUsed: SignalFn = (ctx) => {
  const { units, problems } = domainGithubUnits(ctx);
  if (units.length === 0) return missing(`no readable GitHub data for this domain or its pods (${problems.join('; ')})`);
  const home = homePods(ctx, ctx.unit.members);
  const members = new Set(ctx.unit.members);
  const podsByRepo = new Map<string, Set<UnitRef>>();
  const latestByRepo = new Map<string, TimedActivity>();
  for (const u of units) {
    for (const kind of ['pull-request', 'commit'] as const) {
      for (const item of ctx.env.activities.of(u, kind)) {
        if (!inWindow(ctx, item.t) || item.a.actor === null) continue;
        const pod = home.get(item.a.actor);
        const repo = strAttr(item.a, 'repo');
        if (pod === undefined || repo === null || !members.has(pod)) continue;
        let set = podsByRepo.get(repo);
        if (set === undefined) podsByRepo.set(repo, (set = new Set()));
        set.add(pod);
        const prev = latestByRepo.get(repo);
        if (kind === 'pull-request' && (prev === undefined || item.t > prev.t || (item.t === prev.t && item.a.id < prev.a.id))) latestByRepo.set(repo, item);
      }
    }
  }
  const ev = new EvidenceCollector();
  let shared = 0;
  for (const [repo, pods] of podsByRepo) {
    if (pods.size < 2) continue;
    shared++;
    const latest = latestByRepo.get(repo);
    if (latest !== undefined) ev.add(latest);
  }
  return { status: 'scored', value: shared, evidence: ev.links(), evidenceCount: shared };
};

/**
 * Share of reviews in the window, on the domain's and its pods' repos, where the reviewer's home pod differs from
 * the author's. Reviews whose reviewer or author has no known home pod are left out of both counts.
 */
export const crossPodReviewShare: SignalFn = (ctx) => {
  const { units, problems } = domainGithubUnits(ctx);
  if (units.length === 0) return missing(`no readable GitHub data for this domain or its pods (${problems.join('; ')})`);
  const home = homePods(ctx, ctx.unit.members);
  const ev = new EvidenceCollector();
  let known = 0;
  for (const u of units) {
    for (const item of ctx.env.activities.of(u, 'review')) {
      if (!inWindow(ctx, item.t) || item.a.actor === null) continue;
      const author = strAttr(item.a, 'prActor');
      if (author === null || author === item.a.actor) continue;
      const reviewerPod = home.get(item.a.actor);
      const authorPod = home.get(author);
      if (reviewerPod === undefined || authorPod === undefined) continue;
      known++;
      if (reviewerPod !== authorPod) ev.add(item);
    }
  }
  if (known === 0) return missing(`no review in the last ${Math.round(ctx.windowDays)} days has a reviewer and author with a known home pod`);
  return { status: 'scored', value: round(ev.count / known, 3), evidence: ev.links(), evidenceCount: ev.count };
};
