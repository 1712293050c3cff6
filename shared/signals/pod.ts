import { ROLE_IDS } from '../org/index.js';
import type { PodConfig } from '../org/index.js';
import { LABELS, LIFECYCLE_STAGES, PRODUCTION_ENVIRONMENTS } from '../org/conventions.js';
import {
  EvidenceCollector,
  inWindow,
  isChallengerVersion,
  isProductionVersion,
  labelsOf,
  median,
  missing,
  round,
  runIdOf,
  sourceProblem,
  strAttr,
  timeAttr,
  toDays,
  toHours,
} from './helpers.js';
import { QUARTER_DAYS, WEEK_DAYS, hasLabel, isEvidenceOf, jiraIssueRate, jiraResolutionDaysP50, ratePer, resolvedAt } from './jira-common.js';
import type { SignalContext, SignalFn, TimedActivity } from './types.js';

const STAGE_PREFIX = 'stage:';
const STAGES: ReadonlySet<string> = new Set(LIFECYCLE_STAGES);
const PROD_ENVS: ReadonlySet<string> = new Set(PRODUCTION_ENVIRONMENTS);
const isExperimentLabel = (l: string): boolean => l.startsWith('experiment:');

/** A GitHub deployment to a production environment (the defaults, or the org's own `conventions.github`). */
export function isProductionDeployment(a: TimedActivity['a'], extra?: readonly string[]): boolean {
  const env = strAttr(a, 'environment')?.toLowerCase();
  if (env === undefined) return false;
  return PROD_ENVS.has(env) || (extra ?? []).some((x) => x.toLowerCase() === env);
}

/** Deployment outcome from its latest status: success (success/inactive), failure (failure/error) or pending. */
export function deploymentOutcome(a: TimedActivity['a']): 'success' | 'failure' | 'pending' {
  const s = strAttr(a, 'state')?.toLowerCase();
  // GitHub marks an earlier successful deployment `inactive` once a newer one to the same environment succeeds.
  if (s === 'success' || s === 'inactive') return 'success';
  if (s === 'failure' || s === 'error') return 'failure';
  return 'pending';
}

/** True when an issue was created, resolved or updated inside the window. */
function touchedInWindow(ctx: SignalContext, item: TimedActivity): boolean {
  if (item.t > ctx.toMs) return false;
  if (item.t > ctx.fromMs) return true;
  const u = timeAttr(item.a.attrs.updatedAt) ?? resolvedAt(item);
  return u !== null && inWindow(ctx, u);
}

/**
 * Lifecycle stages (ideation, data exploration, prototyping, deployment, monitoring) with evidence in the window.
 * Jira stage labels are the backbone (Jira must be readable); GitHub successful production deployments add `deployment` (a failed one is no evidence of the stage),
 * MLflow runs add `prototyping` and `data-exploration`, monitoring-triggered runs add `monitoring`, each only
 * when that source is readable.
 */
export const lifecycleStagesCovered: SignalFn = (ctx) => {
  const unit = ctx.unit.ref;
  const problem = sourceProblem(ctx, unit, 'jira');
  if (problem !== null) return missing(problem);
  const stages = new Set<string>();
  const ev = new EvidenceCollector();
  for (const item of ctx.env.activities.of(unit, 'issue')) {
    let counted = false;
    for (const l of labelsOf(item.a)) {
      if (!l.startsWith(STAGE_PREFIX)) continue;
      const stage = l.slice(STAGE_PREFIX.length);
      if (!STAGES.has(stage) || !touchedInWindow(ctx, item)) continue;
      stages.add(stage);
      counted = true;
    }
    if (counted) ev.add(item);
  }
  if (sourceProblem(ctx, unit, 'github') === null) {
    for (const item of ctx.env.activities.of(unit, 'deployment')) {
      if (inWindow(ctx, item.t) && isProductionDeployment(item.a, ctx.env.org.conventions?.github?.productionEnvironments) && deploymentOutcome(item.a) === 'success') {
        stages.add('deployment');
        ev.add(item);
      }
    }
  }
  if (sourceProblem(ctx, unit, 'mlflow') === null) {
    for (const item of ctx.env.activities.of(unit, 'ml-run')) {
      if (!inWindow(ctx, item.t)) continue;
      stages.add('prototyping');
      stages.add('data-exploration');
      if (strAttr(item.a, 'trigger') === 'monitoring') {
        stages.add('monitoring');
        ev.add(item);
      }
    }
  }
  return ev.scored(stages.size);
};

/** MLflow runs started per week in the window (a real 0 when MLflow is readable and nothing ran). */
export const mlflowRunsPerWeek: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'mlflow');
  if (problem !== null) return missing(problem);
  const ev = new EvidenceCollector();
  for (const item of ctx.env.activities.of(ctx.unit.ref, 'ml-run')) if (inWindow(ctx, item.t)) ev.add(item);
  return ev.scored(ratePer(ev.count, ctx, WEEK_DAYS));
};

/** Rapid experiments (A/B tests, pilots, MVPs: `experiment:*` labels) resolved per quarter. */
export const experimentsResolvedPerQuarter: SignalFn = jiraIssueRate({ match: isExperimentLabel, on: 'resolved', periodDays: QUARTER_DAYS, concept: 'experiment' });

/**
 * Median days from a run's start to the creation of the model version made from it, for versions created in the
 * window that serve production now and whose run is in the unit's experiments. MLflow records no promotion time:
 * setting an alias moves no timestamp, while `last_updated_timestamp` moves on a description edit or a rename too
 * (../shared/REALITY.md), so it would lengthen the lead time of a pod that documents its models; the version's
 * creation is the last time MLflow records for certain.
 */
export const experimentToProductionDaysP50: SignalFn = (ctx) => {
  const unit = ctx.unit.ref;
  const problem = sourceProblem(ctx, unit, 'mlflow');
  if (problem !== null) return missing(problem);
  const runStart = ctx.env.memo(`run-start:${unit}`, () => {
    const m = new Map<string, number>();
    for (const item of ctx.env.activities.of(unit, 'ml-run')) m.set(runIdOf(item.a), item.t);
    return m;
  });
  const ev = new EvidenceCollector();
  const days: number[] = [];
  for (const item of ctx.env.activities.of(unit, 'model-version')) {
    if (!inWindow(ctx, item.t) || !isProductionVersion(item.a, ctx.env.org.conventions?.mlflow)) continue;
    const runId = strAttr(item.a, 'runId');
    const start = runId === null ? undefined : runStart.get(runId);
    if (start === undefined || start > item.t) continue;
    days.push(toDays(item.t - start));
    ev.add(item);
  }
  if (days.length === 0) {
    return missing(`no production model version created in the last ${Math.round(ctx.windowDays)} days links to a run of this unit's experiments`);
  }
  return ev.scored(round(median(days)));
};

/**
 * Model versions registered in the window that are (or were) in production, per quarter. MLflow keeps only the
 * current stage: a version archived after serving counts, because stage transitions archive the previous
 * production version; a version archived without ever serving would be over-counted (documented in the rubric).
 */
export const modelPromotionsPerQuarter: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'mlflow');
  if (problem !== null) return missing(problem);
  const ev = new EvidenceCollector();
  for (const item of ctx.env.activities.of(ctx.unit.ref, 'model-version')) {
    if (!inWindow(ctx, item.t)) continue;
    if (isProductionVersion(item.a, ctx.env.org.conventions?.mlflow) || strAttr(item.a, 'stage')?.toLowerCase() === 'archived') ev.add(item);
  }
  return ev.scored(ratePer(ev.count, ctx, QUARTER_DAYS));
};

/**
 * Mean days between registered model versions: the window's days divided by the versions registered in it. With
 * none in the window the interval is expected-but-absent, not missing: the days since the last version ever
 * registered (at least the window, at most the history horizon, which is also the value when none was ever seen).
 * More versions always shorten it, so stopping or hiding versions never looks better.
 */
export const retrainingIntervalDays: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'mlflow');
  if (problem !== null) return missing(problem);
  const ev = new EvidenceCollector();
  let last = -Infinity;
  for (const item of ctx.env.activities.of(ctx.unit.ref, 'model-version')) {
    if (item.t > ctx.toMs) continue;
    if (item.t > last) last = item.t;
    if (inWindow(ctx, item.t)) ev.add(item);
  }
  if (ev.count > 0) return ev.scored(round(ctx.windowDays / ev.count));
  // With no version ever seen the interval is the longest the product can tell (the history horizon), never shorter
  // than with an old version: hiding or deleting a model's old versions must not shorten it.
  const cap = Math.max(ctx.windowDays, ctx.env.org.settings.historyDays);
  const since = Number.isFinite(last) ? toDays(ctx.toMs - last) : cap;
  return ev.scored(round(Math.min(cap, Math.max(ctx.windowDays, since))));
};

/** Median days from a `feedback` issue's creation to its resolution (feedback-to-fix), resolved in the window. */
export const feedbackToFixDaysP50: SignalFn = jiraResolutionDaysP50({ match: (l) => l === LABELS.feedback, what: 'feedback work', concept: 'feedback' });

/**
 * The change a deployment ships: its repo, environment and commit (`attrs.sha`, when the connector passes it). Without
 * a commit every deployment is its own change, so nothing is merged that could not be told apart.
 */
function changeKey(a: TimedActivity['a']): string {
  const sha = strAttr(a, 'sha');
  return `${strAttr(a, 'repo') ?? ''}\u0000${strAttr(a, 'environment') ?? ''}\u0000${sha === null || sha === '' ? `id:${a.id}` : `sha:${sha.toLowerCase()}`}`;
}

/**
 * Successful production deployments per week (DORA deployment frequency), counting each commit once per repo and
 * environment in the window: redeploying a commit already deployed there is not a new change.
 */
export const deploysPerWeek: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'github');
  if (problem !== null) return missing(problem);
  const ev = new EvidenceCollector();
  const first = new Map<string, TimedActivity>();
  for (const item of ctx.env.activities.of(ctx.unit.ref, 'deployment')) {
    if (!inWindow(ctx, item.t) || !isProductionDeployment(item.a, ctx.env.org.conventions?.github?.productionEnvironments) || deploymentOutcome(item.a) !== 'success') continue;
    const key = changeKey(item.a);
    const prev = first.get(key);
    // The earliest deployment of a change is its evidence (ties by id, so input order never matters).
    if (prev === undefined || item.t < prev.t || (item.t === prev.t && item.a.id < prev.a.id)) first.set(key, item);
  }
  for (const item of first.values()) ev.add(item);
  return ev.scored(ratePer(ev.count, ctx, WEEK_DAYS));
};

/** Median hours from pull request creation to merge, for pull requests merged in the window. */
export const prLeadTimeHoursP50: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'github');
  if (problem !== null) return missing(problem);
  const ev = new EvidenceCollector();
  const hours: number[] = [];
  for (const item of ctx.env.activities.of(ctx.unit.ref, 'pull-request')) {
    const merged = timeAttr(item.a.attrs.mergedAt);
    if (merged === null || !inWindow(ctx, merged) || merged < item.t) continue;
    hours.push(toHours(merged - item.t));
    ev.add(item);
  }
  if (hours.length === 0) return missing(`no pull request was merged in the last ${Math.round(ctx.windowDays)} days`);
  return ev.scored(round(median(hours)));
};

/**
 * Share of the changes (commits per repo and environment) deployed to production in the window that failed and
 * needed a rollback or a fix: a failed deployment counts unless the same commit later deployed successfully to the
 * same place (a retried job, not a failed change). Without commits on deployments every deployment is a change.
 */
export const changeFailureRate: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'github');
  if (problem !== null) return missing(problem);
  const byChange = new Map<string, { failed: TimedActivity[]; lastSuccess: number }>();
  for (const item of ctx.env.activities.of(ctx.unit.ref, 'deployment')) {
    if (!inWindow(ctx, item.t) || !isProductionDeployment(item.a, ctx.env.org.conventions?.github?.productionEnvironments)) continue;
    const outcome = deploymentOutcome(item.a);
    if (outcome === 'pending') continue;
    const key = changeKey(item.a);
    let c = byChange.get(key);
    if (c === undefined) byChange.set(key, (c = { failed: [], lastSuccess: -Infinity }));
    if (outcome === 'failure') c.failed.push(item);
    else c.lastSuccess = Math.max(c.lastSuccess, item.t);
  }
  if (byChange.size === 0) return missing(`no production deployment finished in the last ${Math.round(ctx.windowDays)} days`);
  const ev = new EvidenceCollector();
  for (const c of byChange.values()) {
    // Failed after its last success (or never succeeded): this change needed a rollback or a fix.
    const open = c.failed.filter((f) => f.t > c.lastSuccess);
    if (open.length === 0) continue;
    ev.add(open.reduce((x, y) => (y.t > x.t || (y.t === x.t && y.a.id < x.a.id) ? y : x)));
  }
  return { status: 'scored', value: round(ev.count / byChange.size, 3), evidence: ev.links(), evidenceCount: ev.count };
};

/**
 * The longest time to restore in the window: hours from a failed production deployment to the next successful one
 * to the same repo and environment, a failure not yet restored counting up to the as-of (it is still open). With
 * successful deployments and no failure there was nothing to restore (0 h). Missing until a production
 * deployment succeeded in the window. The longest, not the median: adding a failure never shortens it and adding
 * a restore never lengthens it.
 */
export const timeToRestoreHours: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'github');
  if (problem !== null) return missing(problem);
  const byTarget = new Map<string, TimedActivity[]>();
  let successes = 0;
  for (const item of ctx.env.activities.of(ctx.unit.ref, 'deployment')) {
    if (item.t <= ctx.fromMs || item.t > ctx.toMs || !isProductionDeployment(item.a, ctx.env.org.conventions?.github?.productionEnvironments)) continue;
    if (deploymentOutcome(item.a) === 'success') successes++;
    const key = `${strAttr(item.a, 'repo') ?? ''}\u0000${strAttr(item.a, 'environment') ?? ''}`;
    let list = byTarget.get(key);
    if (list === undefined) byTarget.set(key, (list = []));
    list.push(item);
  }
  if (successes === 0) return missing(`no production deployment succeeded in the last ${Math.round(ctx.windowDays)} days`);
  const ev = new EvidenceCollector();
  let worst = 0;
  for (const list of byTarget.values()) {
    list.sort((x, y) => x.t - y.t || (x.a.id < y.a.id ? -1 : 1));
    let failedAt: TimedActivity | null = null;
    for (const item of list) {
      const outcome = deploymentOutcome(item.a);
      if (outcome === 'failure') {
        if (failedAt === null) failedAt = item;
      } else if (outcome === 'success' && failedAt !== null) {
        worst = Math.max(worst, toHours(item.t - failedAt.t));
        ev.add(failedAt);
        failedAt = null;
      }
    }
    if (failedAt !== null) {
      worst = Math.max(worst, toHours(ctx.toMs - failedAt.t));
      ev.add(failedAt);
    }
  }
  return ev.scored(round(worst));
};

function podConfig(ctx: SignalContext): PodConfig | null {
  return ctx.env.memo(`pod-config:${ctx.unit.ref}`, () => {
    for (const d of ctx.env.org.domains) for (const p of d.pods) if (`pod:${p.id}` === ctx.unit.ref) return p;
    return null;
  });
}

/** How many of the seven pod roles have at least one person (from the org config; people are never named). */
export const rolesCovered: SignalFn = (ctx) => {
  const pod = podConfig(ctx);
  if (pod === null) return missing('this unit is not a pod in the org config');
  let covered = 0;
  for (const r of ROLE_IDS) if (pod.roles[r] > 0) covered++;
  return { status: 'scored', value: covered, evidence: [], evidenceCount: covered };
};

/**
 * How evenly the pod's head count spreads over the seven roles: Shannon entropy of the role shares divided by
 * ln 7 (0 = one role only, 1 = the same number of people in every role).
 */
export const roleBalance: SignalFn = (ctx) => {
  const pod = podConfig(ctx);
  if (pod === null) return missing('this unit is not a pod in the org config');
  let total = 0;
  for (const r of ROLE_IDS) total += pod.roles[r];
  if (total === 0) return missing('the org config lists no people in any role for this pod');
  let entropy = 0;
  for (const r of ROLE_IDS) {
    const p = pod.roles[r] / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return { status: 'scored', value: round(entropy / Math.log(ROLE_IDS.length), 3), evidence: [], evidenceCount: total };
};

/** Share of experiments resolved in the window whose outcome drove a product decision (`decision:data`). */
export const dataDecisionShare: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'jira');
  if (problem !== null) return missing(problem);
  const ev = new EvidenceCollector();
  let resolved = 0;
  for (const item of ctx.env.activities.of(ctx.unit.ref, 'issue')) {
    if (!isEvidenceOf(ctx, item, 'experiment', isExperimentLabel)) continue;
    const r = resolvedAt(item);
    if (r === null || !inWindow(ctx, r)) continue;
    resolved++;
    if (hasLabel(item, (l) => l === LABELS.decisionFromData)) ev.add(item);
  }
  if (resolved === 0) return missing(`no experiment was resolved in the last ${Math.round(ctx.windowDays)} days`);
  return { status: 'scored', value: round(ev.count / resolved, 3), evidence: ev.links(), evidenceCount: ev.count };
};

/**
 * A/B tests per quarter: Jira `experiment:ab-test` work resolved in the window plus MLflow model versions created
 * in the window that carry the challenger alias. Each readable source contributes; missing only when neither is.
 */
export const abTestsPerQuarter: SignalFn = (ctx) => {
  const unit = ctx.unit.ref;
  const jiraProblem = sourceProblem(ctx, unit, 'jira');
  const mlflowProblem = sourceProblem(ctx, unit, 'mlflow');
  if (jiraProblem !== null && mlflowProblem !== null) return missing(`${jiraProblem}; ${mlflowProblem}`);
  const ev = new EvidenceCollector();
  if (jiraProblem === null) {
    for (const item of ctx.env.activities.of(unit, 'issue')) {
      if (!isEvidenceOf(ctx, item, 'abTest', (l) => l === 'experiment:ab-test')) continue;
      const r = resolvedAt(item);
      if (r !== null && inWindow(ctx, r)) ev.add(item);
    }
  }
  if (mlflowProblem === null) {
    for (const item of ctx.env.activities.of(unit, 'model-version')) {
      if (inWindow(ctx, item.t) && isChallengerVersion(item.a, ctx.env.org.conventions?.mlflow)) ev.add(item);
    }
  }
  return ev.scored(ratePer(ev.count, ctx, QUARTER_DAYS));
};
