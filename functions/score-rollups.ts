import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { handleScoreRollups } from '../shared/pipeline/index.js';
import { handlerKit } from './lib/handler-kit.js';

// Rollups after the fanned-out score Map: `{ runId, asOf }`; reads the pending pod cards, scores the rollups and
// saves the whole as-of and the run record, as the single Score task does.
const kit = handlerKit('radar-score-rollups');

export const handler = middy(async (event: unknown) => {
  const run = await handleScoreRollups(await kit.getDeps(), event);
  return { runId: run.runId, asOf: run.asOf, status: run.status, unitsScored: run.unitsScored, requests: run.requests };
}).use(injectLambdaContext(kit.powertools, { logEvent: false }));
