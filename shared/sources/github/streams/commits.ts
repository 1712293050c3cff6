import { enc } from './encode.js';
import { earlier, isStatus } from './context.js';
import type { RepoStreamContext } from './context.js';

interface CommitDates {
  commit: { committer?: { date?: string } | null; author?: { date?: string } | null };
}

/**
 * Commits since the last one seen (or the window start), bounded by asOf. GitHub answers 409 Conflict for a
 * repository with no commits at all ("Git Repository is empty."): that repository has nothing to read, the binding
 * is fine.
 */
export async function collectCommits(s: RepoStreamContext): Promise<void> {
  const { client, emit, repo, base, rc } = s;
  const from = (s.incremental ? rc.commitsSince : s.since) ?? s.since;
  let newest = rc.commitsSince;
  try {
    for await (const res of client.pages(`${base}/commits?per_page=100&since=${enc(from)}&until=${enc(s.asOf)}`, `commits ${repo}`)) {
      await emit('commits', repo, res);
      for (const c of res.data as CommitDates[]) {
        // Both git dates are optional in GitHub's schema; the committer date is what `since` filters on.
        const d = c.commit.committer?.date ?? c.commit.author?.date;
        if (d && (!newest || earlier(newest, d))) newest = d;
      }
    }
  } catch (err) {
    if (!isStatus(err, 409)) throw err;
    s.notes.push('commits: a repository is empty (GitHub answered 409); no commits read');
  }
  rc.commitsSince = newest;
}
