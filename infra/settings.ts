import type { Construct } from 'constructs';

// Deployment knobs come from CDK context (cdk.json or `--context key=value`), never from the org config: the
// infra imports no runtime code from shared/, and the org config lives in S3 so it can change without a deploy.

/**
 * A context value that cannot be used; names the key. (infra/ imports no runtime code from shared/, so this
 * does not extend RadarError; it only ever surfaces as a failed synth.)
 */
export class RadarSettingsError extends Error {
  readonly key: string;
  constructor(key: string, reason: string) {
    super(`context \`${key}\`: ${reason}`);
    this.name = 'RadarSettingsError';
    this.key = key;
  }
}

/** Every setting the stack reads from context, parsed and bounded. */
export interface RadarSettings {
  /** EventBridge Scheduler expression, e.g. `rate(1 day)` or `cron(0 4 * * ? *)`. */
  schedule: string;
  /** Share of collection items that may fail (crash or time out) before the run is failed. */
  toleratedFailurePercentage: number;
  /** Days raw vendor pages stay in S3 before the lifecycle rule expires them. */
  rawRetentionDays: number;
  /** S3 key of the org config YAML inside the data bucket. */
  configKey: string;
  /** Cognito hosted UI domain prefix; no hosted UI domain is created when absent. */
  cognitoDomainPrefix: string | undefined;
  /** Extra Cognito groups to create, e.g. `pod-lead:recsys` (steering is always created). */
  cognitoGroups: string[];
  /** Email address subscribed to the alarm topic, when given. */
  alarmEmail: string | undefined;
}

const DEFAULTS: RadarSettings = {
  schedule: 'rate(1 day)',
  toleratedFailurePercentage: 50,
  rawRetentionDays: 90,
  configKey: 'config/org.yaml',
  cognitoDomainPrefix: undefined,
  cognitoGroups: [],
  alarmEmail: undefined,
};

/** Reads and validates the stack settings from CDK context, failing synth with the offending key named. */
export function readRadarSettings(scope: Construct): RadarSettings {
  const ctx = (key: string): unknown => scope.node.tryGetContext(key);
  const fail = (key: string, reason: string): never => {
    throw new RadarSettingsError(key, reason);
  };
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = ctx(key);
    if (raw === undefined || raw === null || raw === '') return fallback;
    // `--context k=v` passes strings, cdk.json passes numbers: accept both, but only whole numbers in range.
    const n = typeof raw === 'number' ? raw : Number(String(raw));
    if (!Number.isInteger(n) || n < min || n > max) return fail(key, `must be a whole number from ${min} to ${max}`);
    return n;
  };
  const text = (key: string): string | undefined => {
    const raw = ctx(key);
    if (raw === undefined || raw === null || raw === '') return undefined;
    if (typeof raw !== 'string') return fail(key, 'must be a string');
    return raw.trim();
  };

  // Run-time settings live in the org YAML (one configuration for the CLI and Lambda); a context value here would
  // be silently ignored, so it fails synth instead.
  const movedToOrgYaml: Record<string, string> = {
    maxConcurrency: '`settings.maxConcurrency` (the plan hands it to the Distributed Map)',
    rubricKey: '`rubric:` (a path next to the config under config/)',
  };
  for (const [key, where] of Object.entries(movedToOrgYaml)) {
    const v = ctx(key);
    if (v !== undefined && v !== null && v !== '') fail(key, `is read at run time from the org YAML's ${where}; remove it from the CDK context`);
  }
  const schedule = text('schedule') ?? DEFAULTS.schedule;
  if (!/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\)|at\(.+\))$/.test(schedule)) {
    fail('schedule', 'must be an EventBridge Scheduler expression such as `rate(1 day)` or `cron(0 4 * * ? *)`');
  }
  const configKey = text('configKey') ?? DEFAULTS.configKey;
  // Plan, collect and score may read only config/: a key elsewhere would need wider grants.
  if (!/^config\/[A-Za-z0-9._/-]+$/.test(configKey)) fail('configKey', 'must be an S3 key under config/');
  const cognitoDomainPrefix = text('cognitoDomainPrefix');
  if (cognitoDomainPrefix !== undefined && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(cognitoDomainPrefix)) {
    fail('cognitoDomainPrefix', 'must be lowercase letters, digits and dashes');
  }
  const groupsRaw = ctx('cognitoGroups');
  const cognitoGroups =
    groupsRaw === undefined || groupsRaw === null || groupsRaw === ''
      ? []
      : Array.isArray(groupsRaw)
        ? groupsRaw.map(String)
        : String(groupsRaw).split(',').map((g) => g.trim()).filter((g) => g !== '');
  for (const g of cognitoGroups) {
    if (!/^(steering|(domain|network|lab|pod)-lead:[a-z][a-z0-9-]{0,62})$/.test(g)) {
      fail('cognitoGroups', `\`${g}\` is not \`steering\` or \`<domain|network|lab|pod>-lead:<id>\``);
    }
  }
  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) fail('alarmEmail', 'must be an email address');

  return {
    schedule,
    toleratedFailurePercentage: int('toleratedFailurePercentage', DEFAULTS.toleratedFailurePercentage, 0, 100),
    rawRetentionDays: int('rawRetentionDays', DEFAULTS.rawRetentionDays, 1, 3650),
    configKey,
    cognitoDomainPrefix,
    cognitoGroups: [...new Set(cognitoGroups)].filter((g) => g !== 'steering'),
    alarmEmail,
  };
}
