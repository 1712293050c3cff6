import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MissingCredentialError } from './errors.js';

/**
 * Resolves credential values by the environment-variable NAME the org config gives (e.g. `RADAR_GITHUB_TOKEN`).
 * Locally the value comes from the process environment; in AWS from Secrets Manager. Values are never logged.
 * @example const token = await resolver.resolve('RADAR_GITHUB_TOKEN'); // throws MissingCredentialError if absent
 */
export interface CredentialResolver {
  /** The value, or a MissingCredentialError that names the variable (never a value). */
  resolve(envName: string): Promise<string>;
  /** Every value resolved so far, so logs and error messages can be scrubbed of them. */
  knownValues(): readonly string[];
}

/** Reads credentials from an environment map (the CLI and tests). */
export function envCredentialResolver(env: Readonly<Record<string, string | undefined>> = process.env): CredentialResolver {
  const seen = new Set<string>();
  return {
    resolve(envName) {
      const value = env[envName];
      if (value === undefined || value === '') {
        return Promise.reject(new MissingCredentialError(envName, undefined, `environment variable ${envName} is not set`));
      }
      seen.add(value);
      return Promise.resolve(value);
    },
    knownValues: () => [...seen],
  };
}

/**
 * Reads credentials from Secrets Manager: `arns` maps env-name → secret ARN (RADAR_SECRET_ARNS). A secret may
 * hold the value itself, or a JSON object with the env name as a key (one secret per source holding several
 * fields). Values are cached for the life of the container so a warm Lambda makes no extra calls.
 */
export function secretsManagerCredentialResolver(
  arns: Readonly<Record<string, string>>,
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
): CredentialResolver {
  const bySecret = new Map<string, Promise<string>>();
  const values = new Map<string, string>();
  const fetchSecret = (arn: string): Promise<string> => {
    let p = bySecret.get(arn);
    if (!p) {
      p = client.send(new GetSecretValueCommand({ SecretId: arn })).then((out) => {
        if (typeof out.SecretString !== 'string') throw new Error('secret has no string value');
        return out.SecretString;
      });
      // A failed fetch must not poison the cache: the next invocation retries.
      p.catch(() => bySecret.delete(arn));
      bySecret.set(arn, p);
    }
    return p;
  };
  return {
    async resolve(envName) {
      const cached = values.get(envName);
      if (cached !== undefined) return cached;
      const arn = arns[envName];
      if (arn === undefined) throw new MissingCredentialError(envName, undefined, `no secret is mapped to ${envName} in RADAR_SECRET_ARNS`);
      let raw: string;
      try {
        raw = await fetchSecret(arn);
      } catch (err) {
        // The SDK's message names the ARN and the failure, never the value; keep only the class for the log.
        throw new MissingCredentialError(envName, undefined, `reading its secret failed (${err instanceof Error ? err.name : 'error'})`);
      }
      const value = pickField(raw, envName);
      if (value === '') throw new MissingCredentialError(envName, undefined, 'its secret is empty');
      values.set(envName, value);
      return value;
    },
    knownValues: () => [...values.values()],
  };
}

function pickField(raw: string, envName: string): string {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{')) {
    try {
      const obj = JSON.parse(trimmed) as Record<string, unknown>;
      const v = obj[envName];
      if (typeof v === 'string') return v;
    } catch {
      // Not JSON after all: the whole string is the value.
    }
  }
  return raw;
}

/** Parses RADAR_SECRET_ARNS (a JSON object env-name → ARN); absent means no secrets. */
export function parseSecretArns(text: string | undefined): Record<string, string> {
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MissingCredentialError('RADAR_SECRET_ARNS', undefined, `it is not JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MissingCredentialError('RADAR_SECRET_ARNS', undefined, 'it must be a JSON object of env name → secret ARN');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw new MissingCredentialError('RADAR_SECRET_ARNS', undefined, `the entry ${k} is not a string`);
    out[k] = v;
  }
  return out;
}
