import { validate } from '@octokit/graphql-schema';
import { describe, expect, it } from 'vitest';
import { listBindings } from '../../shared/org/index.js';
import { GITHUB_GRAPHQL_QUERIES } from '../../shared/sources/github/streams/graphql-queries.js';
import { createGithubSource } from '../../shared/sources/github/index.js';
import { ANCHOR, TEST_TOKEN, startGithubSandbox } from '../integration/github/github-sandbox.js';

// Every GraphQL query the GitHub connector sends, against GitHub's published GraphQL schema through the schema
// package's own validate() (@octokit/graphql-schema 15, built from api.github.com's public schema).

describe('GitHub GraphQL conformance: the connector\'s queries against GitHub\'s published schema', () => {
  it('declares only queries the schema accepts', () => {
    for (const [name, query] of Object.entries(GITHUB_GRAPHQL_QUERIES)) expect([name, validate(query).map((e) => e.message)]).toEqual([name, []]);
  });

  it('sends only those queries during full and incremental syncs (every query sent validates)', async () => {
    const gh = await startGithubSandbox({ weeks: 8 });
    const sent: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/graphql')) sent.push((JSON.parse(String(init?.body)) as { query: string }).query);
      return fetch(input, init);
    };
    try {
      const source = createGithubSource({ maxWaitSeconds: 5, retryBaseMs: 10 });
      const binding = listBindings(gh.org).find((b) => b.id === 'pod:recsys/github')!;
      const login = gh.world.repo('acme/recsys').pulls[0]!.user.login;
      const d = gh.world.addDeployment('acme/recsys', { by: login, createdAt: new Date(ANCHOR.getTime() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
      const ctx = { binding, org: gh.org, credentials: { RADAR_GITHUB_TOKEN: TEST_TOKEN }, since: new Date(ANCHOR.getTime() - 120 * 86_400_000).toISOString(), fetch: recording, onPage: async () => undefined };
      const first = await source.collect({ ...ctx, cursor: null, asOf: ANCHOR.toISOString() });
      // The open deployment moves on: the change probe sees it and the deployment is read again by node id.
      gh.world.addDeploymentStatus('acme/recsys', d.id, { state: 'in_progress', at: new Date(ANCHOR.getTime() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') });
      await source.collect({ ...ctx, cursor: first.cursor, asOf: new Date(ANCHOR.getTime() + 3_600_000).toISOString() });
    } finally {
      await gh.close();
    }
    expect(sent.length).toBeGreaterThan(2);
    expect(new Set(sent)).toContain(GITHUB_GRAPHQL_QUERIES.DEPLOYMENT_NODES_QUERY);
    // The change probe is built per binding size: the one sent (one repo) validates too, not only the declared example.
    expect(sent.filter((q) => q.startsWith('query ChangeProbe('))).toHaveLength(2);
    for (const q of new Set(sent)) expect(validate(q)).toEqual([]);
  });

  it('fails a query with one field renamed (mergedAt → merged_at)', () => {
    const broken = GITHUB_GRAPHQL_QUERIES.PULLS_QUERY.replace('mergedAt', 'merged_at');
    const messages = validate(broken).map((e) => e.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^Cannot query field "merged_at" on type "PullRequest"/);
  });
});
