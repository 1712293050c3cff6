import { createHash } from 'node:crypto';
import type { GithubClient } from './client.js';
import type { RepoCursor } from './cursor.js';
import { PROBE_REPOS, probeQuery } from './streams/graphql-queries.js';

// The binding's change probe (one GraphQL query per PROBE_REPOS repos, see probeQuery): what each repo looks like
// now, reduced to short strings of ids, times and states (no person identifier: they go into the cursor), and the
// state of every item still open at the last sync. The collector compares them with what the cursor kept from the
// last probe and reads only the streams whose part changed.

/** What one repo looked like to the probe; compared part by part with RepoCursor.probe. */
export interface RepoProbe {
  /** pushedAt and the default branch's head: commits, and the workflow runs pushes trigger. */
  push: string;
  /** The most recently updated pull request (number and updatedAt). */
  pulls: string;
  /** A digest of the newest 100 releases' ids and publish states, with the total count. */
  releases: string;
  /** The newest deployment's id. */
  deployments: string;
}

export interface ProbeResult {
  /** Per repo; null when GitHub found no such repository (the streams then fail the binding as they always did). */
  repos: Map<string, RepoProbe | null>;
  /** Open item node id → its state now; null when the node is gone (deleted). */
  open: Map<string, string | null>;
}

interface ProbeRepoNode {
  pushedAt: string | null;
  defaultBranchRef: { target: { oid: string } | null } | null;
  pullRequests: { nodes: Array<{ number: number; updatedAt: string }> };
  releases: { totalCount: number; nodes: Array<{ databaseId: number | null; isDraft: boolean; publishedAt: string | null }> };
  deployments: { nodes: Array<{ databaseId: number | null }> };
}

type OpenNode = {
  id: string; statuses?: { totalCount: number }; updatedAt?: string; checkSuite?: { status: string; conclusion: string | null } | null;
  isDraft?: boolean; publishedAt?: string | null;
} | null;

/** The probe's state string of an open deployment: its status count (a new status always adds one). */
export function deploymentState(statusCount: number): string {
  return `statuses=${statusCount}`;
}

/** The probe's state string of a release: a draft until it is published. */
export function releaseState(draft: boolean, publishedAt: string | null): string {
  return draft || !publishedAt ? 'draft' : `published=${new Date(publishedAt).toISOString()}`;
}

/** The probe's state string of an open workflow run: its updatedAt (moves on progress, completion and re-run). */
export function runState(updatedAt: string): string {
  return `updated=${new Date(updatedAt).toISOString()}`;
}

function repoProbe(r: ProbeRepoNode): RepoProbe {
  const pr = r.pullRequests.nodes[0];
  const releases = r.releases.nodes.map((x) => `${x.databaseId ?? ''}:${x.isDraft ? 'draft' : (x.publishedAt ?? '')}`).join(',');
  return {
    push: `${r.pushedAt ?? ''}@${r.defaultBranchRef?.target?.oid ?? ''}`,
    pulls: pr ? `${pr.number}@${pr.updatedAt}` : '',
    releases: `${r.releases.totalCount}:${createHash('sha256').update(releases).digest('hex').slice(0, 16)}`,
    deployments: String(r.deployments.nodes[0]?.databaseId ?? ''),
  };
}

/** The node ids of the items a repo cursor tracks as open (deployments and workflow runs). */
export function openNodeIds(rc: RepoCursor | undefined): string[] {
  if (!rc) return [];
  return [
    ...rc.openDeployments.map((d) => d.node), ...Object.values(rc.openRunState ?? {}).map((r) => r.node),
    ...Object.values(rc.draftReleases ?? {}).map((r) => r.node),
  ];
}

/**
 * Probes the binding's repos: one query per chunk of up to PROBE_REPOS repos whose open items fit GitHub's 100 ids
 * per `nodes` call. A repo with more than 100 open items is probed without them (its open items count as changed).
 */
export async function probeRepos(client: GithubClient, repos: readonly string[], cursors: Record<string, RepoCursor | undefined>): Promise<ProbeResult> {
  const result: ProbeResult = { repos: new Map(), open: new Map() };
  let chunk: string[] = [];
  let ids: string[] = [];
  const send = async (): Promise<void> => {
    if (!chunk.length) return;
    const vars: Record<string, unknown> = { open: ids };
    chunk.forEach((repo, i) => {
      const [owner, name] = repo.split('/') as [string, string];
      vars[`o${i}`] = owner;
      vars[`n${i}`] = name;
    });
    // A repository GitHub cannot resolve comes back null with a NOT_FOUND error on its alias: reported per repo.
    const data = await client.graphql<Record<string, unknown>>(probeQuery(chunk.length), vars, 'change probe',
      (errors) => errors.every((e) => e.type === 'NOT_FOUND' && /^r\d+$/.test(String(e.path?.[0] ?? ''))));
    chunk.forEach((repo, i) => {
      const node = data[`r${i}`] as ProbeRepoNode | null | undefined;
      result.repos.set(repo, node ? repoProbe(node) : null);
    });
    const open = (data.open ?? []) as OpenNode[];
    ids.forEach((id, i) => {
      const n = open[i];
      if (!n || typeof n.id !== 'string') result.open.set(id, null);
      else if (n.statuses) result.open.set(id, deploymentState(n.statuses.totalCount));
      else if (typeof n.isDraft === 'boolean') result.open.set(id, releaseState(n.isDraft, n.publishedAt ?? null));
      else result.open.set(id, n.updatedAt ? runState(n.updatedAt) : null);
    });
    chunk = [];
    ids = [];
  };
  for (const repo of repos) {
    const own = openNodeIds(cursors[repo]);
    const mine = own.length > 100 ? [] : own;
    if (chunk.length >= PROBE_REPOS || ids.length + mine.length > 100) await send();
    chunk.push(repo);
    ids.push(...mine);
  }
  await send();
  return result;
}
