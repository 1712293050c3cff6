import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../kernel/index.js';
import { loadOrgConfig, parseOrgConfig } from '../org/load.js';
import type { OrgConfig } from '../org/index.js';
import { assertRubric, defaultRubric } from '../rubric/index.js';
import type { Rubric } from '../rubric/index.js';
import { loadRubric } from '../rubric/load.js';
import { parseSecretArns } from './credentials.js';

// One runtime configuration for the CLI and the Lambda functions: the org YAML (and the rubric it names) plus the
// RADAR_* environment, read in one place, typed and frozen. The only difference between a laptop and AWS is where
// the YAML text comes from (a file, or the data bucket under config/); what it means is the same.

/** Parses a custom rubric's text (YAML or JSON, e.g. read from S3 in Lambda) with the rubric schema. */
export function parseRubricText(text: string, file: string): Rubric {
  let data: unknown;
  try {
    // logLevel 'error': the yaml library would otherwise print warnings (unknown directives, unresolved tags) with a
    // code frame of the file through process.emitWarning, bypassing the logger.
    data = parseYaml(text, { logLevel: 'error' });
  } catch (err) {
    throw new ConfigError([{ file, line: 1, col: 1, path: '', reason: `not YAML or JSON: ${(err as Error).message.split('\n')[0] ?? ''}` }], err);
  }
  return assertRubric(data, file);
}

/** Where the org YAML is read from. */
export type ConfigLocation = { kind: 'file'; path: string } | { kind: 's3'; bucket: string; key: string };

/** Reads the text of an S3 object (Lambda passes a reader over its own S3 client). */
export type ReadS3Text = (bucket: string, key: string) => Promise<string>;

/** The settings every run reads at run time, frozen. */
export interface RuntimeConfig {
  /** Where the org YAML came from: a file path or `s3://bucket/key`. */
  readonly origin: string;
  readonly org: OrgConfig;
  /** The rubric the org YAML's `rubric:` names (the built-in one for `default`). */
  readonly rubric: Rubric;
  /** `settings.maxConcurrency`: the local runner's limit and, through the plan, the Distributed Map's MaxConcurrency. */
  readonly maxConcurrency: number;
  /** Collect's env-name → secret ARN map (RADAR_SECRET_ARNS); empty locally, where secrets come from the environment. */
  readonly secretArns: Readonly<Record<string, string>>;
}

/**
 * Settings fixed when the stack is deployed (CDK context), listed so `radar validate --json` and the docs can say
 * which knobs an org YAML change does not move. Everything in the org YAML is read at run time.
 */
export const DEPLOY_TIME_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  schedule: 'EventBridge Scheduler expression that starts the run (CDK context `schedule`)',
  toleratedFailurePercentage: 'share of collect items that may crash before the Map fails (CDK context)',
  rawRetentionDays: 'days raw pages stay in S3 (CDK context)',
  configKey: 'S3 key of the org YAML under config/ (CDK context; RADAR_CONFIG_KEY)',
  cognitoGroups: 'Cognito groups created with the user pool (CDK context)',
  cognitoDomainPrefix: 'Cognito hosted UI domain (CDK context)',
  alarmEmail: 'address subscribed to the alarm topic (CDK context)',
});

/** Org YAML settings read at run time by the CLI and by every Lambda alike. */
export const RUN_TIME_SETTINGS: readonly string[] = Object.freeze(['settings.maxConcurrency', 'settings.historyDays', 'settings.actorHashKeyEnv', 'rubric', 'sources', 'units']);

/** The env variable that names the org YAML's S3 key in Lambda. */
export const CONFIG_KEY_ENV = 'RADAR_CONFIG_KEY';

function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name]?.trim();
  if (!v) throw new ConfigError([{ file: '(environment)', line: 0, col: 0, path: name, reason: 'is required and not set' }]);
  return v;
}

/** The org YAML's location in Lambda: RADAR_BUCKET and RADAR_CONFIG_KEY (both required). */
export function s3ConfigLocation(env: NodeJS.ProcessEnv): ConfigLocation {
  requireEnv(env, 'RADAR_TABLE');
  return { kind: 's3', bucket: requireEnv(env, 'RADAR_BUCKET'), key: requireEnv(env, CONFIG_KEY_ENV) };
}

async function readRubric(org: OrgConfig, at: ConfigLocation, readS3: ReadS3Text | undefined): Promise<Rubric> {
  if (org.rubric === 'default') return defaultRubric;
  if (at.kind === 'file') return loadRubric(org.rubric, at.path);
  // Relative to the config's key, as a file path is relative to the config file; the functions may read only config/.
  const key = posix.normalize(posix.join(posix.dirname(at.key), org.rubric));
  if (!key.startsWith('config/')) {
    throw new ConfigError([
      { file: `s3://${at.bucket}/${at.key}`, line: 1, col: 1, path: 'rubric', reason: `resolves to ${key}, outside config/ (the functions may read only config/)` },
    ]);
  }
  if (!readS3) throw new Error('an S3 reader is required for a config in S3');
  return parseRubricText(await readS3(at.bucket, key), `s3://${at.bucket}/${key}`);
}

/**
 * Reads the runtime configuration once: the org YAML from a file (CLI; problems with line and column) or from S3
 * (Lambda), the rubric it names (relative to it), and the environment. Frozen; fails fast naming the key.
 * @example const config = await loadRuntimeConfig({ at: { kind: 'file', path: 'org.yaml' }, env: process.env });
 */
export async function loadRuntimeConfig(opts: {
  at: ConfigLocation;
  env: NodeJS.ProcessEnv;
  readS3?: ReadS3Text;
  /** Replace the loaded org (e.g. the demo points base URLs at the sandboxes it started). */
  adjustOrg?: (org: OrgConfig) => OrgConfig;
}): Promise<RuntimeConfig> {
  const { at } = opts;
  let org: OrgConfig;
  let origin: string;
  if (at.kind === 'file') {
    org = (await loadOrgConfig(at.path)).config;
    origin = at.path;
  } else {
    if (!opts.readS3) throw new Error('an S3 reader is required for a config in S3');
    origin = `s3://${at.bucket}/${at.key}`;
    org = parseOrgConfig(await opts.readS3(at.bucket, at.key), origin);
  }
  if (opts.adjustOrg) org = opts.adjustOrg(org);
  const rubric = await readRubric(org, at, opts.readS3);
  return Object.freeze({
    origin,
    org,
    rubric,
    maxConcurrency: org.settings.maxConcurrency,
    secretArns: Object.freeze(parseSecretArns(opts.env.RADAR_SECRET_ARNS)),
  });
}
