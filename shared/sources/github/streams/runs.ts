import { enc, ghTime } from './encode.js';
import { runState } from '../probe.js';
import { isStatus } from './context.js';
import type { RepoStreamContext } from './context.js';

/** GitHub returns at most 1,000 workflow runs per listing filtered with `created` (REST docs, list workflow runs). */
export const RUNS_CAP = 1000;

interface RunsPage {
  total_count: number;
  workflow_runs: RunFields[];
}

interface RunFields {
  id: number;
  node_id?: string;
  status: string | null;
  updated_at?: string;
}

/** Records an open run's node id and state for the change probe (./probe.ts). */
function noteOpen(open: Map<number, { node: string; state: string } | null>, r: RunFields): void {
  open.set(r.id, r.node_id && r.updated_at ? { node: r.node_id, state: runState(r.updated_at) } : null);
}

/** What the runs of one repo came to: the ids seen, and whether some listing was capped (then nothing is "gone"). */
export interface RunsResult {
  seen: number[];
  capped: boolean;
}

/**
 * Workflow runs created in the window. A range whose first page reports more than 1,000 runs is split in two and
 * each half listed on its own, down to one second; what is still above the cap is read as far as GitHub allows and
 * reported as capped, so reconciliation never takes "not listed" for "deleted". Runs read while queued or in
 * progress are read again on later syncs until they complete (a re-run keeps its id and starts over).
 */
export async function collectRuns(s: RepoStreamContext): Promise<RunsResult> {
  const { client, emit, repo, base, rc } = s;
  const seen: number[] = [];
  const open = new Map<number, { node: string; state: string } | null>();
  let capped = false;

  const listRange = async (fromMs: number, toMs: number): Promise<void> => {
    const created = `${ghTime(fromMs)}..${ghTime(toMs)}`;
    let first = true;
    for await (const res of client.pages(`${base}/actions/runs?per_page=100&created=${enc(created)}`, `runs ${repo}`)) {
      // 204 comes back as `[]`: no runs.
      const body = (Array.isArray(res.data) ? { total_count: 0, workflow_runs: [] } : res.data) as RunsPage;
      if (first && body.total_count > RUNS_CAP && toMs - fromMs >= 2000) {
        // Both halves are inclusive ranges of whole seconds, so the split loses nothing and overlaps nothing.
        const mid = fromMs + Math.floor((toMs - fromMs) / 2000) * 1000;
        await listRange(fromMs, mid);
        await listRange(mid + 1000, toMs);
        return;
      }
      if (first && body.total_count > RUNS_CAP) {
        capped = true;
        s.notes.push(`runs: ${body.total_count} runs created within one second in a repo, above GitHub's ${RUNS_CAP} cap; only part was read`);
      }
      first = false;
      await emit('runs', repo, res);
      for (const r of body.workflow_runs) {
        seen.push(r.id);
        if (r.status !== 'completed') noteOpen(open, r);
      }
    }
  };
  const fromIso = (s.incremental ? rc.runsSince : s.since) ?? s.since;
  await listRange(Date.parse(ghTime(fromIso)), Date.parse(ghTime(s.asOf)));

  rc.runsSince = s.asOf;
  await rereadOpenRuns(s, seen, open);
  return { seen, capped };
}

/**
 * Reads again each run still open at the last sync and not in `listed` (a 404 means it was deleted); records the
 * runs still open afterwards in the cursor.
 */
export async function rereadOpenRuns(
  s: RepoStreamContext, listed: readonly number[] = [], open: Map<number, { node: string; state: string } | null> = new Map(),
): Promise<void> {
  for (const id of s.rc.openRuns) {
    if (listed.includes(id)) continue;
    try {
      const res = await s.client.get(`${s.base}/actions/runs/${id}`);
      await s.emit('run', `${s.repo}/${id}`, res);
      const run = res.data as RunFields;
      if (run.status !== 'completed') noteOpen(open, { ...run, id });
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      s.removedIds.push(`github:run:${s.repo}/${id}`);
    }
  }
  s.rc.openRuns = [...open.keys()].sort((a, b) => a - b);
  // A run without a node id or time (never on github.com) has no probe state: the probe then counts it as changed.
  s.rc.openRunState = Object.fromEntries([...open].flatMap(([id, st]) => (st ? [[String(id), st] as const] : [])));
}
