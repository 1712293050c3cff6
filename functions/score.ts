import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { handleScore } from '../shared/pipeline/index.js';
import { handlerKit } from './lib/handler-kit.js';

// Score: `{ runId, asOf }` after the Map; reads the outcomes the collect tasks stored, scores and saves snapshots.
const kit = handlerKit('radar-score');

export const handler = middy(async (event: unknown) => {
  const run = await handleScore(await kit.getDeps(), event);
  // Step Functions only needs the summary; the full record is in the run store.
  return { runId: run.runId, asOf: run.asOf, status: run.status, unitsScored: run.unitsScored, requests: run.requests };
}).use(injectLambdaContext(kit.powertools, { logEvent: false }));
