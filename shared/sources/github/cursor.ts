import type { Cursor } from '../contract.js';
import type { RepoProbe } from './probe.js';

// The GitHub binding's cursor, saved in DynamoDB between runs. It holds ids, times and ETags only: no login, name
// or email (not even pseudonymised), so nothing about a person is kept outside the raw store.

export interface RepoCursor {
  eventsEtag: string | null;
  /** Highest pull request updated_at seen, and the PR numbers updated exactly then (already fetched). */
  pullsMark: string | null;
  pullsAtMark: number[];
  commitsSince: string | null;
  runsSince: string | null;
  /** Runs read while queued or in progress (or re-run): read again until they complete. */
  openRuns: number[];
  deploymentMaxId: number;
  /**
   * Deployments whose latest state was not final when last read, with their GraphQL node ids (re-read by id) and
   * their state for the change probe (./probe.ts deploymentState).
   */
  openDeployments: Array<{ id: number; node: string; state?: string }>;
  /** Per run in openRuns: its GraphQL node id and its state when last read (./probe.ts runState), for the change probe. */
  openRunState?: Record<string, { node: string; state: string }>;
  /** Draft releases when last read (id → node id and probe state): the probe sees when one is published. */
  draftReleases?: Record<string, { node: string; state: string }>;
  /** What the change probe saw at the last sync; absent before the first probe (then every stream is read). */
  probe?: RepoProbe;
  /** Ids seen in the window at the last full pass, to find deletions at reconciliation. */
  known: { pulls: number[]; deployments: number[]; releases: number[]; runs: number[] };
}

export interface GithubCursor {
  version: 3;
  lastFullPassAt: string;
  teamRepos: string[];
  repos: Record<string, RepoCursor>;
}

/** Reads a saved cursor; an older version (v1 kept deployment creators' logins; v2 read pulls and deployments over REST) means a fresh full pass. */
export function readGithubCursor(c: Cursor | null): GithubCursor | null {
  if (!c || c.version !== 3 || typeof c.lastFullPassAt !== 'string' || typeof c.repos !== 'object') return null;
  return c as unknown as GithubCursor;
}

/** The cursor of a repo never read. */
export function emptyRepoCursor(): RepoCursor {
  return {
    eventsEtag: null, pullsMark: null, pullsAtMark: [], commitsSince: null, runsSince: null, openRuns: [], deploymentMaxId: 0,
    openDeployments: [], known: { pulls: [], deployments: [], releases: [], runs: [] },
  };
}
