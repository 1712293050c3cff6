import * as z from 'zod';
import type { FieldSpec, StreamAllowList } from '../allow-list.js';

// Per stream, side by side: the fields of GitHub's bodies the connector relies on (a zod schema; collect checks
// every page against it before handing it on, so a truncated or HTML page fails the binding instead of reaching
// normalise, and normalise checks again because it must be safe on its own), and the allow-list of what a stored
// raw page keeps (exactly the fields normalise and collect read; people as pseudonyms; no titles, bodies, messages,
// names or emails). Objects are loose: GitHub adds fields all the time. Response shapes: GitHub's OpenAPI
// description (@octokit/openapi, api.github.com), which test/conformance holds the sandbox to.

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 time');
// `author`/`committer` on commits may be null or `{}` (an email GitHub maps to no account); runs' `actor` too.
const user = z.looseObject({ login: z.string().optional() }).nullable();
const person: FieldSpec = { login: 'person' };

export const pullSchema = z.looseObject({
  number: z.number().int(), html_url: z.string(), state: z.string(), created_at: iso, updated_at: iso,
  merged_at: iso.nullable().optional(), closed_at: iso.nullable(), draft: z.boolean().optional(), user,
});
const pullAllow: FieldSpec = {
  number: true, html_url: true, state: true, created_at: true, updated_at: true, merged_at: true, closed_at: true, draft: true, user: person,
};
export const reviewSchema = z.looseObject({
  id: z.number(), state: z.string(), submitted_at: iso.nullable().optional(), html_url: z.string(), user,
});
const reviewAllow: FieldSpec = { id: true, state: true, submitted_at: true, html_url: true, user: person };
// The git author/committer `date` is optional in GitHub's schema; a commit without any date has no place in time.
const gitActor = z.looseObject({ date: iso.optional() }).nullable().optional();
export const commitSchema = z.looseObject({
  sha: z.string(), html_url: z.string(), commit: z.looseObject({ author: gitActor, committer: gitActor }), author: user,
});
const commitAllow: FieldSpec = {
  sha: true, html_url: true, commit: { author: { date: true }, committer: { date: true } }, author: person,
};
export const deploymentSchema = z.looseObject({ id: z.number(), created_at: iso, environment: z.string(), creator: user.optional() });
// `sha` is the deployed commit: a deployment counts as a change once per commit (shared/signals, corroboration).
const deploymentAllow: FieldSpec = { id: true, sha: true, created_at: true, environment: true, creator: person };
export const statusSchema = z.looseObject({ id: z.number(), state: z.string(), created_at: iso });
const statusAllow: FieldSpec = { id: true, state: true, created_at: true };
export const runSchema = z.looseObject({
  id: z.number(), name: z.string().nullable().optional(), event: z.string(), status: z.string().nullable(), conclusion: z.string().nullable(),
  created_at: iso, updated_at: iso, html_url: z.string(), actor: user.optional(),
});
const runAllow: FieldSpec = {
  id: true, name: true, event: true, status: true, conclusion: true, created_at: true, updated_at: true, run_started_at: true,
  run_attempt: true, html_url: true, actor: person,
};
export const runsPageSchema = z.looseObject({ total_count: z.number(), workflow_runs: z.array(runSchema) });
export const releaseSchema = z.looseObject({
  id: z.number(), tag_name: z.string(), draft: z.boolean(), prerelease: z.boolean(), created_at: iso, published_at: iso.nullable(),
  html_url: z.string(), author: user.optional(),
});
const releaseAllow: FieldSpec = {
  id: true, tag_name: true, draft: true, prerelease: true, created_at: true, published_at: true, html_url: true, author: person,
};
// GraphQL streams (pull requests with reviews, deployments with statuses): connection pages as GitHub's GraphQL
// schema types them (PullRequest, PullRequestReview, Deployment, DeploymentStatus; @octokit/graphql-schema).
const gqlActor = z.looseObject({ login: z.string() }).nullable();
const pageInfo = z.looseObject({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const gqlReview = z.looseObject({ databaseId: z.number().nullable(), state: z.string(), submittedAt: iso.nullable(), url: z.string(), author: gqlActor });
const gqlReviews = z.looseObject({ pageInfo, nodes: z.array(gqlReview) });
const gqlPull = z.looseObject({
  number: z.number().int(), url: z.string(), state: z.string(), isDraft: z.boolean(), createdAt: iso, updatedAt: iso,
  mergedAt: iso.nullable(), closedAt: iso.nullable(), author: gqlActor, reviews: gqlReviews,
});
const gqlDeployment = z.looseObject({
  id: z.string(), databaseId: z.number(), createdAt: iso, environment: z.string().nullable(), creator: gqlActor, commitOid: z.string().optional(),
  statuses: z.looseObject({ nodes: z.array(z.looseObject({ id: z.string(), state: z.string(), createdAt: iso })) }),
});
const gqlPerson: FieldSpec = { login: 'person' };
const gqlReviewAllow: FieldSpec = { databaseId: true, state: true, submittedAt: true, url: true, author: gqlPerson };
const gqlPageInfoAllow: FieldSpec = { hasNextPage: true, endCursor: true };
const gqlDeploymentAllow: FieldSpec = {
  id: true, databaseId: true, createdAt: true, environment: true, commitOid: true, creator: gqlPerson, statuses: { nodes: [{ id: true, state: true, createdAt: true }] },
};

export const eventSchema = z.looseObject({ id: z.string(), type: z.string().nullable(), created_at: iso });
export const repoSchema = z.looseObject({ full_name: z.string() });

/** Which GitHub listing a raw page belongs to; the stream name starts with it (`pulls:acme/reco`). */
export type GithubStream =
  | 'pulls' | 'reviews' | 'commits' | 'deployments' | 'deployment-statuses' | 'runs' | 'run' | 'releases' | 'events' | 'team-repos'
  | 'pulls-graphql' | 'reviews-graphql' | 'deployments-graphql' | 'deployment-nodes-graphql';

/** Body schema per stream. */
export const PAGE_SCHEMAS: Record<GithubStream, z.ZodType> = {
  pulls: z.array(pullSchema),
  reviews: z.array(reviewSchema),
  commits: z.array(commitSchema),
  deployments: z.array(deploymentSchema),
  'deployment-statuses': z.array(statusSchema),
  runs: runsPageSchema,
  run: runSchema,
  releases: z.array(releaseSchema),
  events: z.array(eventSchema),
  'team-repos': z.array(repoSchema),
  'pulls-graphql': z.looseObject({ pageInfo, nodes: z.array(gqlPull) }),
  'reviews-graphql': gqlReviews,
  'deployments-graphql': z.looseObject({ pageInfo, nodes: z.array(gqlDeployment) }),
  'deployment-nodes-graphql': z.looseObject({ nodes: z.array(gqlDeployment.nullable()) }),
};

/**
 * What a stored raw page keeps, per stream (the allow-list at the edge): exactly what normalise reads, plus the
 * ids and times collect needs to page and to keep its cursor. Sub-listings keep the parent fields normalise reads.
 */
export const GITHUB_ALLOW_LISTS: Readonly<Record<GithubStream, StreamAllowList>> = {
  pulls: { body: [pullAllow] },
  reviews: { body: [reviewAllow], parent: { number: true, user: person } },
  commits: { body: [commitAllow] },
  deployments: { body: [deploymentAllow] },
  'deployment-statuses': { body: [statusAllow], parent: deploymentAllow },
  runs: { body: { total_count: true, workflow_runs: [runAllow] } },
  run: { body: runAllow },
  releases: { body: [releaseAllow] },
  // The change probe only needs to exist; actors and payloads (push events carry commit authors) are not kept.
  events: { body: [{ id: true, type: true, created_at: true }] },
  'team-repos': { body: [{ full_name: true }] },
  'pulls-graphql': {
    body: {
      pageInfo: gqlPageInfoAllow,
      nodes: [{
        number: true, url: true, state: true, isDraft: true, createdAt: true, updatedAt: true, mergedAt: true, closedAt: true, author: gqlPerson,
        reviews: { pageInfo: gqlPageInfoAllow, nodes: [gqlReviewAllow] },
      }],
    },
  },
  'reviews-graphql': { body: { pageInfo: gqlPageInfoAllow, nodes: [gqlReviewAllow] }, parent: { number: true, author: gqlPerson } },
  'deployments-graphql': { body: { pageInfo: gqlPageInfoAllow, nodes: [gqlDeploymentAllow] } },
  'deployment-nodes-graphql': { body: { nodes: [gqlDeploymentAllow] } },
};

/** The latest of a deployment's statuses: GitHub documents no order, so by created_at, then id. */
export function latestStatus<T extends { id: number | string; created_at: string }>(statuses: readonly T[]): T | undefined {
  const byId = (a: T, b: T): number => (typeof a.id === 'number' && typeof b.id === 'number' ? b.id - a.id : String(b.id).localeCompare(String(a.id)));
  return [...statuses].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || byId(a, b))[0];
}

/** Splits `pulls:acme/reco` into its stream kind and repo (or team slug). */
export function parseStream(stream: string): { kind: GithubStream; target: string } | null {
  const i = stream.indexOf(':');
  const kind = stream.slice(0, i) as GithubStream;
  return i > 0 && kind in PAGE_SCHEMAS ? { kind, target: stream.slice(i + 1) } : null;
}

/** Checks a body against its stream's schema; returns a short problem description or null when it fits. */
export function checkPageBody(kind: GithubStream, body: unknown): string | null {
  if (typeof body === 'string') return `expected JSON but got text starting ${JSON.stringify(body.slice(0, 40))}`;
  const r = PAGE_SCHEMAS[kind].safeParse(body);
  if (r.success) return null;
  const issue = r.error.issues[0];
  return `unexpected ${kind} page shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
}
