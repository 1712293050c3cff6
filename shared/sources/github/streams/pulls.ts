import { GraphqlQueryError } from '../errors.js';
import type { GithubResponse } from '../client.js';
import { MORE_REVIEWS_QUERY, PULLS_QUERY } from './graphql-queries.js';
import { earlier } from './context.js';
import type { RepoStreamContext } from './context.js';

interface Connection<N> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: N[];
}

interface PullNode {
  number: number;
  updatedAt: string;
  author: { login?: string } | null;
  reviews: Connection<unknown>;
}

/** A GraphQL answer handed to the emitter like a REST page (path names the query and cursor, never variables' values beyond them). */
export function graphqlPage(data: unknown, what: string, cursor: string | null): GithubResponse {
  return { status: 200, data, etag: null, next: null, path: `/graphql?${what}&after=${cursor ?? ''}`, fetchedAt: new Date().toISOString() };
}

/**
 * Pull requests with their reviews through GraphQL, most recently updated first, down to the high-water mark of the
 * last sync (or the window start): one query (1 point) per 100 pull requests, where REST needs one request per pull
 * request for its reviews. A pull request with more than 100 reviews gets its remaining reviews by follow-up
 * queries. Returns the numbers seen.
 */
export async function collectPulls(s: RepoStreamContext): Promise<number[]> {
  const { client, emit, repo, rc, incremental } = s;
  const [owner, name] = repo.split('/') as [string, string];
  const stopAt = incremental ? rc.pullsMark : s.since;
  const seen: number[] = [];
  const moreReviews: PullNode[] = [];
  let newMark = rc.pullsMark;
  let atMark: number[] = incremental ? [...rc.pullsAtMark] : [];
  let cursor: string | null = null;
  pages: for (;;) {
    const data: { repository: { pullRequests: Connection<PullNode> } | null } = await client.graphql(PULLS_QUERY, { owner, name, cursor }, `pull requests of ${repo}`);
    if (!data.repository) throw notFound(s, repo);
    const conn = data.repository.pullRequests;
    await emit('pulls-graphql', repo, graphqlPage(conn, 'pullRequests', cursor));
    for (const pr of conn.nodes) {
      if (stopAt && earlier(pr.updatedAt, stopAt)) break pages;
      if (incremental && pr.updatedAt === rc.pullsMark && rc.pullsAtMark.includes(pr.number)) continue;
      seen.push(pr.number);
      if (pr.reviews.pageInfo.hasNextPage) moreReviews.push(pr);
      if (!newMark || earlier(newMark, pr.updatedAt)) {
        newMark = pr.updatedAt;
        atMark = [pr.number];
      } else if (pr.updatedAt === newMark) atMark.push(pr.number);
    }
    if (!conn.pageInfo.hasNextPage) break;
    cursor = conn.pageInfo.endCursor;
  }
  rc.pullsMark = newMark;
  rc.pullsAtMark = atMark;
  for (const pr of moreReviews) {
    let after = pr.reviews.pageInfo.endCursor;
    while (after) {
      const data: { repository: { pullRequest: { reviews: Connection<unknown> } | null } | null } = await client.graphql(MORE_REVIEWS_QUERY, { owner, name, number: pr.number, cursor: after }, `reviews of ${repo}#${pr.number}`);
      const reviews = data.repository?.pullRequest?.reviews;
      if (!reviews) break; // the pull request is gone since it was listed
      await emit('reviews-graphql', `${repo}#${pr.number}`, graphqlPage(reviews, `reviews=${pr.number}`, after), { number: pr.number, author: pr.author });
      after = reviews.pageInfo.hasNextPage ? reviews.pageInfo.endCursor : null;
    }
  }
  return seen;
}

/** GitHub answers an unknown or inaccessible repository with `repository: null` (and a NOT_FOUND error). */
export function notFound(s: RepoStreamContext, repo: string): GraphqlQueryError {
  return new GraphqlQueryError({ source: 'github', bindingId: s.client.bindingId, path: '/graphql', reason: `GitHub GraphQL found no repository ${repo}, or the credential in use has no access to it` });
}
