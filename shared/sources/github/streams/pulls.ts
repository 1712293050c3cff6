import type { GithubResponse } from '../client.js';
import { earlier } from './context.js';
import type { RepoStreamContext } from './context.js';

/**
 * Pull requests, most recently updated first (GitHub's pulls listing has no `since`), down to the high-water mark of
 * the last sync (or the window start), then the reviews of each changed pull request. Returns the numbers seen.
 */
export async function collectPulls(s: RepoStreamContext): Promise<number[]> {
  const { client, emit, repo, base, rc, incremental } = s;
  const stopAt = incremental ? rc.pullsMark : s.since;
  const changed: Array<{ number: number; user: unknown }> = [];
  let newMark = rc.pullsMark;
  let atMark: number[] = incremental ? [...rc.pullsAtMark] : [];
  pulls: for await (const res of client.pages(`${base}/pulls?state=all&sort=updated&direction=desc&per_page=100`, `pulls ${repo}`)) {
    await emit('pulls', repo, res);
    for (const pr of res.data as Array<{ number: number; updated_at: string; user: unknown }>) {
      if (stopAt && earlier(pr.updated_at, stopAt)) break pulls;
      if (incremental && pr.updated_at === rc.pullsMark && rc.pullsAtMark.includes(pr.number)) continue;
      changed.push({ number: pr.number, user: pr.user });
      if (!newMark || earlier(newMark, pr.updated_at)) {
        newMark = pr.updated_at;
        atMark = [pr.number];
      } else if (pr.updated_at === newMark) atMark.push(pr.number);
    }
  }
  rc.pullsMark = newMark;
  rc.pullsAtMark = atMark;
  // Fetched side by side, handed on in pull request order: page sequence numbers (and so raw keys and every
  // activity's rawRef) must not depend on which request finished first, or a rerun would not store the same bytes.
  const reviewPages = await Promise.all(changed.map((pr) => s.limit(async () => {
    const got: GithubResponse[] = [];
    for await (const res of client.pages(`${base}/pulls/${pr.number}/reviews?per_page=100`, `reviews ${repo}#${pr.number}`)) got.push(res);
    return got;
  })));
  for (const [i, pr] of changed.entries()) {
    for (const res of reviewPages[i] ?? []) await emit('reviews', `${repo}#${pr.number}`, res, { number: pr.number, user: pr.user });
  }
  return changed.map((p) => p.number);
}
