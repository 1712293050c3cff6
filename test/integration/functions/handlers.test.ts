import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { LambdaEvent } from 'hono/aws-lambda';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { listBindings } from '../../../shared/org/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';
import type { RunPlan } from '../../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../../shared/sandbox/index.js';
import type { BindingOutcome } from '../../../shared/storage/ports.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import type { LocalStores } from '../../helpers/local-servers.js';
import { smallOrg } from '../pipeline/helpers.js';

// Every Lambda handler in functions/ invoked with the event AWS sends it, against local stores (dynalite +
// s3rver), the sandboxes, a local Secrets Manager endpoint (JSON protocol over HTTP) and a local JWKS.

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const ISSUER = 'https://cognito-idp.local.test/pool';
const AUDIENCE = 'radar-test-client';

let sandboxes: RunningSandboxes;
let local: LocalStores;
let org: OrgConfig;
const servers: Server[] = [];
const secretCalls: string[] = [];
let token = '';

function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false, functionName: name, functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${name}`, memoryLimitInMB: '512',
    awsRequestId: `req-${name}`, logGroupName: `/aws/lambda/${name}`, logStreamName: 'stream',
    getRemainingTimeInMillis: () => 300_000, done: () => undefined, fail: () => undefined, succeed: () => undefined,
  };
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR });
  org = smallOrg(await loadDemoOrg(), sandboxes.urls);
  local = await startLocalStores();
  const s3 = new S3Client({
    region: 'us-east-1', endpoint: local.env.RADAR_S3_ENDPOINT, forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const { steering: _s, ...yamlOrg } = org;
  await s3.send(new PutObjectCommand({ Bucket: local.env.RADAR_BUCKET, Key: 'config/org.yaml', Body: stringify(yamlOrg) }));
  s3.destroy();

  // Secrets Manager speaks JSON 1.1 over HTTP: one secret per source, holding its fields as JSON.
  const secretsUrl = await listen((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      secretCalls.push(SecretId);
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify({ ARN: SecretId, Name: SecretId.split(':').pop(), SecretString: JSON.stringify(DEMO_CREDENTIALS), VersionId: 'v1' }));
    });
  });
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const jwksUrl = await listen((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  token = await new SignJWT({ 'cognito:groups': ['steering'], token_use: 'id' })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('steering-user').setIssuedAt().setExpirationTime('10m')
    .sign(privateKey);

  const arn = 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:radar-sources';
  vi.stubEnv('RADAR_TABLE', local.env.RADAR_TABLE);
  vi.stubEnv('RADAR_BUCKET', local.env.RADAR_BUCKET);
  vi.stubEnv('RADAR_DYNAMODB_ENDPOINT', local.env.RADAR_DYNAMODB_ENDPOINT);
  vi.stubEnv('RADAR_S3_ENDPOINT', local.env.RADAR_S3_ENDPOINT);
  vi.stubEnv('RADAR_CONFIG_KEY', 'config/org.yaml');
  vi.stubEnv('RADAR_SECRET_ARNS', JSON.stringify(Object.fromEntries(Object.keys(DEMO_CREDENTIALS).map((k) => [k, arn]))));
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secretsUrl);
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('RADAR_JWT_ISSUER', ISSUER);
  vi.stubEnv('RADAR_JWT_AUDIENCE', AUDIENCE);
  vi.stubEnv('RADAR_JWKS_URL', jwksUrl);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await local.close();
  await sandboxes.close();
});

describe('the Lambda handlers', () => {
  let plan: RunPlan;

  it('plan turns an EventBridge Scheduler event into one task per binding', async () => {
    const { handler } = await import('../../../functions/plan.js');
    const event = {
      version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.scheduler', account: '000000000000',
      time: ANCHOR.toISOString(), region: 'eu-west-1', resources: ['arn:aws:scheduler:eu-west-1:000000000000:schedule/default/radar'], detail: {},
    };
    plan = (await handler(event, lambdaContext('radar-plan'))) as RunPlan;
    expect(plan.runId).toBe('run-2026-11-23T00:00:00.000Z');
    expect(plan.tasks.map((t) => t.bindingId)).toEqual(listBindings(org).map((b) => b.id));
    expect((await local.stores.runs.loadRun(plan.runId))?.status).toBe('running');
  });

  it('collect takes one Distributed Map item, reads credentials from Secrets Manager and stores the binding', async () => {
    const { handler } = await import('../../../functions/collect.js');
    const outcomes: BindingOutcome[] = [];
    for (const task of plan.tasks) {
      outcomes.push((await handler({ runId: plan.runId, asOf: plan.asOf, ...task }, lambdaContext('radar-collect'))) as BindingOutcome);
    }
    expect(outcomes.filter((o) => o.status !== 'ok').map((o) => `${o.bindingId}: ${o.message ?? ''}`)).toEqual([]);
    expect(secretCalls.length).toBeGreaterThan(0);
    // One secret, fetched once per container however many fields and invocations use it.
    expect(new Set(secretCalls).size).toBe(1);
    expect(secretCalls.length).toBe(1);
    const github = plan.tasks.find((t) => t.source === 'github');
    expect((await local.stores.objects.loadActivities(github?.bindingId ?? '')).length).toBeGreaterThan(0);
  });

  it('score takes { runId, asOf } and writes a complete snapshot and run record', async () => {
    const { handler } = await import('../../../functions/score.js');
    const out = (await handler({ runId: plan.runId, asOf: plan.asOf }, lambdaContext('radar-score'))) as { status: string; unitsScored: number };
    expect(out).toMatchObject({ status: 'completed', unitsScored: 4 });
    expect(await local.stores.snapshots.listAsOfs()).toContain(plan.asOf);
    expect((await local.stores.runs.loadRun(plan.runId))?.bindings).toHaveLength(plan.tasks.length);
  });

  it('api answers an API Gateway v2 HTTP event with a verified token, and 401 without one', async () => {
    const { handler } = await import('../../../functions/api.js');
    // The event as @types/aws-lambda describes it; hono's adapter declares its own (structurally narrower) type.
    const event = (auth?: string): LambdaEvent => v2Event(auth) as unknown as LambdaEvent;
    const v2Event = (auth?: string): APIGatewayProxyEventV2 => ({
      version: '2.0', routeKey: '$default', rawPath: '/api/asofs', rawQueryString: '',
      headers: { host: 'api.local.test', ...(auth ? { authorization: auth } : {}) },
      requestContext: {
        accountId: '000000000000', apiId: 'api', domainName: 'api.local.test', domainPrefix: 'api',
        http: { method: 'GET', path: '/api/asofs', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
        requestId: 'r1', routeKey: '$default', stage: '$default', time: '23/Nov/2026:00:00:00 +0000', timeEpoch: 0,
      },
      isBase64Encoded: false,
    });
    const ok = await handler(event(`Bearer ${token}`), lambdaContext('radar-api'));
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain(plan.asOf.slice(0, 10));
    const denied = await handler(event(), lambdaContext('radar-api'));
    expect(denied.statusCode).toBe(401);
  });
});
