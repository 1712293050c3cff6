import type { LimitFunction } from 'p-limit';
import { SourceHttpError } from '../../errors.js';
import type { GithubClient } from '../client.js';
import type { RepoCursor } from '../cursor.js';
import type { GithubEmit } from '../emit.js';

/** What every per-repo stream module gets: the client (and its one pagination helper), the emitter, the window. */
export interface RepoStreamContext {
  client: GithubClient;
  emit: GithubEmit;
  /** `owner/name`. */
  repo: string;
  /** `/repos/{owner}/{name}`, URL-encoded. */
  base: string;
  /** Window start of a full pass (ISO). */
  since: string;
  asOf: string;
  incremental: boolean;
  /** This repo's cursor, updated in place by each stream. */
  rc: RepoCursor;
  notes: string[];
  removedIds: string[];
  /** Bounds sub-requests in flight (reviews, statuses). */
  limit: LimitFunction;
}

/** True for an HTTP failure with exactly this status (e.g. 404 for an item deleted since it was listed). */
export function isStatus(err: unknown, status: number): boolean {
  return err instanceof SourceHttpError && err.status === status;
}

export function earlier(a: string, b: string): boolean {
  return Date.parse(a) < Date.parse(b);
}

export function union(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}
