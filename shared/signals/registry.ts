import { abTestsPerQuarter, changeFailureRate, dataDecisionShare, deploysPerWeek, experimentToProductionDaysP50,
  experimentsResolvedPerQuarter, feedbackToFixDaysP50, lifecycleStagesCovered, mlflowRunsPerWeek, modelPromotionsPerQuarter,
  prLeadTimeHoursP50, retrainingIntervalDays, roleBalance, rolesCovered, timeToRestoreHours } from './pod.js';
import { crossPodReviewShare, objectiveLinkedShare, sharedReposUsed, sharedResourceItemsPerQuarter } from './domain.js';
import { breakthroughAdoptionDaysP50, breakthroughAdoptionShare, standardsAdoptionShare, talksGuidesPerQuarter,
  trainingPerQuarter } from './network.js';
import { labEventsPerQuarter, methodEvaluationsPerQuarter, prototypeAdoptionShare, prototypesPerQuarter } from './lab.js';
import { governanceReviewsPerQuarter, governanceTagCoverage, prioritiesResolvedPerQuarter, resourceRequestDaysP50 } from './steering.js';
import { copilotActiveShareTrend, copilotActiveUserShare, copilotChatAgentShare, copilotCodeAcceptanceRate,
  copilotEngagedUserShare, copilotOrgActiveUserShare, githubOrgDeploysPerWeekPerPod } from './copilot.js';
import type { SignalFn } from './types.js';

// Every signal the product can compute, by stable id. A rubric (default or custom) may only name ids listed here;
// adding a signal (e.g. a Copilot usage set) means one function plus one entry here plus rubric entries.
export const SIGNAL_FUNCTIONS: Readonly<Record<string, SignalFn>> = Object.freeze({
  'jira.lifecycle-stages-covered': lifecycleStagesCovered,
  'mlflow.runs-per-week': mlflowRunsPerWeek,
  'jira.experiments-resolved-per-quarter': experimentsResolvedPerQuarter,
  'mlflow.experiment-to-production-days-p50': experimentToProductionDaysP50,
  'mlflow.model-promotions-per-quarter': modelPromotionsPerQuarter,
  'mlflow.retraining-interval-days-p50': retrainingIntervalDays,
  'jira.feedback-to-fix-days-p50': feedbackToFixDaysP50,
  'github.deploys-per-week': deploysPerWeek,
  'github.pr-lead-time-hours-p50': prLeadTimeHoursP50,
  'github.change-failure-rate': changeFailureRate,
  'github.time-to-restore-hours-p50': timeToRestoreHours,
  'config.roles-covered': rolesCovered,
  'config.role-balance': roleBalance,
  'jira.data-decision-share': dataDecisionShare,
  'mixed.ab-tests-per-quarter': abTestsPerQuarter,
  'jira.objective-linked-share': objectiveLinkedShare,
  'jira.shared-resource-items-per-quarter': sharedResourceItemsPerQuarter,
  'github.shared-repos-used': sharedReposUsed,
  'github.cross-pod-review-share': crossPodReviewShare,
  'jira.talks-guides-per-quarter': talksGuidesPerQuarter,
  'jira.standards-adoption-share': standardsAdoptionShare,
  'jira.training-per-quarter': trainingPerQuarter,
  'jira.breakthrough-adoption-days-p50': breakthroughAdoptionDaysP50,
  'jira.breakthrough-adoption-share': breakthroughAdoptionShare,
  'jira.lab-events-per-quarter': labEventsPerQuarter,
  'jira.prototypes-per-quarter': prototypesPerQuarter,
  'jira.prototype-adoption-share': prototypeAdoptionShare,
  'jira.method-evaluations-per-quarter': methodEvaluationsPerQuarter,
  'mlflow.model-card-coverage': governanceTagCoverage('model_card'),
  'mlflow.fairness-eval-coverage': governanceTagCoverage('fairness_eval'),
  'mlflow.bias-mitigation-coverage': governanceTagCoverage('bias_mitigation'),
  'jira.governance-reviews-per-quarter': governanceReviewsPerQuarter,
  'jira.priorities-resolved-per-quarter': prioritiesResolvedPerQuarter,
  'jira.resource-request-days-p50': resourceRequestDaysP50,
  'copilot.active-user-share': copilotActiveUserShare,
  'copilot.engaged-user-share': copilotEngagedUserShare,
  'copilot.code-acceptance-rate': copilotCodeAcceptanceRate,
  'copilot.chat-agent-user-share': copilotChatAgentShare,
  'copilot.active-share-trend': copilotActiveShareTrend,
  'copilot.org-active-user-share': copilotOrgActiveUserShare,
  'github.org-deploys-per-week-per-pod': githubOrgDeploysPerWeekPerPod,
});

/** Ids of every implemented signal, sorted. */
export function knownSignalIds(): string[] {
  return Object.keys(SIGNAL_FUNCTIONS).sort();
}
