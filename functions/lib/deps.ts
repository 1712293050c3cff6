import { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConfigError } from '../../shared/kernel/index.js';
import type { LoggerPort } from '../../shared/kernel/index.js';
import { parseOrgConfig } from '../../shared/org/load.js';
import {
  defaultScorer,
  defaultSources,
  envCredentialResolver,
  parseRubricText,
  parseSecretArns,
  redactingLogger,
  secretsManagerCredentialResolver,
} from '../../shared/pipeline/index.js';
import type { CredentialResolver, PipelineDeps } from '../../shared/pipeline/index.js';
import { openStores } from '../../shared/storage/index.js';
import type { OpenedStores } from '../../shared/storage/index.js';

// Builds a handler's dependencies from its environment, once per container (cold start), and caches them.
// Names come from the CDK stack: RADAR_TABLE, RADAR_BUCKET, RADAR_CONFIG_KEY (org YAML in the data bucket),
// RADAR_RUBRIC_KEY (optional custom rubric), RADAR_SECRET_ARNS (collect only).

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

function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name]?.trim();
  if (!v) throw new ConfigError([{ file: '(environment)', line: 0, col: 0, path: name, reason: 'is required and not set' }]);
  return v;
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new ConfigError([{ file: `s3://${bucket}/${key}`, line: 0, col: 0, path: '(file)', reason: 'object has no body' }]);
  return out.Body.transformToString('utf8');
}

/** Options for building handler deps. */
export interface LambdaDepsOptions {
  /** Collect resolves credentials from Secrets Manager (RADAR_SECRET_ARNS); the others need none. */
  secrets: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Pipeline deps for a handler: stores, org config and rubric from S3, credentials, redacting logger. */
export async function buildLambdaDeps(logger: LoggerPort, opts: LambdaDepsOptions): Promise<{ deps: PipelineDeps; opened: OpenedStores }> {
  const env = opts.env ?? process.env;
  const bucket = requireEnv(env, 'RADAR_BUCKET');
  requireEnv(env, 'RADAR_TABLE');
  const configKey = requireEnv(env, 'RADAR_CONFIG_KEY');
  const opened = await openStores(env);
  // The config lives next to the data. With a local endpoint (tests) the client uses s3rver's built-in dummy key
  // pair, as storage's own local clients do; in AWS the default credential chain.
  const s3 = new S3Client({
    region: env.AWS_REGION ?? 'us-east-1',
    ...(opened.endpoints.s3
      ? {
          endpoint: opened.endpoints.s3, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
  });
  try {
    const org = parseOrgConfig(await readText(s3, bucket, configKey), `s3://${bucket}/${configKey}`);
    const rubricKey = env.RADAR_RUBRIC_KEY?.trim();
    const scorer = defaultScorer(rubricKey ? parseRubricText(await readText(s3, bucket, rubricKey), `s3://${bucket}/${rubricKey}`) : undefined);
    const credentials: CredentialResolver = opts.secrets
      ? secretsManagerCredentialResolver(parseSecretArns(env.RADAR_SECRET_ARNS))
      : envCredentialResolver({});
    return { deps: { org, stores: opened.stores, scorer, sources: defaultSources(), credentials, logger }, opened };
  } finally {
    s3.destroy();
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
