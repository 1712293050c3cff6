import { SourceError } from '../errors.js';

type SourceErrorOptions = ConstructorParameters<typeof SourceError>[1];

/**
 * A URL the GitHub client refuses to call with the token: a `Link: rel="next"` pointing at another origin than the
 * configured API, or a plain-http base URL that is not loopback. Failing the binding is the only safe answer: the
 * token would otherwise travel to a host the org never configured, or in clear text.
 */
export class UntrustedUrlError extends SourceError {
  constructor(o: SourceErrorOptions) {
    super('UNTRUSTED_URL', o);
  }
}

/** A GraphQL answer carrying `errors` (a query the schema rejects, a NOT_FOUND, a timeout): the stream cannot go on. */
export class GraphqlQueryError extends SourceError {
  constructor(o: SourceErrorOptions) {
    super('GRAPHQL_ERROR', o);
  }
}
