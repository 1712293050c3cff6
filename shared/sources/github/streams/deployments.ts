import { latestStatus } from '../shapes.js';
import { earlier, isStatus } from './context.js';
import type { RepoStreamContext } from './context.js';

/** Deployment states after which nothing changes (GitHub's deployment status states). */
const FINAL_STATES = new Set(['success', 'failure', 'error', 'inactive']);

interface DeploymentJson {
  id: number;
  created_at: string;
  environment: string;
  creator?: unknown;
}

/**
 * Deployments newest first, down to the last id seen (or the window start), then the statuses of each new one and
 * of each still open at the last sync. An open deployment is re-read first: GitHub lets inactive deployments be
 * deleted, and a 404 means it is gone (reported in removedIds), not that the binding failed. Statuses have no
 * documented order, so the latest is taken by created_at then id. Returns the ids seen in the listing.
 */
export async function collectDeployments(s: RepoStreamContext, o: { onlyOpen?: boolean } = {}): Promise<number[]> {
  const { client, emit, repo, base, rc, incremental } = s;
  const toStatus: DeploymentJson[] = [];
  let maxId = rc.deploymentMaxId;
  // `onlyOpen`: the change probe saw nothing new, but deployments carry no events, so the open ones are still re-read.
  if (!o.onlyOpen) deployments: for await (const res of client.pages(`${base}/deployments?per_page=100`, `deployments ${repo}`)) {
    await emit('deployments', repo, res);
    for (const d of res.data as DeploymentJson[]) {
      if (incremental ? d.id <= rc.deploymentMaxId : earlier(d.created_at, s.since)) break deployments;
      toStatus.push(d);
      maxId = Math.max(maxId, d.id);
    }
  }
  const seen = toStatus.map((d) => d.id);
  if (incremental) {
    for (const id of rc.openDeployments) {
      if (seen.includes(id)) continue;
      try {
        const res = await client.get(`${base}/deployments/${id}`);
        toStatus.push(res.data as DeploymentJson);
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
        s.removedIds.push(`github:deployment:${repo}/${id}`);
        s.notes.push('deployments: a deployment tracked as open was deleted (404); removed');
      }
    }
  }
  rc.deploymentMaxId = maxId;
  // Page 1 with 100 statuses holds the latest in practice; statuses are fetched side by side and handed on in
  // deployment order (see pulls for why the order matters).
  const pages = await Promise.all(toStatus.map((d) => s.limit(async () => {
    try {
      return await client.get(`${base}/deployments/${d.id}/statuses?per_page=100`);
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      return null;
    }
  })));
  const stillOpen: number[] = [];
  for (const [i, d] of toStatus.entries()) {
    const res = pages[i];
    if (!res) {
      s.removedIds.push(`github:deployment:${repo}/${d.id}`);
      continue;
    }
    await emit('deployment-statuses', `${repo}/${d.id}`, res, { id: d.id, created_at: d.created_at, environment: d.environment, creator: d.creator ?? null });
    const latest = latestStatus(res.data as Array<{ id: number; state: string; created_at: string }>);
    if (!latest || !FINAL_STATES.has(latest.state)) stillOpen.push(d.id);
  }
  rc.openDeployments = stillOpen.sort((a, b) => a - b);
  return seen;
}
