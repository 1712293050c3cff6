import { releaseState } from '../probe.js';
import type { RepoStreamContext } from './context.js';

/**
 * Releases, all of them: a repo has few, GitHub documents no order for the listing, `created_at` is the date of the
 * release's commit (not of drafting or publishing) and a draft published later keeps its older, lower id, so no id
 * or date can stop the listing early. Keyed on published_at (drafts have none and are skipped by normalise).
 * Returns the ids of releases published in the window; records the drafts for the change probe.
 */
export async function collectReleases(s: RepoStreamContext): Promise<number[]> {
  const seen: number[] = [];
  const drafts: Record<string, { node: string; state: string }> = {};
  for await (const res of s.client.pages(`${s.base}/releases?per_page=100`, `releases ${s.repo}`)) {
    await s.emit('releases', s.repo, res);
    for (const r of res.data as Array<{ id: number; node_id?: string; draft?: boolean; published_at: string | null }>) {
      if (r.draft && r.node_id) drafts[String(r.id)] = { node: r.node_id, state: releaseState(true, null) };
      if (r.published_at && Date.parse(r.published_at) >= Date.parse(s.since)) seen.push(r.id);
    }
  }
  s.rc.draftReleases = drafts;
  return seen;
}
