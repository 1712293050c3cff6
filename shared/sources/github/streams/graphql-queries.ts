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

const DEPLOYMENT_FIELDS = 'id databaseId createdAt environment commitOid creator { login } statuses(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { id state createdAt } }';

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

/** The statuses of one deployment beyond its first 100. */
export const MORE_STATUSES_QUERY = `query MoreDeploymentStatuses($id: ID!, $cursor: String) {
  ${RATE}
  node(id: $id) { ... on Deployment { statuses(first: 100, after: $cursor) { pageInfo { hasNextPage endCursor } nodes { id state createdAt } } } }
}`;

/** Deployments by node id (the ones still open); a deleted deployment comes back as null. */
export const DEPLOYMENT_NODES_QUERY = `query OpenDeployments($ids: [ID!]!) {
  ${RATE}
  nodes(ids: $ids) { ... on Deployment { ${DEPLOYMENT_FIELDS} } }
}`;


/**
 * The change probe of a binding: one query for up to PROBE_REPOS repos (aliases r0, r1, …, variables $o0/$n0, …) and
 * the items still open at the last sync (`$open`: deployment and workflow-run node ids). Per repo it reads what
 * moves when a stream the connector reads would return something new: `pushedAt` and the default branch's head
 * (commits, and the runs pushes trigger), the most recently updated pull request (a new or changed pull request; a
 * submitted review moves its pull request's updatedAt), the newest 100 releases with their publish state (new,
 * deletions; their total count also moves for a new release tagging an old commit), the newest deployment; per open
 * item its status count (deployments), its updatedAt and check-suite state (runs: progress, completion, re-run) or
 * its publish state (draft releases, which keep their older position when published). By GitHub's cost formula this is 3 requests
 * per repo plus 1 per open deployment: 1 point for a binding of up to 30 repos.
 */
export const PROBE_REPOS = 30;

const PROBE_REPO_FIELDS = `pushedAt defaultBranchRef { target { oid } }
    pullRequests(first: 1, orderBy: {field: UPDATED_AT, direction: DESC}) { nodes { number updatedAt } }
    releases(first: 100, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount nodes { databaseId isDraft publishedAt } }
    deployments(first: 1, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { databaseId } }`;

/** The change-probe query for `repos` repositories (1 ≤ repos ≤ PROBE_REPOS). */
export function probeQuery(repos: number): string {
  const vars = Array.from({ length: repos }, (_, i) => `$o${i}: String!, $n${i}: String!`).join(', ');
  const aliases = Array.from({ length: repos }, (_, i) => `  r${i}: repository(owner: $o${i}, name: $n${i}) {\n    ${PROBE_REPO_FIELDS}\n  }`).join('\n');
  return `query ChangeProbe(${vars}, $open: [ID!]!) {
  ${RATE}
${aliases}
  open: nodes(ids: $open) {
    ... on Deployment { id statuses(first: 1) { totalCount } }
    ... on WorkflowRun { id updatedAt checkSuite { status conclusion } }
    ... on Release { id isDraft publishedAt }
  }
}`;
}

/** Every query the connector sends, for the conformance test (the probe as sent for a binding of two repos). */
export const GITHUB_GRAPHQL_QUERIES = { PULLS_QUERY, MORE_REVIEWS_QUERY, DEPLOYMENTS_QUERY, DEPLOYMENT_NODES_QUERY, MORE_STATUSES_QUERY, PROBE_QUERY_2: probeQuery(2) } as const;
