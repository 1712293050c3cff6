import pLimit from 'p-limit';
import { listUnits } from '../../org/index.js';
import type { CollectContext, CollectOutcome, Cursor, RawPage } from '../contract.js';
import { MalformedPageError, SourceAuthError } from '../errors.js';
import { GithubClient, pathOnly } from './client.js';
import type { GithubResponse } from './client.js';
import { rawPagePseudonymiser, redactPeople } from '../http/index.js';
import { checkPageBody } from './shapes.js';
import type { GithubStream } from './shapes.js';

// Collection of one GitHub binding (a unit's repos and/or team), incremental per repo.
//
// Change probe: a second sync first asks the repo's events feed (`/events?per_page=1`) with the stored ETag. A 304
// (free of the rate budget) means no push, pull request, review or release happened, and the repo costs exactly
// one request. What the probe can miss: GitHub's public events feed carries no deployment, deployment-status or
// workflow-run events (scheduled or manually dispatched runs, API-created deployments), it stops at 300 events /
// 90 days, it can lag by minutes to hours, and deletions (of deployments, runs, releases) produce no event. A
// reconciliation pass — a full pass over the window — runs when the cursor's last full pass is `reconcileEveryDays`
// (default 7) older than asOf; it re-reads everything, reports counts in notes and returns ids that disappeared as
// removedIds. Team repos are resolved only in full/reconciliation passes and kept in the cursor.

export interface GithubCollectOptions {
  maxWaitSeconds?: number;
  retries?: number;
  retryBaseMs?: number;
  /** Days between reconciliation (full) passes; default 7. */
  reconcileEveryDays?: number;
  /** Review/status requests in flight at once per binding; default 4. */
  concurrency?: number;
}

interface RepoCursor {
  eventsEtag: string | null;
  /** Highest pull request updated_at seen, and the PR numbers updated exactly then (already fetched). */
  pullsMark: string | null;
  pullsAtMark: number[];
  commitsSince: string | null;
  runsSince: string | null;
  deploymentMaxId: number;
  /** Deployments whose latest state was not final when last read; their statuses are re-read. */
  openDeployments: Array<{ id: number; created_at: string; environment: string; creator: unknown }>;
  releaseMaxId: number;
  /** Ids seen in the window at the last full pass, to find deletions at reconciliation. */
  known: { pulls: number[]; deployments: number[]; releases: number[]; runs: number[] };
}

interface GithubCursor {
  version: 1;
  lastFullPassAt: string;
  teamRepos: string[];
  repos: Record<string, RepoCursor>;
}

const FINAL_STATES = new Set(['success', 'failure', 'error', 'inactive']);

function readCursor(c: Cursor | null): GithubCursor | null {
  if (!c || c.version !== 1 || typeof c.lastFullPassAt !== 'string' || typeof c.repos !== 'object') return null;
  return c as unknown as GithubCursor;
}

function emptyRepoCursor(): RepoCursor {
  return {
    eventsEtag: null, pullsMark: null, pullsAtMark: [], commitsSince: null, runsSince: null, deploymentMaxId: 0,
    openDeployments: [], releaseMaxId: 0, known: { pulls: [], deployments: [], releases: [], runs: [] },
  };
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
  const prev = readCursor(ctx.cursor);
  const reconcileMs = (options.reconcileEveryDays ?? 7) * 86_400_000;
  const fullPass = !prev || Date.parse(ctx.asOf) - Date.parse(prev.lastFullPassAt) >= reconcileMs;
  const notes: string[] = [];
  const removedIds: string[] = [];
  let seq = 0;
  // Raw pages are stored, so logins, names and emails are pseudonymised/stripped before a page leaves here.
  const pseudonymise = rawPagePseudonymiser(ctx);
  // Pages are handed on in order, one at a time, so the pipeline stores them in sequence.
  let emitChain: Promise<void> = Promise.resolve();
  const emit = (kind: GithubStream, target: string, res: GithubResponse, parent?: Record<string, unknown>): Promise<void> => {
    if (res.status === 200) {
      const problem = checkPageBody(kind, res.data);
      if (problem) {
        throw new MalformedPageError({ source: 'github', bindingId: ctx.binding.id, path: pathOnly(res.path), reason: `GitHub returned a malformed page: ${problem}`, status: 200 });
      }
    }
    const page: RawPage = {
      source: 'github', bindingId: ctx.binding.id, stream: `${kind}:${target}`, path: res.path, seq: seq++,
      fetchedAt: res.fetchedAt, status: res.status, body: redactPeople(res.data, pseudonymise),
      ...(parent ? { parent: redactPeople(parent, pseudonymise) } : {}),
    };
    emitChain = emitChain.then(() => ctx.onPage(page));
    return emitChain;
  };
  const enc = encodeURIComponent;
  const org = cfg.org;

  // Which repos: explicit ones plus the team's (resolved on full passes only).
  let teamRepos = prev?.teamRepos ?? [];
  if (binding.team && (fullPass || !prev)) {
    teamRepos = [];
    for await (const res of client.pages(`/orgs/${enc(org)}/teams/${enc(binding.team)}/repos?per_page=100`, `team ${binding.team}`)) {
      await emit('team-repos', binding.team, res);
      for (const r of res.data as Array<{ full_name: string }>) teamRepos.push(r.full_name);
    }
  }
  const repos = [...new Set([...(binding.repos ?? []), ...teamRepos])].sort();

  const nextCursor: GithubCursor = { version: 1, lastFullPassAt: fullPass ? ctx.asOf : (prev?.lastFullPassAt ?? ctx.asOf), teamRepos, repos: {} };
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
    const rc: RepoCursor = incremental ? structuredClone(before) : emptyRepoCursor();
    const [owner, name] = repo.split('/').map(enc) as [string, string];
    const base = `/repos/${owner}/${name}`;
    const since = incremental ? null : ctx.since;

    // The change probe (also taken on full passes, to record the ETag before reading).
    const probe = await client.get(`${base}/events?per_page=1`, incremental ? rc.eventsEtag : null);
    await emit('events', repo, probe);
    rc.eventsEtag = probe.etag;
    if (incremental && probe.status === 304) {
      nextCursor.repos[repo] = rc;
      continue;
    }

    // Pull requests, most recently updated first; stop at the high-water mark (or the window start).
    const stopAt = incremental ? rc.pullsMark : since;
    const changed: Array<{ number: number; user: unknown }> = [];
    let newMark = rc.pullsMark;
    let atMark: number[] = incremental ? [...rc.pullsAtMark] : [];
    const seenPulls: number[] = [];
    pulls: for await (const res of client.pages(`${base}/pulls?state=all&sort=updated&direction=desc&per_page=100`, `pulls ${repo}`)) {
      await emit('pulls', repo, res);
      for (const pr of res.data as Array<{ number: number; updated_at: string; user: unknown }>) {
        if (stopAt && earlier(pr.updated_at, stopAt)) break pulls;
        if (incremental && pr.updated_at === rc.pullsMark && rc.pullsAtMark.includes(pr.number)) continue;
        changed.push({ number: pr.number, user: pr.user });
        seenPulls.push(pr.number);
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
    const reviewPages = await Promise.all(changed.map((pr) => limit(async () => {
      const got: GithubResponse[] = [];
      for await (const res of client.pages(`${base}/pulls/${pr.number}/reviews?per_page=100`, `reviews ${repo}#${pr.number}`)) got.push(res);
      return got;
    })));
    for (const [i, pr] of changed.entries()) {
      for (const res of reviewPages[i] ?? []) await emit('reviews', `${repo}#${pr.number}`, res, { number: pr.number, user: pr.user });
    }

    // Commits since the last one seen (or the window start), bounded by asOf.
    const commitsFrom = incremental ? rc.commitsSince : since;
    let newestCommit = rc.commitsSince;
    for await (const res of client.pages(`${base}/commits?per_page=100&since=${enc(commitsFrom ?? ctx.since)}&until=${enc(ctx.asOf)}`, `commits ${repo}`)) {
      await emit('commits', repo, res);
      for (const c of res.data as Array<{ commit: { committer: { date: string } | null } }>) {
        const d = c.commit.committer?.date;
        if (d && (!newestCommit || earlier(newestCommit, d))) newestCommit = d;
      }
    }
    rc.commitsSince = newestCommit;

    // Workflow runs created since the last pass. GitHub caps a filtered listing at 1,000 runs; the window per
    // pass is far below that for a team repo, and a note flags it if not.
    const runsFrom = (incremental ? rc.runsSince : since) ?? ctx.since;
    const seenRuns: number[] = [];
    for await (const res of client.pages(`${base}/actions/runs?per_page=100&created=${enc(`${ghTime(runsFrom)}..${ghTime(ctx.asOf)}`)}`, `runs ${repo}`)) {
      await emit('runs', repo, res);
      const body = res.data as { total_count: number; workflow_runs: Array<{ id: number }> };
      if (body.total_count > 1000) notes.push(`runs: a listing reported ${body.total_count} runs, above GitHub's 1,000 cap per query`);
      seenRuns.push(...body.workflow_runs.map((r) => r.id));
    }
    rc.runsSince = ctx.asOf;

    // Deployments, newest first: new ids (or the window) plus the still-open ones get their statuses read.
    const toStatus: RepoCursor['openDeployments'] = [];
    const seenDeployments: number[] = [];
    let maxId = rc.deploymentMaxId;
    deployments: for await (const res of client.pages(`${base}/deployments?per_page=100`, `deployments ${repo}`)) {
      await emit('deployments', repo, res);
      for (const d of res.data as Array<{ id: number; created_at: string; environment: string; creator?: unknown }>) {
        if (incremental ? d.id <= rc.deploymentMaxId : since !== null && earlier(d.created_at, since)) break deployments;
        toStatus.push({ id: d.id, created_at: d.created_at, environment: d.environment, creator: d.creator ?? null });
        seenDeployments.push(d.id);
        maxId = Math.max(maxId, d.id);
      }
    }
    if (incremental) for (const open of rc.openDeployments) if (!toStatus.some((d) => d.id === open.id)) toStatus.push(open);
    rc.deploymentMaxId = maxId;
    const stillOpen: RepoCursor['openDeployments'] = [];
    // Page 1 only: statuses are newest first and the latest is what counts. Handed on in deployment order (see
    // reviews above).
    const statusPages = await Promise.all(toStatus.map((d) => limit(() => client.get(`${base}/deployments/${d.id}/statuses?per_page=100`))));
    for (const [i, d] of toStatus.entries()) {
      const res = statusPages[i];
      if (!res) continue;
      await emit('deployment-statuses', `${repo}/${d.id}`, res, { id: d.id, created_at: d.created_at, environment: d.environment, creator: d.creator });
      const latest = (res.data as Array<{ state: string }>)[0];
      if (!latest || !FINAL_STATES.has(latest.state)) stillOpen.push(d);
    }
    rc.openDeployments = stillOpen.sort((a, b) => a.id - b.id);

    // Releases, newest first, down to the last id seen (or the window).
    const seenReleases: number[] = [];
    let relMax = rc.releaseMaxId;
    releases: for await (const res of client.pages(`${base}/releases?per_page=100`, `releases ${repo}`)) {
      await emit('releases', repo, res);
      for (const r of res.data as Array<{ id: number; created_at: string }>) {
        if (incremental ? r.id <= rc.releaseMaxId : since !== null && earlier(r.created_at, since)) break releases;
        seenReleases.push(r.id);
        relMax = Math.max(relMax, r.id);
      }
    }
    rc.releaseMaxId = relMax;

    if (incremental) {
      rc.known = {
        pulls: union(rc.known.pulls, seenPulls), deployments: union(rc.known.deployments, seenDeployments),
        releases: union(rc.known.releases, seenReleases), runs: union(rc.known.runs, seenRuns),
      };
    } else {
      rc.known = { pulls: union([], seenPulls), deployments: union([], seenDeployments), releases: union([], seenReleases), runs: union([], seenRuns) };
      if (before) {
        // Reconciliation: compare what the full pass saw with what earlier passes had seen in the same window.
        const missing = (kind: 'deployments' | 'releases' | 'runs', seen: number[], idOf: (n: number) => string): number => {
          const now = new Set(seen);
          const gone = before.known[kind].filter((n) => !now.has(n));
          removedIds.push(...gone.map(idOf));
          return gone.length;
        };
        const removed = {
          deployments: missing('deployments', seenDeployments, (n) => `github:deployment:${repo}/${n}`),
          releases: missing('releases', seenReleases, (n) => `github:release:${repo}/${n}`),
          runs: missing('runs', seenRuns, (n) => `github:run:${repo}/${n}`),
        };
        notes.push(
          `reconcile ${repo}: pulls ${seenPulls.length} (known ${before.known.pulls.length}), deployments ${seenDeployments.length} ` +
            `(known ${before.known.deployments.length}, removed ${removed.deployments}), runs ${seenRuns.length} (known ` +
            `${before.known.runs.length}, removed ${removed.runs}), releases ${seenReleases.length} (known ${before.known.releases.length}, removed ${removed.releases})`,
        );
      }
    }
    nextCursor.repos[repo] = rc;
  }
  await emitChain;
  return { cursor: nextCursor as unknown as Cursor, requests: client.requests, notes, ...(removedIds.length ? { removedIds } : {}) };
}

function earlier(a: string, b: string): boolean {
  return Date.parse(a) < Date.parse(b);
}

/** GitHub's search date syntax takes second-precision ISO times. */
function ghTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function union(a: number[], b: number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}
