import { deploymentState } from '../probe.js';
import { latestStatus } from '../shapes.js';
import { DEPLOYMENTS_QUERY, DEPLOYMENT_NODES_QUERY, MORE_STATUSES_QUERY } from './graphql-queries.js';
import { earlier } from './context.js';
import type { RepoStreamContext } from './context.js';
import { graphqlPage, notFound } from './pulls.js';

/** Deployment states after which nothing changes (GitHub's deployment status states). */
const FINAL_STATES = new Set(['SUCCESS', 'FAILURE', 'ERROR', 'INACTIVE']);

interface DeploymentNode {
  id: string;
  databaseId: number;
  createdAt: string;
  statuses: { totalCount?: number; pageInfo?: { hasNextPage: boolean; endCursor: string | null }; nodes: StatusNode[] };
}

interface StatusNode {
  id: string;
  state: string;
  createdAt: string;
}

/**
 * Completes the statuses of deployments that have more than 100 (their order is not documented, so the latest can
 * be on any page) with follow-up queries, before the page is handed on.
 */
async function completeStatuses(s: RepoStreamContext, nodes: ReadonlyArray<DeploymentNode | null>): Promise<void> {
  for (const d of nodes) {
    let after = d?.statuses.pageInfo?.hasNextPage ? d.statuses.pageInfo.endCursor : null;
    while (d && after) {
      const data: { node: { statuses?: Connection<StatusNode> } | null } = await s.client.graphql(MORE_STATUSES_QUERY, { id: d.id, cursor: after }, `statuses of a deployment of ${s.repo}`);
      const more = data.node?.statuses;
      if (!more) break; // deleted since it was listed
      d.statuses.nodes.push(...more.nodes);
      after = more.pageInfo.hasNextPage ? more.pageInfo.endCursor : null;
    }
  }
}

interface Connection<N> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: N[];
}

/**
 * Deployments with their statuses through GraphQL, newest first, down to the last id seen (or the window start):
 * one query (1 point) per 100 deployments, where REST needs one request per deployment for its statuses. The ones
 * still open at the last sync are read again by node id in one query; GitHub lets inactive deployments be deleted,
 * and a null node means the deployment is gone (reported in removedIds), not that the binding failed. Statuses
 * have no documented order: the latest is taken by createdAt (normalise does the same). Returns the ids listed.
 */
export async function collectDeployments(s: RepoStreamContext, o: { onlyOpen?: boolean } = {}): Promise<number[]> {
  const { client, emit, repo, rc, incremental } = s;
  const [owner, name] = repo.split('/') as [string, string];
  const read: DeploymentNode[] = [];
  let maxId = rc.deploymentMaxId;
  let cursor: string | null = null;
  // `onlyOpen`: the change probe saw nothing new, but deployments carry no events, so the open ones are still re-read.
  if (!o.onlyOpen) {
    pages: for (;;) {
      const data: { repository: { deployments: Connection<DeploymentNode> } | null } = await client.graphql(DEPLOYMENTS_QUERY, { owner, name, cursor }, `deployments of ${repo}`);
      if (!data.repository) throw notFound(s, repo);
      const conn = data.repository.deployments;
      await completeStatuses(s, conn.nodes);
      await emit('deployments-graphql', repo, graphqlPage(conn, 'deployments', cursor));
      for (const d of conn.nodes) {
        if (incremental ? d.databaseId <= rc.deploymentMaxId : earlier(d.createdAt, s.since)) break pages;
        read.push(d);
        maxId = Math.max(maxId, d.databaseId);
      }
      if (!conn.pageInfo.hasNextPage) break;
      cursor = conn.pageInfo.endCursor;
    }
  }
  const listed = read.map((d) => d.databaseId);
  const reread = incremental ? rc.openDeployments.filter((d) => !listed.includes(d.id)) : [];
  for (let i = 0; i < reread.length; i += 100) {
    const batch = reread.slice(i, i + 100);
    const data: { nodes: Array<DeploymentNode | null> } = await client.graphql(DEPLOYMENT_NODES_QUERY, { ids: batch.map((d) => d.node) }, `open deployments of ${repo}`);
    await completeStatuses(s, data.nodes);
    await emit('deployment-nodes-graphql', repo, graphqlPage({ nodes: data.nodes }, 'nodes', null));
    for (const [j, node] of data.nodes.entries()) {
      if (node && typeof node.databaseId === 'number') read.push(node);
      else {
        s.removedIds.push(`github:deployment:${repo}/${batch[j]?.id ?? ''}`);
        s.notes.push('deployments: a deployment tracked as open was deleted; removed');
      }
    }
  }
  rc.deploymentMaxId = maxId;
  rc.openDeployments = read
    .filter((d) => {
      const latest = latestStatus(d.statuses.nodes.map((x) => ({ ...x, created_at: x.createdAt })));
      return !latest || !FINAL_STATES.has(latest.state);
    })
    .map((d) => ({ id: d.databaseId, node: d.id, state: deploymentState(d.statuses.totalCount ?? d.statuses.nodes.length) }))
    .sort((a, b) => a.id - b.id);
  return listed;
}
