// The pipeline's public door: plan → collect → score → store, backfill, the handlers' inner functions and the
// local runner. functions/ (Lambda) and shared/cli (local) call only what is exported here.
export type { CollectTask, RunPlan, Scorer, PipelineDeps, RunProgress } from './types.js';
export { planRun, normaliseAsOf, scheduledRunId, scoringPlan } from './plan.js';
export { collectBinding, mergeActivities, failedOutcome, withSafeEvidenceUrl } from './collect.js';
export type { CollectOptions } from './collect.js';
export { scoreRun, saveBindingOutcome, loadBindingOutcomes, loadAllActivities, activitiesAsOf, buildSourceStatuses } from './score.js';
export { runScheduled, collectAll, scoreFannedOut } from './run.js';
export type { LocalRunOptions } from './run.js';
export { backfill, backfillSteps, backfillRunId, rescoreHistory } from './backfill.js';
export type { BackfillOptions } from './backfill.js';
export { handlePlan, handleCollect, handleScore, handleScorePod, handleScoreRollups, parseCollectEvent, schedulerEvent, DEADLINE_MARGIN_MS } from './handlers.js';
export { envCredentialResolver, secretsManagerCredentialResolver, parseSecretArns } from './credentials.js';
export type { CredentialResolver } from './credentials.js';
export { scrubSecrets, redactFields, redactingLogger } from './redact.js';
export { rawPageKey } from './keys.js';
export * from './errors.js';
export { defaultScorer, parseRubricText, openLocalPipeline } from './wiring.js';
export type { LocalPipeline } from './wiring.js';
export { loadRuntimeConfig, s3ConfigLocation, DEPLOY_TIME_SETTINGS, RUN_TIME_SETTINGS, CONFIG_KEY_ENV } from './runtime-config.js';
export type { RuntimeConfig, ConfigLocation, ReadS3Text } from './runtime-config.js';
