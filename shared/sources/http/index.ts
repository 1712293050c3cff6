export { HttpClient, basicAuthorization, bearerAuthorization, parseServerWaitMs, pathWithoutQuery } from './client.js';
export type { HttpClientOptions, JsonResponse, RetryPolicy } from './client.js';
export { actorKeyEnv, pseudonymiser, rawPageEmitter, rawPagePseudonymiser, redactPeople } from './privacy.js';
export { forEachOffsetPage, forEachTokenPage } from './paginate.js';
