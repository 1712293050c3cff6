import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { handlePlan } from '../shared/pipeline/index.js';
import { handlerKit } from './lib/handler-kit.js';

// Plan: EventBridge Scheduler → Step Functions → here. Returns `{ runId, asOf, tasks }` for the Distributed Map.
const kit = handlerKit('radar-plan');

export const handler = middy(async (event: unknown) => handlePlan(await kit.getDeps(), event)).use(
  injectLambdaContext(kit.powertools, { logEvent: false }),
);
