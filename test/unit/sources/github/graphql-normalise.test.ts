import { describe, expect, it } from 'vitest';
import { actorHasher } from '../../../../shared/kernel/index.js';
import type { NormaliseContext, RawPage } from '../../../../shared/sources/contract.js';
import { normaliseGithubPage } from '../../../../shared/sources/github/index.js';

const ctx: NormaliseContext = {
  binding: { id: 'pod:recsys/github', unit: 'pod:recsys', source: 'github' }, rawKey: 'raw/k', hashActor: actorHasher('unit-key'), baseUrl: 'https://api.github.com',
};
const page = (stream: string, body: unknown): RawPage => ({
  source: 'github', bindingId: 'pod:recsys/github', stream, path: '/graphql', seq: 0, fetchedAt: '2026-11-23T00:00:00.000Z', status: 200, body,
});
const pageInfo = { hasNextPage: false, endCursor: null };

describe('GitHub normaliser on GraphQL pages', () => {
  it('maps a MERGED pull request to state closed with its merge time and skips a pending review', () => {
    const acts = normaliseGithubPage(page('pulls-graphql:acme/recsys', {
      pageInfo,
      nodes: [{
        number: 7, url: 'https://github.com/acme/recsys/pull/7', state: 'MERGED', isDraft: false, createdAt: '2026-11-01T10:00:00Z',
        updatedAt: '2026-11-02T10:00:00Z', mergedAt: '2026-11-02T10:00:00Z', closedAt: '2026-11-02T10:00:00Z', author: { login: 'p1' },
        reviews: { pageInfo, nodes: [
          { databaseId: 70, state: 'APPROVED', submittedAt: '2026-11-01T12:00:00Z', url: 'https://github.com/acme/recsys/pull/7#pullrequestreview-70', author: { login: 'p2' } },
          { databaseId: 71, state: 'PENDING', submittedAt: null, url: 'https://github.com/acme/recsys/pull/7#pullrequestreview-71', author: { login: 'p3' } },
        ] },
      }],
    }), ctx);
    expect(acts.map((a) => [a.kind, a.id])).toEqual([['pull-request', 'github:pr:acme/recsys#7'], ['review', 'github:review:acme/recsys#7/70']]);
    expect(acts[0]?.attrs).toMatchObject({ state: 'closed', mergedAt: '2026-11-02T10:00:00.000Z', draft: false });
    expect(acts[1]?.attrs.prActor).toBe(ctx.hashActor('p1'));
  });

  it('takes a deployment\'s latest status by time whatever order the statuses come in', () => {
    const acts = normaliseGithubPage(page('deployments-graphql:acme/recsys', {
      pageInfo,
      nodes: [{
        id: 'DE_1', databaseId: 9, createdAt: '2026-11-01T10:00:00Z', environment: 'production', commitOid: 'c0ffee0', creator: { login: 'p1' },
        statuses: { nodes: [
          { id: 'DES_3', state: 'SUCCESS', createdAt: '2026-11-01T10:20:00Z' },
          { id: 'DES_1', state: 'QUEUED', createdAt: '2026-11-01T10:00:00Z' },
          { id: 'DES_2', state: 'IN_PROGRESS', createdAt: '2026-11-01T10:01:00Z' },
        ] },
      }],
    }), ctx);
    expect(acts).toHaveLength(1);
    expect(acts[0]?.attrs).toEqual({ repo: 'acme/recsys', environment: 'production', state: 'success', statusAt: '2026-11-01T10:20:00.000Z', sha: 'c0ffee0' });
  });

  it('drops a deployment node that came back null (deleted since it was tracked)', () => {
    expect(normaliseGithubPage(page('deployment-nodes-graphql:acme/recsys', { nodes: [null] }), ctx)).toEqual([]);
  });
});
