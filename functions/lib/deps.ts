import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ConfigError } from '../../shared/kernel/index.js';
import type { LoggerPort } from '../../shared/kernel/index.js';
import { defaultScorer, envCredentialResolver, loadRuntimeConfig, redactingLogger, s3ConfigLocation } from '../../shared/pipeline/index.js';
import type { CredentialResolver, PipelineDeps, RuntimeConfig } from '../../shared/pipeline/index.js';
import { openStores } from '../../shared/storage/index.js';
import type { OpenedStores } from '../../shared/storage/index.js';

// Builds a handler's dependencies from its environment, once per container (cold start), and caches them.
// Names come from the CDK stack: RADAR_TABLE, RADAR_BUCKET, RADAR_CONFIG_KEY (org YAML in the data bucket),
// RADAR_SECRET_ARNS (collect only). The rubric is the one the org YAML's `rubric:` names, next to it under config/.

/** The Powertools logger of one function, seen through the LoggerPort with secrets redacted. */
export function lambdaLogger(serviceName: string, secrets: () => readonly string[] = () => []): { powertools: Logger; port: LoggerPort } {
  const powertools = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
  const inner: LoggerPort = {
    debug: (m, f) => powertools.debug(m, f ?? {}),
    info: (m, f) => powertools.info(m, f ?? {}),
    warn: (m, f) => powertools.warn(m, f ?? {}),
    error: (m, f) => powertools.error(m, f ?? {}),
  };
  return { powertools, port: redactingLogger(inner, secrets) };
}

/** Reads an object's text with the function's own S3 client (the org YAML and the rubric it names, under config/). */
async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new ConfigError([{ file: `s3://${bucket}/${key}`, line: 0, col: 0, path: '(file)', reason: 'object has no body' }]);
  return out.Body.transformToString('utf8');
}

/**
 * Options for building handler deps. Only collect talks to the sources, so it alone passes the connectors and the
 * Secrets Manager resolver in; a handler that does not name them does not reference them, and esbuild leaves them
 * (octokit, the source schemas, the Secrets Manager client) out of its bundle. The pipeline code is the same.
 */
export interface LambdaDepsOptions {
  /** The connectors by source id (collect: `defaultSources()`); default none, for functions that collect nothing. */
  sources?: PipelineDeps['sources'];
  /** Credentials from the config's RADAR_SECRET_ARNS (collect: `secretsManagerCredentialResolver`); default none. */
  credentials?: (secretArns: Readonly<Record<string, string>>) => CredentialResolver;
  env?: NodeJS.ProcessEnv;
}

/** Pipeline deps for a handler: stores, org config and rubric from S3, credentials, redacting logger. */
export async function buildLambdaDeps(
  logger: LoggerPort,
  opts: LambdaDepsOptions = {},
): Promise<{ config: RuntimeConfig; deps: PipelineDeps; opened: OpenedStores }> {
  const env = opts.env ?? process.env;
  // Fails fast (naming the variable) before any store is opened.
  const at = s3ConfigLocation(env);
  const opened = await openStores(env);
  // The config lives next to the data: read it through the stores' own S3 client (the same credentials and
  // endpoint as every other storage call, so an embedded server's per-process credentials apply too).
  const s3 = opened.stores.clients.s3;
  try {
    // One runtime configuration, the same loader as the CLI's: the org YAML, the rubric it names, the environment.
    const config = await loadRuntimeConfig({ at, env, readS3: (bucket, key) => readText(s3, bucket, key) });
    const credentials = opts.credentials ? opts.credentials(config.secretArns) : envCredentialResolver({});
    const deps = { org: config.org, stores: opened.stores, scorer: defaultScorer(config.rubric), sources: opts.sources ?? {}, credentials, logger };
    return { config, deps, opened };
  } catch (err) {
    await opened.close();
    throw err;
  }
}

/** Memoises an async factory; a failed attempt is forgotten so the next invocation retries. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    if (!p) {
      p = make();
      p.catch(() => {
        p = undefined;
      });
    }
    return p;
  };
}
