import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, RadarError } from '../kernel/index.js';
import type { LoggerPort } from '../kernel/index.js';
import { loadOrgConfig } from '../org/load.js';
import type { OrgConfig, SourceId } from '../org/index.js';
import type { SourcePlugin } from '../sources/contract.js';
import { openStores } from '../storage/index.js';
import { envCredentialResolver } from './credentials.js';
import { redactingLogger } from './redact.js';
import type { PipelineDeps, Scorer } from './types.js';

// The composition of the product's parts the pipeline runs with: the installed connectors and the scoring
// engine with its rubric. The CLI and the Lambda handlers both build their PipelineDeps from here.

/** The connectors the product ships, by source id. */
export function defaultSources(): Partial<Record<SourceId, SourcePlugin>> {
  return {};
}

/** The scoring engine over the default rubric (or a custom rubric file's text). */
export function defaultScorer(_customRubric?: { text: string; file: string }): Scorer {
  return {
    rubric: { id: 'radar-default', version: 'unknown' },
    score: () => {
      throw new RadarError({ code: 'SCORER_UNAVAILABLE', reason: 'the scoring engine is not wired in yet' });
    },
  };
}

/** A pipeline opened for local use (CLI): deps plus the stores' close. */
export interface LocalPipeline {
  deps: PipelineDeps;
  close(): Promise<void>;
  /** Where the stores live (embedded servers or given endpoints). */
  endpoints: { dynamodb: string; s3: string };
}

/**
 * Opens the local pipeline: the org config from a file (precise ConfigError on problems), stores from the RADAR_*
 * environment (embedded servers when no endpoint is set), credentials from the environment, the default
 * connectors and the scorer (the config's custom rubric file, relative to the config, when it names one).
 */
export async function openLocalPipeline(opts: {
  configFile: string;
  env?: NodeJS.ProcessEnv;
  logger: LoggerPort;
  /** Replace the loaded config (e.g. the demo points base URLs at the sandboxes it started). */
  adjustOrg?: (org: OrgConfig) => OrgConfig;
}): Promise<LocalPipeline> {
  const env = opts.env ?? process.env;
  const loaded = await loadOrgConfig(opts.configFile);
  const org = opts.adjustOrg ? opts.adjustOrg(loaded.config) : loaded.config;
  let customRubric: { text: string; file: string } | undefined;
  if (org.rubric !== 'default') {
    const file = resolve(dirname(opts.configFile), org.rubric);
    try {
      customRubric = { text: await readFile(file, 'utf8'), file };
    } catch (err) {
      throw new ConfigError([{ file: opts.configFile, line: 1, col: 1, path: 'rubric', reason: `cannot read rubric file ${file}` }], err);
    }
  }
  const scorer = defaultScorer(customRubric);
  const credentials = envCredentialResolver(env);
  const opened = await openStores(env);
  const logger = redactingLogger(opts.logger, () => credentials.knownValues());
  return {
    deps: { org, stores: opened.stores, scorer, sources: defaultSources(), credentials, logger },
    close: () => opened.close(),
    endpoints: opened.endpoints,
  };
}
