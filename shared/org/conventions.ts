// The vocabulary the product reads in the tools: Jira labels, MLflow tags, GitHub environment and workflow
// names. The demo generator writes it and the signals read it, so both import it from here. Organisations
// adopt these conventions (documented in README "Conventions"); everything else is read from standard fields.

/** Jira labels marking which stage of the AI lifecycle a piece of pod work belongs to. */
export const LIFECYCLE_STAGES = ['ideation', 'data-exploration', 'prototyping', 'deployment', 'monitoring'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export const stageLabel = (s: LifecycleStage): string => `stage:${s}`;

/** Jira labels marking rapid experiments. */
export const EXPERIMENT_KINDS = ['ab-test', 'pilot', 'mvp'] as const;
export const experimentLabel = (k: (typeof EXPERIMENT_KINDS)[number]): string => `experiment:${k}`;

export const LABELS = {
  /** Work created from user or data feedback (monitoring alert, user complaint, drift). */
  feedback: 'feedback',
  /** An experiment whose outcome drove a product decision (data-driven autonomy). */
  decisionFromData: 'decision:data',
  /** Domain objective epics (in a domain's Jira project); pod work links to them via `parent`. */
  objective: 'objective',
  /** Shared resource offered by a domain (dataset, feature store, platform). */
  sharedResource: 'shared-resource',
  /** Network knowledge sharing. */
  talk: 'talk',
  guide: 'guide',
  training: 'training',
  /** A breakthrough announced by a network or lab; pods adopting it label their work `adopts:<issue key>`. */
  breakthrough: 'breakthrough',
  adoptsPrefix: 'adopts:',
  /** Network standards: pod work that applies standard X carries `standard:X`. */
  standardPrefix: 'standard:',
  /** Lab activity. */
  hackathon: 'hackathon',
  research: 'research',
  prototype: 'prototype',
  methodEvaluation: 'method-eval',
  /** A lab prototype taken over by a pod: `adopted-by:<pod id>`. */
  adoptedByPrefix: 'adopted-by:',
  /** Steering group. */
  priority: 'priority',
  resourceRequest: 'resource-request',
  governanceReview: 'governance-review',
} as const;

/** MLflow model-version tags that count as governance evidence (transparency, fairness, bias mitigation). */
export const GOVERNANCE_TAGS = ['model_card', 'fairness_eval', 'bias_mitigation'] as const;
/** MLflow run tag set by automated (pipeline) training; `mlflow.source.type` = JOB also counts. */
export const RUN_TAGS = {
  trigger: 'radar.trigger', // values: manual | schedule | monitoring
  sourceType: 'mlflow.source.type', // MLflow's own: NOTEBOOK | JOB | PROJECT | LOCAL
} as const;
/** Model aliases meaning "serving" and "under A/B test". */
export const MODEL_ALIASES = { production: ['production', 'champion'], challenger: ['challenger'] } as const;
/** GitHub deployment environment counted as production. */
export const PRODUCTION_ENVIRONMENTS = ['production', 'prod'] as const;
/** GitHub workflow names (case-insensitive substring) that train models; runs with event `schedule` are automated. */
export const TRAINING_WORKFLOW_HINTS = ['train', 'retrain', 'pipeline'] as const;
