import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { vi } from 'vitest';
import { stringify } from 'yaml';
import type { OrgConfig } from '../../../shared/org/index.js';
import { defaultRubric } from '../../../shared/rubric/index.js';
import { DEMO_CREDENTIALS } from '../../../shared/sandbox/index.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import type { LocalStores } from '../../helpers/local-servers.js';
import { asFunction } from './sdk-recorder.js';
import type { FunctionName, ResolvedTemplate } from './template.js';
import { FUNCTION_NAMES, REGION } from './template.js';

// The AWS side of a scheduled run, on this machine: dynalite and s3rver under the table and bucket names the
// template gives, a Secrets Manager endpoint, a JWKS for the API, and the real handlers of functions/ with the
// environment the template gives each function. The handlers run in "AWS mode" (AWS_LAMBDA_FUNCTION_NAME set, no
// RADAR_*_ENDPOINT): their SDK clients are built exactly as in Lambda and only redirected by the SDK's standard
// AWS_ENDPOINT_URL_<SERVICE> variables, so every call they make is one the role must allow.

/** The custom rubric the org YAML names: the built-in one under another version, so its use is visible. */
export const CUSTOM_RUBRIC_VERSION = '2099-01';

export interface CloudRig {
  template: ResolvedTemplate;
  local: LocalStores;
  bucket: string;
  table: string;
  /** A bearer token the API accepts (steering). */
  token: string;
  /** Uploads the org YAML (and the rubric file it names) to the config key the template gives. */
  uploadOrg(org: OrgConfig): Promise<void>;
  /** Fresh handler modules (a cold start): each reads its config on first invocation. */
  loadHandlers(): Promise<Record<FunctionName, (event: unknown) => Promise<unknown>>>;
  close(): Promise<void>;
}

function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false, functionName: name, functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:000000000000:function:${name}`, memoryLimitInMB: '1024',
    awsRequestId: `req-${name}`, logGroupName: `/aws/lambda/${name}`, logStreamName: 'stream',
    getRemainingTimeInMillis: () => 300_000, done: () => undefined, fail: () => undefined, succeed: () => undefined,
  };
}

const modules: Record<FunctionName, () => Promise<unknown>> = {
  plan: () => import('../../../functions/plan.js'),
  collect: () => import('../../../functions/collect.js'),
  score: () => import('../../../functions/score.js'),
  'score-pod': () => import('../../../functions/score-pod.js'),
  'score-rollups': () => import('../../../functions/score-rollups.js'),
  api: () => import('../../../functions/api.js'),
};

/** Starts the rig; the caller closes it. */
export async function startCloudRig(template: ResolvedTemplate): Promise<CloudRig> {
  const servers: Server[] = [];
  const listen = (handler: Parameters<typeof createServer>[1]): Promise<string> =>
    new Promise((resolve) => {
      const server = createServer(handler);
      servers.push(server);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    });

  const envs = FUNCTION_NAMES.map((fn) => template.environmentOf(fn));
  // Every function's variables at once (process.env is one per process): keys they share must agree.
  const union: Record<string, string> = {};
  for (const env of envs) {
    for (const [k, v] of Object.entries(env)) {
      if (k === 'POWERTOOLS_SERVICE_NAME') continue;
      if (k in union && union[k] !== v) throw new Error(`functions disagree on ${k}`);
      union[k] = v;
    }
  }
  const table = union.RADAR_TABLE ?? '';
  const bucket = union.RADAR_BUCKET ?? '';
  const configKey = union.RADAR_CONFIG_KEY ?? '';
  const local = await startLocalStores({ table, bucket });

  // Secrets Manager speaks JSON 1.1 over HTTP; every secret holds the demo credentials as a JSON object.
  const secretsUrl = await listen((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify({ ARN: SecretId, Name: SecretId.split(':').pop(), SecretString: JSON.stringify(DEMO_CREDENTIALS), VersionId: 'v1' }));
    });
  });
  const issuer = 'https://cognito-idp.local.test/pool';
  const audience = 'radar-cloud-test';
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'cloud-key', alg: 'RS256', use: 'sig' };
  const jwksUrl = await listen((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  const token = await new SignJWT({ 'cognito:groups': ['steering'], token_use: 'id' })
    .setProtectedHeader({ alg: 'RS256', kid: 'cloud-key' })
    .setIssuer(issuer).setAudience(audience).setSubject('steering-member').setIssuedAt().setExpirationTime('30m')
    .sign(privateKey);

  for (const [k, v] of Object.entries(union)) vi.stubEnv(k, v);
  const stubs: Record<string, string> = {
    // The template's issuer and JWKS are Cognito's; the test signs its own tokens.
    RADAR_JWT_ISSUER: issuer, RADAR_JWT_AUDIENCE: audience, RADAR_JWKS_URL: jwksUrl,
    AWS_LAMBDA_FUNCTION_NAME: 'radar-cloud-test', AWS_REGION: REGION,
    AWS_ENDPOINT_URL_DYNAMODB: local.env.RADAR_DYNAMODB_ENDPOINT, AWS_ENDPOINT_URL_S3: local.env.RADAR_S3_ENDPOINT,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
    // s3rver checks signatures against its one built-in key pair; dynalite and the secrets stand-in accept any.
    AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER',
    // s3rver stores flexible-checksum uploads corrupted (LOCAL-STACK.md); real S3 does not need this.
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED', AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    RADAR_DYNAMODB_ENDPOINT: '', RADAR_S3_ENDPOINT: '', POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  for (const [k, v] of Object.entries(stubs)) vi.stubEnv(k, v);

  const s3 = new S3Client({
    region: REGION, endpoint: local.env.RADAR_S3_ENDPOINT, forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });

  return {
    template, local, bucket, table, token,
    async uploadOrg(org) {
      const { steering: _s, ...yamlOrg } = org;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: configKey, Body: stringify(yamlOrg) }));
      if (org.rubric !== 'default') {
        const key = `${configKey.slice(0, configKey.lastIndexOf('/') + 1)}${org.rubric}`;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: stringify({ ...defaultRubric, version: CUSTOM_RUBRIC_VERSION }) }));
      }
    },
    async loadHandlers() {
      vi.resetModules();
      const wrap = (fn: FunctionName, handler: (e: never, c: Context) => Promise<unknown>) => (event: unknown) =>
        asFunction(fn, () => handler(event as never, lambdaContext(`radar-${fn}`)));
      const out = {} as Record<FunctionName, (event: unknown) => Promise<unknown>>;
      for (const fn of FUNCTION_NAMES) {
        // The logger reads its service name at import, as each Lambda's own environment would give it.
        vi.stubEnv('POWERTOOLS_SERVICE_NAME', `radar-${fn}`);
        const mod = (await modules[fn]()) as { handler: (e: never, c: Context) => Promise<unknown> };
        out[fn] = wrap(fn, mod.handler);
      }
      return out;
    },
    async close() {
      s3.destroy();
      vi.unstubAllEnvs();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      await local.close();
    },
  };
}

/** An API Gateway v2 event for a GET of `path` with the given bearer token. */
export function apiEvent(path: string, token: string): unknown {
  return {
    version: '2.0', routeKey: '$default', rawPath: path, rawQueryString: '',
    headers: { host: 'api.local.test', authorization: `Bearer ${token}` },
    requestContext: {
      accountId: '000000000000', apiId: 'api', domainName: 'api.local.test', domainPrefix: 'api',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'r1', routeKey: '$default', stage: '$default', time: '23/Nov/2026:00:00:00 +0000', timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
}
