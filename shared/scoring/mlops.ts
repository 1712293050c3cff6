import type { Unit } from '../org/index.js';
import { TRAINING_WORKFLOW_HINTS } from '../org/conventions.js';
import { EvidenceCollector, deploymentOutcome, isChallengerVersion, isProductionDeployment, sourceProblem, strAttr } from '../signals/index.js';
import type { SignalContext, SignalEnvironment } from '../signals/index.js';
import type { MlopsPlacement } from './types.js';

/** How far back MLOps evidence is read (days). */
export const MLOPS_WINDOW_DAYS = 90;
/** Successful production deployments in the window that count as a routine, pipeline-driven release cadence. */
const AUTOMATED_DEPLOY_MIN = 6;

interface Step {
  step: string;
  met: boolean;
  detail: string;
  links: { url: string; label: string }[];
}

const isTrainingWorkflow = (name: string | null): boolean => {
  const n = (name ?? '').toLowerCase();
  return TRAINING_WORKFLOW_HINTS.some((h) => n.includes(h));
};

function observe(ctx: SignalContext): Record<'ci' | 'training' | 'registry' | 'pipelineCi' | 'deploy' | 'abTest' | 'monitoring', Step> {
  const unit = ctx.unit.ref;
  const inWin = (t: number): boolean => t > ctx.fromMs && t <= ctx.toMs;
  const gh = sourceProblem(ctx, unit, 'github');
  const ml = sourceProblem(ctx, unit, 'mlflow');
  const ci = new EvidenceCollector();
  const pipelineCi = new EvidenceCollector();
  const scheduledTraining = new EvidenceCollector();
  const deploys = new EvidenceCollector();
  if (gh === null) {
    for (const item of ctx.env.activities.of(unit, 'workflow-run')) {
      if (!inWin(item.t)) continue;
      const event = strAttr(item.a, 'event');
      const training = isTrainingWorkflow(strAttr(item.a, 'workflow'));
      if (training && event === 'schedule') scheduledTraining.add(item);
      if ((event === 'push' || event === 'pull_request') && strAttr(item.a, 'conclusion') === 'success') {
        ci.add(item);
        if (training) pipelineCi.add(item);
      }
    }
    for (const item of ctx.env.activities.of(unit, 'deployment')) {
      if (inWin(item.t) && isProductionDeployment(item.a, ctx.env.org.conventions?.github?.productionEnvironments) && deploymentOutcome(item.a) === 'success') deploys.add(item);
    }
  }
  const automatedRuns = new EvidenceCollector();
  const monitoringRuns = new EvidenceCollector();
  const versions = new EvidenceCollector();
  const challengers = new EvidenceCollector();
  if (ml === null) {
    for (const item of ctx.env.activities.of(unit, 'ml-run')) {
      if (!inWin(item.t)) continue;
      const trigger = strAttr(item.a, 'trigger');
      if (trigger === 'schedule' || trigger === 'monitoring' || strAttr(item.a, 'sourceType') === 'JOB') automatedRuns.add(item);
      if (trigger === 'monitoring') monitoringRuns.add(item);
    }
    for (const item of ctx.env.activities.of(unit, 'model-version')) {
      if (!inWin(item.t)) continue;
      versions.add(item);
      if (isChallengerVersion(item.a, ctx.env.org.conventions?.mlflow)) challengers.add(item);
    }
  }
  const days = MLOPS_WINDOW_DAYS;
  const unread = (problem: string | null, what: string): string | null => (problem === null ? null : `cannot observe ${what}: ${problem}`);
  const trainingCount = automatedRuns.count + scheduledTraining.count;
  return {
    ci: {
      step: 'CI builds and tests every change',
      met: ci.count > 0,
      detail: unread(gh, 'CI') ?? `${ci.count} successful push/pull-request workflow runs in ${days} days`,
      links: ci.links(),
    },
    training: {
      step: 'Automated training runs (continuous training)',
      met: trainingCount > 0,
      detail:
        (ml !== null && gh !== null ? `${unread(ml, 'training runs')}; ${unread(gh, 'scheduled workflows')}` : null) ??
        `${automatedRuns.count} MLflow runs triggered by schedule/monitoring or run as JOB, ${scheduledTraining.count} scheduled training workflow runs in ${days} days`,
      links: [...automatedRuns.links(), ...scheduledTraining.links()].slice(0, 5),
    },
    registry: {
      step: 'Models versioned in a registry',
      met: versions.count > 0,
      detail: unread(ml, 'the model registry') ?? `${versions.count} model versions registered in ${days} days`,
      links: versions.links(),
    },
    pipelineCi: {
      step: 'Training pipeline code tested in CI',
      met: pipelineCi.count > 0,
      detail: unread(gh, 'pipeline CI') ?? `${pipelineCi.count} successful push/pull-request runs of training/pipeline workflows in ${days} days`,
      links: pipelineCi.links(),
    },
    deploy: {
      step: 'Automated deployment to production',
      met: deploys.count >= AUTOMATED_DEPLOY_MIN,
      detail:
        unread(gh, 'deployments') ??
        `${deploys.count} successful production deployments recorded by GitHub Deployments in ${days} days (a routine cadence of at least ${AUTOMATED_DEPLOY_MIN} is taken as pipeline-driven)`,
      links: deploys.links(),
    },
    abTest: {
      step: 'A/B tests of models (challenger alias)',
      met: challengers.count > 0,
      detail: unread(ml, 'model aliases') ?? `${challengers.count} model versions under A/B test (challenger alias) in ${days} days`,
      links: challengers.links(),
    },
    monitoring: {
      step: 'Retraining triggered by monitoring',
      met: monitoringRuns.count > 0,
      detail: unread(ml, 'retraining triggers') ?? `${monitoringRuns.count} runs triggered by monitoring (radar.trigger=monitoring) in ${days} days`,
      links: monitoringRuns.links(),
    },
  };
}

function place(framework: 'google' | 'microsoft', maxLevel: number, stages: Step[][]): MlopsPlacement {
  let level = 0;
  for (const stage of stages) {
    if (!stage.every((s) => s.met)) break;
    level++;
  }
  const evidence = stages.flat();
  const firstUnmet = evidence.find((s) => !s.met);
  return { framework, level, maxLevel, evidence, missingStep: firstUnmet ? firstUnmet.step : null };
}

/**
 * Places a pod on Google's MLOps levels (0 manual, 1 ML pipeline automation, 2 CI/CD pipeline automation) and
 * Microsoft's MLOps maturity model (0 no MLOps … 4 full automated operations) from observed evidence only. A
 * level counts when all its steps and every lower level's steps are met.
 */
export function placeMlops(env: SignalEnvironment, unit: Unit): MlopsPlacement[] {
  const toMs = env.asOfMs;
  const ctx: SignalContext = { env, unit, windowDays: MLOPS_WINDOW_DAYS, fromMs: toMs - MLOPS_WINDOW_DAYS * 86_400_000, toMs };
  const o = observe(ctx);
  return [
    place('google', 2, [
      [o.training, o.registry],
      [o.pipelineCi, o.deploy],
    ]),
    place('microsoft', 4, [[o.ci], [o.training, o.registry], [o.deploy, o.abTest], [o.monitoring]]),
  ];
}
