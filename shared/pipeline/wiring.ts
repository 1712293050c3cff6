import type { LoggerPort } from '../kernel/index.js';
import type { OrgConfig } from '../org/index.js';
import { defaultRubric } from '../rubric/index.js';
import type { Rubric } from '../rubric/index.js';
import { scoreOrganisation, scoreOrganisationCard, scoreUnits, scoringWindow } from '../scoring/index.js';
import { openStores } from '../storage/index.js';
import { envCredentialResolver } from './credentials.js';
import { redactingLogger } from './redact.js';
import { loadRuntimeConfig } from './runtime-config.js';
import type { RuntimeConfig } from './runtime-config.js';
import type { PipelineDeps, Scorer } from './types.js';

export { parseRubricText } from './runtime-config.js';

// The composition of the product's parts the pipeline runs with: the scoring engine with its rubric, and the
// connectors its caller passes in (shared/sources' door; importing the pipeline never loads them). The CLI and the
// Lambda handlers both build their PipelineDeps from here.

/** The scoring engine over a rubric (the built-in default unless the org config names a rubric file). */
export function defaultScorer(rubric: Rubric = defaultRubric): Scorer {
  return {
    rubric: { id: rubric.id, version: rubric.version },
    score: (input) => scoreOrganisation({ ...input, rubric }),
    scoreUnits: (input, refs, scored) => scoreUnits({ ...input, rubric }, refs, scored),
    scoreOrganisationCard: (input, cards) => scoreOrganisationCard({ ...input, rubric }, cards),
    window: (org, asOf) => scoringWindow(rubric, org, asOf),
  };
}

/** A pipeline opened for local use (CLI): deps plus the stores' close. */
export interface LocalPipeline {
  /** The runtime configuration the deps were built from (the same shape Lambda builds from S3). */
  config: RuntimeConfig;
  deps: PipelineDeps;
  close(): Promise<void>;
  /** Where the stores live (embedded servers or given endpoints). */
  endpoints: { dynamodb: string; s3: string };
}

/**
 * Opens the local pipeline: the org config from a file (precise ConfigError on problems), stores from the RADAR_*
 * environment (embedded servers when no endpoint is set), credentials from the environment, the given
 * connectors and the scorer (the config's custom rubric file, relative to the config, when it names one).
 */
export async function openLocalPipeline(opts: {
  configFile: string;
  env?: NodeJS.ProcessEnv;
  logger: LoggerPort;
  /** Replace the loaded config (e.g. the demo points base URLs at the sandboxes it started). */
  adjustOrg?: (org: OrgConfig) => OrgConfig;
  /** The connectors (`defaultSources()` from shared/sources), given by the caller as the collect function does. */
  sources: PipelineDeps['sources'];
}): Promise<LocalPipeline> {
  const env = opts.env ?? process.env;
  const config = await loadRuntimeConfig({ at: { kind: 'file', path: opts.configFile }, env, ...(opts.adjustOrg ? { adjustOrg: opts.adjustOrg } : {}) });
  const credentials = envCredentialResolver(env);
  const opened = await openStores(env);
  const logger = redactingLogger(opts.logger, () => credentials.knownValues());
  return {
    config,
    deps: { org: config.org, stores: opened.stores, scorer: defaultScorer(config.rubric), sources: opts.sources, credentials, logger },
    close: () => opened.close(),
    endpoints: opened.endpoints,
  };
}
