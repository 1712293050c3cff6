// The GraphQL queries the connector sends (checked against GitHub's published schema by test/conformance). Each
// selects rateLimit { cost } so the points spent are known. Cost by GitHub's formula: 1 request for the outer
// connection of 100 plus 100 for the nested connection in each node = 101 requests → 1 point per page.

const RATE = 'rateLimit { cost remaining resetAt }';
const REVIEW_FIELDS = 'databaseId state submittedAt url author { login }';

/** A page of 100 pull requests, most recently updated first, each with its first 100 reviews. */
export const PULLS_QUERY = `query PullsWithReviews($owner: String!, $name: String!, $cursor: String) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    pullRequests(first: 100, after: $cursor, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number url state isDraft createdAt updatedAt mergedAt closedAt author { login }
        reviews(first: 100) { pageInfo { hasNextPage endCursor } nodes { ${REVIEW_FIELDS} } }
      }
    }
  }
}`;

/** The reviews of one pull request beyond its first 100. */
export const MORE_REVIEWS_QUERY = `query MoreReviews($owner: String!, $name: String!, $number: Int!, $cursor: String) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviews(first: 100, after: $cursor) { pageInfo { hasNextPage endCursor } nodes { ${REVIEW_FIELDS} } }
    }
  }
}`;

const DEPLOYMENT_FIELDS = 'id databaseId createdAt environment commitOid creator { login } statuses(first: 100) { nodes { id state createdAt } }';

/** A page of 100 deployments, newest first, each with its statuses (in no documented order). */
export const DEPLOYMENTS_QUERY = `query DeploymentsWithStatuses($owner: String!, $name: String!, $cursor: String) {
  ${RATE}
  repository(owner: $owner, name: $name) {
    deployments(first: 100, after: $cursor, orderBy: {field: CREATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes { ${DEPLOYMENT_FIELDS} }
    }
  }
}`;

/** Deployments by node id (the ones still open); a deleted deployment comes back as null. */
export const DEPLOYMENT_NODES_QUERY = `query OpenDeployments($ids: [ID!]!) {
  ${RATE}
  nodes(ids: $ids) { ... on Deployment { ${DEPLOYMENT_FIELDS} } }
}`;

/** Every query the connector sends, for the conformance test. */
export const GITHUB_GRAPHQL_QUERIES = { PULLS_QUERY, MORE_REVIEWS_QUERY, DEPLOYMENTS_QUERY, DEPLOYMENT_NODES_QUERY } as const;
