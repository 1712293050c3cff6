import { Kind, buildClientSchema, graphql, parse, validate } from 'graphql';
import type { DocumentNode, GraphQLSchema, IntrospectionQuery, SelectionSetNode, ValueNode } from 'graphql';
import type { DeploymentRec, GithubWorld, PullRec, ReleaseRec, RepoRec, ReviewRec, RunRec, StatusRec } from './world.js';

// GitHub's GraphQL API for the part the connector reads (pull requests with reviews, deployments with statuses,
// nodes by id, rateLimit), executed against GitHub's real public schema (@octokit/graphql-schema's introspection
// JSON; its SDL file does not pass graphql-js's SDL validation, the JSON is what the package's own validate()
// uses). Any query the schema rejects is rejected here as on github.com; resolvers exist only for what is served.

let schema: GraphQLSchema | undefined;

/** GitHub's GraphQL schema (built once, on first use; about 1 s). */
export async function githubGraphqlSchema(): Promise<GraphQLSchema> {
  if (!schema) {
    const { schema: published } = await import('@octokit/graphql-schema');
    const json = published.json as unknown as { data?: IntrospectionQuery } & IntrospectionQuery;
    schema = buildClientSchema(json.data ?? json);
  }
  return schema;
}

type Vars = Record<string, unknown>;

function argValue(v: ValueNode, vars: Vars): unknown {
  if (v.kind === Kind.VARIABLE) return vars[v.name.value];
  if (v.kind === Kind.INT) return Number(v.value);
  return undefined;
}

/**
 * The query's rate-limit cost by GitHub's documented formula ("Calculating a rate limit score before running the
 * call", docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api): add up the requests
 * needed to fulfil each connection, assuming every `first`/`last` is reached (a connection nested in one of 100
 * parents needs 100 requests), divide by 100 and round to the nearest whole number; never below 1. `rateLimit`
 * itself is free.
 */
export function queryCost(doc: DocumentNode, vars: Vars): number {
  const fragments = new Map(doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  let requests = 0;
  const walk = (set: SelectionSetNode | undefined, parents: number): void => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet, parents);
      else if (sel.kind === Kind.FRAGMENT_SPREAD) walk(fragments.get(sel.name.value), parents);
      else {
        const size = sel.arguments?.filter((a) => a.name.value === 'first' || a.name.value === 'last').map((a) => Number(argValue(a.value, vars) ?? 0))[0];
        if (size !== undefined) {
          requests += parents;
          walk(sel.selectionSet, parents * Math.max(1, size));
        } else walk(sel.selectionSet, parents);
      }
    }
  };
  for (const d of doc.definitions) if (d.kind === Kind.OPERATION_DEFINITION) walk(d.selectionSet, 1);
  return Math.max(1, Math.round(requests / 100));
}

interface Page {
  first?: number;
  last?: number;
  after?: string;
}

/** A cursor connection over `items` (GitHub's opaque cursors are base64 here too). */
function connection<T, N>(items: readonly T[], args: Page, node: (t: T) => N): Record<string, unknown> {
  const start = args.after ? Number(Buffer.from(args.after, 'base64').toString('utf8').replace('cursor:', '')) + 1 : 0;
  const size = Math.min(100, args.first ?? args.last ?? 100);
  const slice = items.slice(start, start + size);
  const end = start + slice.length - 1;
  const cursor = (i: number): string => Buffer.from(`cursor:${i}`).toString('base64');
  return {
    totalCount: items.length,
    nodes: slice.map(node),
    edges: slice.map((t, i) => ({ cursor: cursor(start + i), node: node(t) })),
    pageInfo: { hasNextPage: start + slice.length < items.length, hasPreviousPage: start > 0, startCursor: slice.length ? cursor(start) : null, endCursor: slice.length ? cursor(end) : null },
  };
}

const nodeId = (prefix: string, id: number): string => `${prefix}_${Buffer.from(String(id)).toString('base64url')}`;
/** GraphQL names a GitHub App's bot by its app slug, without REST's `[bot]` suffix. */
const actor = (web: string, login: string): Record<string, unknown> => (login.endsWith('[bot]')
  ? { __typename: 'Bot', login: login.replace(/\[bot\]$/, ''), url: `${web}/apps/${login.replace(/\[bot\]$/, '')}` }
  : { __typename: 'User', login, url: `${web}/${login}` });

function byDirection<T>(items: T[], key: (t: T) => string, direction: unknown): T[] {
  const sorted = [...items].sort((a, b) => Date.parse(key(a)) - Date.parse(key(b)));
  return direction === 'DESC' ? sorted.reverse() : sorted;
}

function reviewNode(web: string, r: RepoRec, p: PullRec, rv: ReviewRec): Record<string, unknown> {
  return {
    __typename: 'PullRequestReview', id: nodeId('PRR', rv.id), databaseId: rv.id, state: rv.state, submittedAt: rv.submitted_at, createdAt: rv.submitted_at,
    url: `${web}/${r.fullName}/pull/${p.number}#pullrequestreview-${rv.id}`, author: actor(web, rv.user.login), body: '',
  };
}

function pullNode(web: string, r: RepoRec, p: PullRec): Record<string, unknown> {
  return {
    __typename: 'PullRequest', id: nodeId('PR', p.id), databaseId: p.id, number: p.number, title: p.title, body: p.body,
    url: `${web}/${r.fullName}/pull/${p.number}`, state: p.merged_at ? 'MERGED' : p.state === 'open' ? 'OPEN' : 'CLOSED', isDraft: p.draft,
    createdAt: p.created_at, updatedAt: p.updated_at, mergedAt: p.merged_at, closedAt: p.closed_at, author: actor(web, p.user.login),
    headRefName: p.head_ref, headRefOid: p.head_sha,
    reviews: (args: Page) => connection(r.reviews.get(p.number) ?? [], args, (rv) => reviewNode(web, r, p, rv)),
  };
}

function statusNode(web: string, s: StatusRec): Record<string, unknown> {
  return { __typename: 'DeploymentStatus', id: nodeId('DES', s.id), state: s.state.toUpperCase(), createdAt: s.created_at, updatedAt: s.created_at, creator: actor(web, s.creator.login), description: '' };
}

function deploymentNode(web: string, r: RepoRec, d: DeploymentRec): Record<string, unknown> {
  // GitHub documents no order for a deployment's statuses: served oldest first, as over REST.
  const statuses = [...(r.statuses.get(d.id) ?? [])].sort((a, b) => a.id - b.id);
  return {
    __typename: 'Deployment', id: nodeId('DE', d.id), databaseId: d.id, createdAt: d.created_at, updatedAt: d.updated_at, environment: d.environment,
    originalEnvironment: d.environment, ref: null, task: 'deploy', commitOid: d.sha, creator: actor(web, d.creator.login),
    statuses: (args: Page) => connection(statuses, args, (s) => statusNode(web, s)),
  };
}

function releaseNode(web: string, r: RepoRec, rel: ReleaseRec): Record<string, unknown> {
  return {
    __typename: 'Release', id: nodeId('RE', rel.id), databaseId: rel.id, tagName: rel.tag_name, name: rel.name, isDraft: rel.draft,
    isPrerelease: rel.prerelease, createdAt: rel.created_at, publishedAt: rel.published_at, url: `${web}/${r.fullName}/releases/tag/${rel.tag_name}`,
  };
}

/** GitHub's check-suite states for a run's REST status (CheckStatusState) and conclusion (CheckConclusionState). */
function runNode(web: string, r: RepoRec, run: RunRec): Record<string, unknown> {
  const status = (run.status ?? 'queued').toUpperCase();
  return {
    __typename: 'WorkflowRun', id: nodeId('WFR', run.id), databaseId: run.id, runNumber: run.run_number, event: run.event, createdAt: run.created_at,
    updatedAt: run.updated_at, url: `${web}/${r.fullName}/actions/runs/${run.id}`,
    checkSuite: { __typename: 'CheckSuite', id: nodeId('CS', run.id + 1), databaseId: run.id + 1, status, conclusion: run.conclusion ? run.conclusion.toUpperCase() : null },
  };
}

function repositoryNode(web: string, r: RepoRec): Record<string, unknown> {
  // The default branch's head: the newest commit on it (none in an empty repository).
  const head = [...r.commits].sort((a, b) => Date.parse(a.date) - Date.parse(b.date)).at(-1);
  return {
    __typename: 'Repository', id: nodeId('R', r.id), databaseId: r.id, name: r.name, nameWithOwner: r.fullName, url: `${web}/${r.fullName}`,
    pushedAt: r.pushed_at,
    defaultBranchRef: head ? { __typename: 'Ref', id: nodeId('REF', r.id), name: 'main', target: { __typename: 'Commit', id: `C_${Buffer.from(head.sha.slice(0, 12)).toString('base64url')}`, oid: head.sha } } : null,
    releases: (args: Page & { orderBy?: { field: string; direction: string } }) => {
      const key = args.orderBy?.field === 'NAME' ? null : (x: ReleaseRec): string => x.created_at;
      const list = key ? byDirection(r.releases, key, args.orderBy?.direction ?? 'ASC') : [...r.releases].sort((a, b) => a.name.localeCompare(b.name));
      return connection(list, args, (rel) => releaseNode(web, r, rel));
    },
    pullRequests: (args: Page & { orderBy?: { field: string; direction: string }; states?: string[] }) => {
      const field = args.orderBy?.field === 'UPDATED_AT' ? 'updated_at' : 'created_at';
      const pulls = byDirection(r.pulls, (p) => p[field], args.orderBy?.direction ?? 'ASC');
      return connection(pulls, args, (p) => pullNode(web, r, p));
    },
    pullRequest: ({ number }: { number: number }) => {
      const p = r.pulls.find((x) => x.number === number);
      return p ? pullNode(web, r, p) : null;
    },
    deployments: (args: Page & { orderBy?: { direction: string }; environments?: string[] }) => {
      const list = r.deployments.filter((d) => !args.environments || args.environments.includes(d.environment));
      return connection(byDirection(list, (d) => d.created_at, args.orderBy?.direction ?? 'ASC'), args, (d) => deploymentNode(web, r, d));
    },
  };
}

/**
 * Executes one POST /graphql body against the world; returns GitHub's response shape and the points it cost. `web` is
 * the origin of the sandbox's own web views (./web.ts), which every `url` field points at.
 */
export async function executeGithubGraphql(world: GithubWorld, body: unknown, web: string): Promise<{ status: number; json: unknown; cost: number }> {
  const { query, variables } = (body ?? {}) as { query?: unknown; variables?: unknown };
  if (typeof query !== 'string') return { status: 400, json: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' }, cost: 0 };
  const vars = (variables && typeof variables === 'object' ? variables : {}) as Vars;
  let doc: DocumentNode;
  try {
    doc = parse(query);
  } catch (err) {
    return { status: 200, json: { errors: [{ message: (err as Error).message }] }, cost: 0 };
  }
  const gqlSchema = await githubGraphqlSchema();
  const problems = validate(gqlSchema, doc);
  if (problems.length) return { status: 200, json: { errors: problems.map((p) => ({ message: p.message, locations: p.locations })) }, cost: 0 };
  const cost = queryCost(doc, vars);
  const budget = world.graphqlBudget;
  budget.used += cost;
  const byNodeId = (id: string): Record<string, unknown> | null => {
    for (const r of world.repos.values()) {
      for (const d of r.deployments) if (nodeId('DE', d.id) === id) return deploymentNode(web, r, d);
      for (const p of r.pulls) if (nodeId('PR', p.id) === id) return pullNode(web, r, p);
      for (const run of r.runs) if (nodeId('WFR', run.id) === id) return runNode(web, r, run);
      for (const rel of r.releases) if (nodeId('RE', rel.id) === id) return releaseNode(web, r, rel);
    }
    return null;
  };
  const missing: Array<{ key: string; name: string }> = [];
  const root = {
    rateLimit: { cost, limit: budget.limit, used: budget.used, remaining: Math.max(0, budget.limit - budget.used), resetAt: new Date(budget.resetAt * 1000).toISOString(), nodeCount: 0 },
    repository: ({ owner, name }: { owner: string; name: string }, _ctx: unknown, info: { path: { key: string | number } }) => {
      const r = world.repos.get(`${owner}/${name}`);
      if (!r) missing.push({ key: String(info.path.key), name: `${owner}/${name}` });
      return r ? repositoryNode(web, r) : null;
    },
    node: ({ id }: { id: string }) => byNodeId(id),
    nodes: ({ ids }: { ids: string[] }) => ids.map(byNodeId),
  };
  const result = await graphql({ schema: gqlSchema, source: query, rootValue: root, variableValues: vars });
  // GitHub answers a missing repository with data.repository null plus a NOT_FOUND error naming the field's path.
  const notFound = missing.map((m) => ({ type: 'NOT_FOUND', path: [m.key], message: `Could not resolve to a Repository with the name '${m.name}'.` }));
  const errors = [...(result.errors ?? []).map((e) => e.toJSON()), ...notFound];
  return { status: 200, json: errors.length ? { ...result, errors } : result, cost };
}
