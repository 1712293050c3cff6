import * as z from 'zod';

// The fields of GitHub's bodies the connector relies on. collect checks every page against these before handing
// it on (so a truncated or HTML page fails the binding instead of reaching normalise), and normalise checks
// again because it must be safe on its own. Objects are loose: GitHub adds fields all the time.

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 time');
const user = z.looseObject({ login: z.string() }).nullable();

export const pullSchema = z.looseObject({
  number: z.number().int(), html_url: z.string(), state: z.string(), created_at: iso, updated_at: iso,
  merged_at: iso.nullable().optional(), closed_at: iso.nullable(), draft: z.boolean().optional(), user,
});
export const reviewSchema = z.looseObject({
  id: z.number(), state: z.string(), submitted_at: iso.nullable().optional(), html_url: z.string(), user,
});
const gitActor = z.looseObject({ date: iso }).nullable();
export const commitSchema = z.looseObject({
  sha: z.string(), html_url: z.string(), commit: z.looseObject({ author: gitActor, committer: gitActor }), author: user,
});
export const deploymentSchema = z.looseObject({ id: z.number(), created_at: iso, environment: z.string() });
export const statusSchema = z.looseObject({ id: z.number(), state: z.string(), created_at: iso });
export const runSchema = z.looseObject({
  id: z.number(), name: z.string().nullable(), event: z.string(), conclusion: z.string().nullable(),
  created_at: iso, updated_at: iso, html_url: z.string(), actor: user.optional(),
});
export const runsPageSchema = z.looseObject({ total_count: z.number(), workflow_runs: z.array(runSchema) });
export const releaseSchema = z.looseObject({
  id: z.number(), tag_name: z.string(), prerelease: z.boolean(), created_at: iso, published_at: iso.nullable(),
  html_url: z.string(), author: user.optional(),
});
export const eventSchema = z.looseObject({ id: z.string(), type: z.string().nullable(), created_at: iso });
export const repoSchema = z.looseObject({ full_name: z.string() });

/** Which GitHub listing a raw page belongs to; the stream name starts with it (`pulls:acme/reco`). */
export type GithubStream = 'pulls' | 'reviews' | 'commits' | 'deployments' | 'deployment-statuses' | 'runs' | 'releases' | 'events' | 'team-repos';

/** Body schema per stream. */
export const PAGE_SCHEMAS: Record<GithubStream, z.ZodType> = {
  pulls: z.array(pullSchema),
  reviews: z.array(reviewSchema),
  commits: z.array(commitSchema),
  deployments: z.array(deploymentSchema),
  'deployment-statuses': z.array(statusSchema),
  runs: runsPageSchema,
  releases: z.array(releaseSchema),
  events: z.array(eventSchema),
  'team-repos': z.array(repoSchema),
};

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
