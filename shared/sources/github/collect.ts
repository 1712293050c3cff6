import pLimit from 'p-limit';
import { listUnits } from '../../org/index.js';
import type { CollectContext, CollectOutcome, Cursor } from '../contract.js';
import { SourceAuthError } from '../errors.js';
import { GithubClient } from './client.js';
import { emptyRepoCursor, readGithubCursor } from './cursor.js';
import type { GithubCursor, RepoCursor } from './cursor.js';
import { githubEmitter } from './emit.js';
import { collectCommits } from './streams/commits.js';
import { union } from './streams/context.js';
import type { RepoStreamContext } from './streams/context.js';
import { collectDeployments } from './streams/deployments.js';
import { enc } from './streams/encode.js';
import { collectPulls } from './streams/pulls.js';
import { collectReleases } from './streams/releases.js';
import { collectRuns, rereadOpenRuns } from './streams/runs.js';

// Collection of one GitHub binding (a unit's repos and/or team), incremental per repo. Each stream is its own
// module under ./streams over the client's one pagination helper; every page goes through one emitter (./emit.ts).
//
// Change probe: a second sync first asks the repo's events feed (`/events?per_page=1`) with the stored ETag. A 304
// (free of the rate budget) means no push, pull request, review or release happened, and the repo costs exactly
// one request (plus one per workflow run still open at the last sync). What the probe can miss: the events feed
// carries no deployment, deployment-status or workflow-run events, covers only the past 30 days, can lag by 30 s to
// 6 h, and deletions produce no event. A reconciliation pass — a full pass over the window — runs when the
// cursor's last full pass is `reconcileEveryDays` (default 7) older than asOf; it re-reads everything, reports counts
// in notes and returns ids that disappeared as removedIds (never for runs when a listing hit GitHub's cap).

export interface GithubCollectOptions {
  maxWaitSeconds?: number;
  retries?: number;
  retryBaseMs?: number;
  /** Days between reconciliation (full) passes; default 7. */
  reconcileEveryDays?: number;
  /** Review/status requests in flight at once per binding; default 4. */
  concurrency?: number;
}

/** Collects one GitHub binding incrementally; every page goes to ctx.onPage as received. */
export async function collectGithub(ctx: CollectContext, options: GithubCollectOptions = {}): Promise<CollectOutcome> {
  const cfg = ctx.org.sources.github;
  const unit = listUnits(ctx.org).find((u) => u.ref === ctx.binding.unit);
  const binding = unit?.sources.github;
  if (!cfg || !binding) {
    throw new SourceAuthError({ source: 'github', bindingId: ctx.binding.id, path: '(config)', reason: 'GitHub is not configured for this unit' });
  }
  const token = ctx.credentials[cfg.auth.tokenEnv];
  if (!token) {
    throw new SourceAuthError({ source: 'github', bindingId: ctx.binding.id, path: '(config)', reason: `no GitHub token: environment variable ${cfg.auth.tokenEnv} is not set` });
  }
  const client = new GithubClient({
    baseUrl: cfg.baseUrl, token, tokenEnv: cfg.auth.tokenEnv, bindingId: ctx.binding.id,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(options.maxWaitSeconds !== undefined ? { maxWaitSeconds: options.maxWaitSeconds } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
  });
  const limit = pLimit(options.concurrency ?? 4);
  const prev = readGithubCursor(ctx.cursor);
  const reconcileMs = (options.reconcileEveryDays ?? 7) * 86_400_000;
  const fullPass = !prev || Date.parse(ctx.asOf) - Date.parse(prev.lastFullPassAt) >= reconcileMs;
  const notes: string[] = [];
  const removedIds: string[] = [];
  const { emit, drain } = githubEmitter(ctx);

  // Which repos: explicit ones plus the team's (resolved on full passes only).
  let teamRepos = prev?.teamRepos ?? [];
  if (binding.team && fullPass) {
    teamRepos = [];
    for await (const res of client.pages(`/orgs/${enc(cfg.org)}/teams/${enc(binding.team)}/repos?per_page=100`, `team ${binding.team}`)) {
      await emit('team-repos', binding.team, res);
      for (const r of res.data as Array<{ full_name: string }>) teamRepos.push(r.full_name);
    }
  }
  const repos = [...new Set([...(binding.repos ?? []), ...teamRepos])].sort();

  const nextCursor: GithubCursor = { version: 3, lastFullPassAt: fullPass ? ctx.asOf : (prev?.lastFullPassAt ?? ctx.asOf), teamRepos, repos: {} };
  if (prev && fullPass) {
    for (const gone of Object.keys(prev.repos).filter((r) => !repos.includes(r))) {
      const k = prev.repos[gone]?.known;
      const ids = [
        ...(k?.pulls ?? []).map((n) => `github:pr:${gone}#${n}`), ...(k?.deployments ?? []).map((d) => `github:deployment:${gone}/${d}`),
        ...(k?.releases ?? []).map((d) => `github:release:${gone}/${d}`), ...(k?.runs ?? []).map((d) => `github:run:${gone}/${d}`),
      ];
      removedIds.push(...ids);
      notes.push(`reconcile: a repo left the binding; ${ids.length} known items removed`);
    }
  }

  for (const repo of repos) {
    const before = prev?.repos[repo];
    const incremental = !fullPass && before !== undefined;
    const rc: RepoCursor = incremental ? structuredClone(before) : { ...emptyRepoCursor(), openRuns: before?.openRuns ?? [] };
    const [owner, name] = repo.split('/').map(enc) as [string, string];
    const s: RepoStreamContext = {
      client, emit, repo, base: `/repos/${owner}/${name}`, since: ctx.since, asOf: ctx.asOf, incremental, rc, notes, removedIds, limit,
    };

    // The change probe (also taken on full passes, to record the ETag before reading).
    const probe = await client.get(`${s.base}/events?per_page=1`, incremental ? rc.eventsEtag : null);
    await emit('events', repo, probe);
    rc.eventsEtag = probe.etag;
    if (incremental && probe.status === 304) {
      // Runs and deployments carry no events: the ones still open are read again whatever the probe says.
      await rereadOpenRuns(s);
      await collectDeployments(s, { onlyOpen: true });
      nextCursor.repos[repo] = rc;
      continue;
    }

    const seenPulls = await collectPulls(s);
    await collectCommits(s);
    const runs = await collectRuns(s);
    const seenDeployments = await collectDeployments(s);
    const seenReleases = await collectReleases(s);

    if (incremental) {
      rc.known = {
        pulls: union(rc.known.pulls, seenPulls), deployments: union(rc.known.deployments, seenDeployments),
        releases: union(rc.known.releases, seenReleases), runs: union(rc.known.runs, runs.seen),
      };
    } else {
      rc.known = { pulls: union([], seenPulls), deployments: union([], seenDeployments), releases: union([], seenReleases), runs: union([], runs.seen) };
      if (before) reconcile(repo, before, rc, runs.capped, removedIds, notes);
    }
    nextCursor.repos[repo] = rc;
  }
  await drain();
  return { cursor: nextCursor as unknown as Cursor, requests: client.requests, notes, ...(removedIds.length ? { removedIds: [...new Set(removedIds)] } : {}) };
}

/** Compares what a full pass saw with what earlier passes had seen in the same window; records what disappeared. */
function reconcile(repo: string, before: RepoCursor, now: RepoCursor, runsCapped: boolean, removedIds: string[], notes: string[]): void {
  const missing = (kind: 'deployments' | 'releases' | 'runs', idOf: (n: number) => string): number => {
    const seen = new Set(now.known[kind]);
    const gone = before.known[kind].filter((n) => !seen.has(n));
    removedIds.push(...gone.map(idOf));
    return gone.length;
  };
  const removed = {
    deployments: missing('deployments', (n) => `github:deployment:${repo}/${n}`),
    releases: missing('releases', (n) => `github:release:${repo}/${n}`),
    // A capped listing did not show every run: "not listed" proves nothing there.
    runs: runsCapped ? 0 : missing('runs', (n) => `github:run:${repo}/${n}`),
  };
  notes.push(
    `reconcile ${repo}: pulls ${now.known.pulls.length} (known ${before.known.pulls.length}), deployments ${now.known.deployments.length} ` +
      `(known ${before.known.deployments.length}, removed ${removed.deployments}), runs ${now.known.runs.length} (known ` +
      `${before.known.runs.length}, removed ${removed.runs}${runsCapped ? ', listing capped: no deletion inferred' : ''}), releases ` +
      `${now.known.releases.length} (known ${before.known.releases.length}, removed ${removed.releases})`,
  );
}
