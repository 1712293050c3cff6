import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { handleScorePod } from '../shared/pipeline/index.js';
import { handlerKit } from './lib/handler-kit.js';

// Score one pod (an item of the fanned-out score Map): `{ runId, asOf, pod }`; writes the pod's card as pending.
const kit = handlerKit('radar-score-pod');

export const handler = middy(async (event: unknown) => handleScorePod(await kit.getDeps(), event)).use(
  injectLambdaContext(kit.powertools, { logEvent: false }),
);
