import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { handleCollect, secretsManagerCredentialResolver } from '../shared/pipeline/index.js';
import { defaultSources } from '../shared/sources/index.js';
import { handlerKit } from './lib/handler-kit.js';

// Collect: one Distributed Map item (one unit × source binding), the only function with the connectors.
// Credentials come from Secrets Manager; the binding stops 10 s before the Lambda deadline so its outcome is
// recorded instead of the task timing out.
const kit = handlerKit('radar-collect', { sources: defaultSources(), credentials: secretsManagerCredentialResolver });

export const handler = middy(async (event: unknown, context: Context) =>
  handleCollect(await kit.getDeps(), event, { remainingMs: context.getRemainingTimeInMillis() }),
).use(injectLambdaContext(kit.powertools, { logEvent: false }));
