export type { ActivityLookup, SignalContext, SignalEnvironment, SignalFn, SignalValue, SourceState, TimedActivity } from './types.js';
export { indexActivities } from './activity-index.js';
export { createSignalEnvironment, deriveSignals, groupSize, unitSourceStatus } from './derive.js';
export type { DerivedSignal } from './derive.js';
export { SIGNAL_FUNCTIONS, knownSignalIds } from './registry.js';
export {
  EVIDENCE_CAP,
  EvidenceCollector,
  inWindow,
  isChallengerVersion,
  isProductionVersion,
  sourceProblem,
  strAttr,
  timeAttr,
  median,
} from './helpers.js';
export { deploymentOutcome, isProductionDeployment } from './pod.js';
export { homePods, firstAdoptions } from './org-facts.js';
export { activityNeeds, keepsActivity } from './needs.js';
export type { ActivityNeed } from './needs.js';
