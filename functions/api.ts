import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { buildApiApp, UnauthenticatedError } from '../shared/api/index.js';
import type { Scope } from '../shared/api/index.js';
import { ConfigError } from '../shared/kernel/index.js';
import { openStores } from '../shared/storage/index.js';
import { lambdaLogger, once } from './lib/deps.js';

// API: API Gateway v2 (HTTP API) → the hono app. The app knows nothing about Lambda; this file only wires the
// stores and the JWT scope check (RADAR_JWT_ISSUER / RADAR_JWT_AUDIENCE / RADAR_JWKS_URL) and adapts the event.
const { powertools, port } = lambdaLogger('radar-api');

type Authorise = (req: Request) => Promise<Scope>;

async function buildAuthorise(env: NodeJS.ProcessEnv): Promise<Authorise> {
  const issuer = env.RADAR_JWT_ISSUER?.trim();
  const audience = env.RADAR_JWT_AUDIENCE?.trim();
  const jwks = env.RADAR_JWKS_URL?.trim();
  if (!issuer || !audience || !jwks) {
    // Fail closed: an API without its token settings must not serve every unit to anyone.
    throw new ConfigError([
      { file: '(environment)', line: 0, col: 0, path: 'RADAR_JWT_ISSUER', reason: 'RADAR_JWT_ISSUER, RADAR_JWT_AUDIENCE and RADAR_JWKS_URL are required' },
    ]);
  }
  void issuer;
  void audience;
  void jwks;
  return () => Promise.reject(new UnauthenticatedError({ reason: 'token verification is not wired in yet' }));
}

const getApp = once(async () => {
  const opened = await openStores(process.env);
  const authorise = await buildAuthorise(process.env);
  return handle(buildApiApp({ snapshots: opened.stores.snapshots, runs: opened.stores.runs, authorise, logger: port }));
});

export const handler = middy(async (event: Parameters<ReturnType<typeof handle>>[0], context: Context) => (await getApp())(event, context)).use(
  injectLambdaContext(powertools, { logEvent: false }),
);
