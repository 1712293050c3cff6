import * as z from 'zod';

// The organisation model from ../shared/DESIGN.md §2 as a strict zod schema: unknown keys are errors, so a typo
// in a config file is reported instead of silently ignored. Cross-reference rules (unique ids, network members
// exist, a pod in one domain only) live in validate.ts because they need the whole document.

/** Ids are stable slugs used in unit names (`pod:recsys`) and storage keys. */
export const unitIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a lowercase slug: letters, digits and dashes, starting with a letter');

/** The name of an environment variable that holds a credential; never the credential itself. */
export const envVarNameSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, 'must be the NAME of an environment variable (e.g. RADAR_GITHUB_TOKEN), not a secret');

/** The seven roles of an AI pod, counted per pod (people are never named). */
export const ROLE_IDS = [
  'mlEngineer',
  'dataScientist',
  'dataEngineer',
  'aiProductManager',
  'domainExpert',
  'uxDesigner',
  'mlopsSpecialist',
] as const;
export type RoleId = (typeof ROLE_IDS)[number];

export const roleMixSchema = z.strictObject(
  Object.fromEntries(ROLE_IDS.map((r) => [r, z.number().int().min(0).max(500).default(0)])) as Record<
    RoleId,
    z.ZodDefault<z.ZodNumber>
  >,
);

const jiraProjectKey = z.string().regex(/^[A-Z][A-Z0-9_]{1,19}$/, 'must be a Jira project key such as RECO');

/** Jira binding: whole projects, or a JQL restriction (which must itself be bounded, e.g. by project). */
export const jiraBindingSchema = z
  .strictObject({
    projects: z.array(jiraProjectKey).min(1).optional(),
    jql: z.string().min(1).optional(),
    boards: z.array(z.number().int().positive()).optional(),
  })
  .refine((b) => b.projects !== undefined || b.jql !== undefined, {
    message: 'give `projects` or `jql`',
  });

const repoFullName = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name, e.g. acme/reco-service');

/** GitHub binding: explicit repos and/or a team slug whose repos are included. */
export const githubBindingSchema = z
  .strictObject({
    repos: z.array(repoFullName).min(1).optional(),
    team: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a GitHub team slug').optional(),
  })
  .refine((b) => b.repos !== undefined || b.team !== undefined, { message: 'give `repos` or `team`' });

/** MLflow binding: experiments by name and registered models by name. */
export const mlflowBindingSchema = z
  .strictObject({
    experiments: z.array(z.string().min(1)).optional(),
    models: z.array(z.string().min(1)).optional(),
  })
  .refine((b) => b.experiments !== undefined || b.models !== undefined, {
    message: 'give `experiments` or `models`',
  });

/** A unit's source bindings; a missing source means "not configured" (scored as missing, never as low). */
export const unitSourcesSchema = z.strictObject({
  jira: jiraBindingSchema.optional(),
  github: githubBindingSchema.optional(),
  mlflow: mlflowBindingSchema.optional(),
});

export const podSchema = z.strictObject({
  id: unitIdSchema,
  name: z.string().min(1),
  description: z.string().optional(),
  roles: roleMixSchema,
  /** ISO date the unit started; windows are clipped to it (no zeros for weeks before it existed). */
  since: z.iso.date().optional(),
  sources: unitSourcesSchema.default({}),
});

export const domainSchema = z.strictObject({
  id: unitIdSchema,
  name: z.string().min(1),
  description: z.string().optional(),
  /** ISO date the unit started; windows are clipped to it (no zeros for weeks before it existed). */
  since: z.iso.date().optional(),
  /** The domain's own bindings, e.g. a Jira project holding its objectives. */
  sources: unitSourcesSchema.default({}),
  pods: z.array(podSchema).min(1),
});

export const standardSchema = z.strictObject({
  id: unitIdSchema,
  name: z.string().min(1),
});

export const networkSchema = z.strictObject({
  id: unitIdSchema,
  name: z.string().min(1),
  description: z.string().optional(),
  /** Pod ids of the pods whose members take part. */
  members: z.array(unitIdSchema).min(1),
  standards: z.array(standardSchema).default([]),
  /** ISO date the unit started; windows are clipped to it (no zeros for weeks before it existed). */
  since: z.iso.date().optional(),
  sources: unitSourcesSchema.default({}),
});

export const labSchema = z.strictObject({
  id: unitIdSchema,
  name: z.string().min(1),
  description: z.string().optional(),
  /** ISO date the lab started; weeks before it are not scored for the lab. */
  since: z.iso.date().optional(),
  sources: unitSourcesSchema.default({}),
});

export const steeringSchema = z.strictObject({
  name: z.string().min(1),
  /** ISO date the unit started; windows are clipped to it (no zeros for weeks before it existed). */
  since: z.iso.date().optional(),
  sources: unitSourcesSchema.default({}),
});

const jiraAuthSchema = z.strictObject({
  kind: z.literal('basic'),
  emailEnv: envVarNameSchema,
  tokenEnv: envVarNameSchema,
});
const githubAuthSchema = z.strictObject({ kind: z.literal('token'), tokenEnv: envVarNameSchema });
const mlflowAuthSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('basic'), usernameEnv: envVarNameSchema, passwordEnv: envVarNameSchema }),
  z.strictObject({ kind: z.literal('bearer'), tokenEnv: envVarNameSchema }),
]);

/**
 * GitHub Copilot usage reports of the organisation (one org-level binding, `org/copilot`, mapped to pods through
 * their `sources.github.team`). Only team-level aggregates are kept; a pod whose team has fewer active Copilot
 * users than `minGroupSize` on a day keeps no figures for that day.
 */
export const copilotSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  minGroupSize: z.number().int().min(2).max(1000).default(5),
});

const baseUrl = z.url({ protocol: /^https?$/ }).refine((u) => !/\/\/[^/]*@/.test(u), {
  message: 'must not contain credentials; name environment variables in `auth` instead',
});

export const sourcesSchema = z.strictObject({
  jira: z.strictObject({ baseUrl, auth: jiraAuthSchema }).optional(),
  github: z.strictObject({ baseUrl, org: z.string().min(1), auth: githubAuthSchema, copilot: copilotSettingsSchema.optional() }).optional(),
  mlflow: z.strictObject({ baseUrl, auth: mlflowAuthSchema }).optional(),
});

/** A non-empty list of names, each listed once (compared case-insensitively, as the signals compare them). */
const nameList = z
  .array(z.string().min(1))
  .min(1)
  .superRefine((xs, ctx) => {
    const seen = new Set<string>();
    xs.forEach((x, i) => {
      const k = x.toLowerCase();
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate \`${x}\` (names are compared case-insensitively)` });
      seen.add(k);
    });
  });
/** Which Jira issues mean a practice: any issue of one of these types, with one of these labels or components. */
export const jiraEvidenceMatchSchema = z
  .strictObject({ issueTypes: nameList.optional(), labels: nameList.optional(), components: nameList.optional() })
  .refine((m) => m.issueTypes !== undefined || m.labels !== undefined || m.components !== undefined, {
    message: 'give at least one of `issueTypes`, `labels` or `components`',
  });

/** The placeholder a standard-adoption label or component carries; it stands for the standard's id. */
export const STANDARD_PLACEHOLDER = '{standard}';
const standardNameList = nameList.refine((xs) => xs.every((x) => x.includes(STANDARD_PLACEHOLDER)), {
  message: `each name must contain ${STANDARD_PLACEHOLDER} (it stands for the standard's id, e.g. \`uses-${STANDARD_PLACEHOLDER}\`)`,
});
/** Which Jira labels or components mean "this work applies standard X" (issue types cannot name a standard). */
export const jiraStandardMatchSchema = z
  .strictObject({ labels: standardNameList.optional(), components: standardNameList.optional() })
  .refine((m) => m.labels !== undefined || m.components !== undefined, { message: 'give at least one of `labels` or `components`' });

/**
 * The organisation's own conventions for the evidence the rubric reads. Each mapping adds to the product's default
 * conventions (labels such as `experiment:ab-test`); nothing here removes a default. JQL is not a mapping: the
 * bindings' JQL decides what is collected, these decide what it means.
 */
export const conventionsSchema = z.strictObject({
  jira: z
    .strictObject({
      /** Rapid experiments of any kind (A/B tests, pilots and MVPs are experiments too). */
      experiment: jiraEvidenceMatchSchema.optional(),
      /** A/B tests (also counted as experiments). */
      abTest: jiraEvidenceMatchSchema.optional(),
      /** Pilots (also counted as experiments). */
      pilot: jiraEvidenceMatchSchema.optional(),
      /** Minimum viable products (also counted as experiments). */
      mvp: jiraEvidenceMatchSchema.optional(),
      /** Work created from user or data feedback. */
      feedback: jiraEvidenceMatchSchema.optional(),
      /** A domain's objective epics (in the domain's own Jira binding). */
      objective: jiraEvidenceMatchSchema.optional(),
      /** Pod work applying a network standard; names carry `{standard}` for the standard's id. */
      standardAdoption: jiraStandardMatchSchema.optional(),
      /** Tech talks (networks and labs). */
      talk: jiraEvidenceMatchSchema.optional(),
      /** Training sessions and courses (networks). */
      training: jiraEvidenceMatchSchema.optional(),
      /** Hackathons (labs). */
      hackathon: jiraEvidenceMatchSchema.optional(),
      /** Governance reviews (steering group). */
      governanceReview: jiraEvidenceMatchSchema.optional(),
    })
    .optional(),
  github: z.strictObject({ /** Deployment environments that are production (case-insensitive). */ productionEnvironments: nameList.optional() }).optional(),
  mlflow: z
    .strictObject({
      /** Model aliases meaning the version serves production. */
      productionAliases: nameList.optional(),
      /** Model-version stages meaning production (besides MLflow's own `Production`). */
      productionStages: nameList.optional(),
      /** Model-version tag keys meaning production. */
      productionTags: nameList.optional(),
      /** Model aliases meaning the version is under A/B test. */
      challengerAliases: nameList.optional(),
      /** Model-version tag keys meaning the version is under A/B test. */
      challengerTags: nameList.optional(),
      /** Model-version tag keys meaning a model card is published (besides `model_card`). */
      modelCardTags: nameList.optional(),
      /** Model-version tag keys meaning a fairness evaluation was done (besides `fairness_eval`). */
      fairnessEvaluationTags: nameList.optional(),
      /** Model-version tag keys meaning bias was mitigated (besides `bias_mitigation`). */
      biasMitigationTags: nameList.optional(),
    })
    .optional(),
});

/** Pods above which the score step fans out when the org config does not say (settings.scoring.fanOutAbovePods). */
export const DEFAULT_FAN_OUT_ABOVE_PODS = 150;

export const orgConfigSchema = z.strictObject({
  organisation: z.strictObject({
    id: unitIdSchema,
    name: z.string().min(1),
  }),
  /** `default` for the built-in rubric, or a path (relative to the config file) to a rubric YAML/JSON file. */
  rubric: z.string().min(1).default('default'),
  /** Scoring window and collection settings. */
  settings: z
    .strictObject({
      /** How many bindings are collected at once (local runner) / Distributed Map max concurrency (AWS). */
      maxConcurrency: z.number().int().min(1).max(1000).default(8),
      /** How far back the first full sync of a binding reaches, in days. */
      historyDays: z.number().int().min(7).max(3660).default(400),
      /** Name of the environment variable holding the key for opaque actor hashes. */
      actorHashKeyEnv: envVarNameSchema.optional(),
      /** How the score step runs. */
      scoring: z
        .strictObject({
          /**
           * Above this many pods, pods are scored in parallel items (a Distributed Map in AWS) that each write their
           * card, then one task scores the rollups from those cards; at or below it, one score task does everything.
           */
          fanOutAbovePods: z.number().int().min(1).max(1_000_000).default(DEFAULT_FAN_OUT_ABOVE_PODS),
        })
        .optional(),
    })
    .default({ maxConcurrency: 8, historyDays: 400 }),
  sources: sourcesSchema,
  domains: z.array(domainSchema).min(1),
  networks: z.array(networkSchema).default([]),
  labs: z.array(labSchema).default([]),
  steering: steeringSchema.optional(),
  /** Map the rubric's evidence to the organisation's own Jira issue types, labels, components, environments, aliases. */
  conventions: conventionsSchema.optional(),
});

export type OrgConfig = z.infer<typeof orgConfigSchema>;
export type OrgConfigInput = z.input<typeof orgConfigSchema>;
export type PodConfig = z.infer<typeof podSchema>;
export type DomainConfig = z.infer<typeof domainSchema>;
export type NetworkConfig = z.infer<typeof networkSchema>;
export type LabConfig = z.infer<typeof labSchema>;
export type SteeringConfig = z.infer<typeof steeringSchema>;
export type UnitSources = z.infer<typeof unitSourcesSchema>;
export type JiraBinding = z.infer<typeof jiraBindingSchema>;
export type GithubBinding = z.infer<typeof githubBindingSchema>;
export type MlflowBinding = z.infer<typeof mlflowBindingSchema>;
export type RoleMix = z.infer<typeof roleMixSchema>;
export type CopilotSettings = z.infer<typeof copilotSettingsSchema>;
export type Conventions = z.infer<typeof conventionsSchema>;
export type JiraEvidenceMatch = z.infer<typeof jiraEvidenceMatchSchema>;
export type MlflowConventions = NonNullable<Conventions['mlflow']>;
