import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { jwtAuthoriserFromEnv } from '../shared/api/auth.js';
import { buildApiApp } from '../shared/api/index.js';
import { buildLambdaDeps, lambdaLogger, once } from './lib/deps.js';

// API: API Gateway v2 (HTTP API) → the hono app. The app knows nothing about Lambda; this file only wires the
// stores and the JWT scope check (RADAR_JWT_ISSUER / RADAR_JWT_AUDIENCE / RADAR_JWKS_URL, required: an API
// without them fails closed at cold start) and adapts the event.
const { powertools, port } = lambdaLogger('radar-api');

const getApp = once(async () => {
  const { deps } = await buildLambdaDeps(port);
  const authorise = jwtAuthoriserFromEnv(deps.org, process.env);
  return handle(buildApiApp({ snapshots: deps.stores.snapshots, runs: deps.stores.runs, authorise, logger: port }));
});

export const handler = middy(async (event: Parameters<ReturnType<typeof handle>>[0], context: Context) => (await getApp())(event, context)).use(
  injectLambdaContext(powertools, { logEvent: false }),
);
