import pLimit from 'p-limit';
import { listUnits } from '../../org/index.js';
import type { CollectContext, CollectOutcome, Cursor } from '../contract.js';
import { SourceAuthError, SourceHttpError } from '../errors.js';
import { GithubClient } from './client.js';
import { emptyRepoCursor, readGithubCursor } from './cursor.js';
import type { GithubCursor, RepoCursor } from './cursor.js';
import { githubEmitter } from './emit.js';
import { probeRepos } from './probe.js';
import type { RepoProbe } from './probe.js';
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
// Change probe: every sync first sends one GraphQL query for the binding's repos (./probe.ts, probeQuery: pushedAt and
// default-branch head, the latest updated pull request, the newest releases, the newest deployment, and each item
// still open at the last sync), 1 rate-limit point for up to 30 repos. An incremental sync then reads only the
// streams whose part moved: an unchanged binding costs that one request. What the probe can miss: a workflow run
// created without a push or pull request change (a schedule or a manual dispatch) waits for the next push (runs are
// listed from the last listing on, so it is not lost); a status added to a deployment already final; a release
// older than the newest 100 published later; deletions. A reconciliation pass — a full pass over the window — runs
// when the cursor's last full pass is `reconcileEveryDays` (default 7) older than asOf; it re-reads everything,
// reports counts in notes and returns ids that disappeared as removedIds (never for runs when a listing hit
// GitHub's cap).

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

  // The change probe, also taken on full passes (before reading, so a change made meanwhile shows next time).
  const probe = await probeRepos(client, repos, prev?.repos ?? {});

  for (const repo of repos) {
    const before = prev?.repos[repo];
    const incremental = !fullPass && before !== undefined;
    const rc: RepoCursor = incremental ? structuredClone(before) : { ...emptyRepoCursor(), openRuns: before?.openRuns ?? [] };
    const [owner, name] = repo.split('/').map(enc) as [string, string];
    const s: RepoStreamContext = {
      client, emit, repo, base: `/repos/${owner}/${name}`, since: ctx.since, asOf: ctx.asOf, incremental, rc, notes, removedIds, limit,
    };

    const now = probe.repos.get(repo);
    if (now === null) {
      throw new SourceHttpError({
        source: 'github', bindingId: ctx.binding.id, path: `/repos/${repo}`, status: 404,
        reason: `GitHub found no repository ${repo} (GraphQL NOT_FOUND): not found, or the credential in use has no access to it`,
      });
    }
    if (now) rc.probe = now;
    if (incremental) {
      // Only the streams whose part of the probe moved are read (all of them when the repo was never probed).
      const was = before.probe;
      const moved = (k: keyof RepoProbe): boolean => !was || !now || was[k] !== now[k];
      const runMoved = rc.openRuns.some((id) => {
        const st = rc.openRunState?.[String(id)];
        return !st || probe.open.get(st.node) !== st.state;
      });
      const releaseMoved = Object.values(rc.draftReleases ?? {}).some((r) => probe.open.get(r.node) !== r.state);
      const deploymentMoved = rc.openDeployments.some((d) => d.state === undefined || probe.open.get(d.node) !== d.state);
      const seen = { pulls: [] as number[], deployments: [] as number[], releases: [] as number[], runs: [] as number[] };
      if (moved('pulls')) seen.pulls = await collectPulls(s);
      if (moved('push')) await collectCommits(s);
      // New runs follow a push or a pull request; runs still open are re-read when the probe saw them move.
      if (moved('push') || moved('pulls')) seen.runs = (await collectRuns(s)).seen;
      else if (runMoved) await rereadOpenRuns(s);
      if (moved('deployments')) seen.deployments = await collectDeployments(s);
      else if (deploymentMoved) await collectDeployments(s, { onlyOpen: true });
      if (moved('releases') || releaseMoved) seen.releases = await collectReleases(s);
      rc.known = {
        pulls: union(rc.known.pulls, seen.pulls), deployments: union(rc.known.deployments, seen.deployments),
        releases: union(rc.known.releases, seen.releases), runs: union(rc.known.runs, seen.runs),
      };
      nextCursor.repos[repo] = rc;
      continue;
    }

    const seenPulls = await collectPulls(s);
    await collectCommits(s);
    const runs = await collectRuns(s);
    const seenDeployments = await collectDeployments(s);
    const seenReleases = await collectReleases(s);

    rc.known = { pulls: union([], seenPulls), deployments: union([], seenDeployments), releases: union([], seenReleases), runs: union([], runs.seen) };
    if (before) reconcile(repo, before, rc, runs.capped, removedIds, notes);
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
