import { createHash } from 'node:crypto';

// The data the GitHub simulator serves, kept in a vendor-neutral internal shape; ./serialise.ts turns it into
// GitHub's JSON at request time (API urls depend on the address the sandbox listens on). Mutators exist so
// incremental-sync tests can change exactly one thing and observe what a connector fetches afterwards.

/** A GitHub account as it appears in bodies (`user`, `actor`, `creator`). */
export interface GhUser {
  login: string;
  id: number;
}

/** A person behind an account; name and email appear in commit bodies only (as on GitHub). */
export interface GhPerson extends GhUser {
  name: string;
  email: string;
  /** Pod the person belongs to (demo story; never served). */
  homePod: string;
}

export interface PullRec {
  id: number;
  number: number;
  title: string;
  user: GhUser;
  state: 'open' | 'closed';
  draft: boolean;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  merged_at: string | null;
  head_sha: string;
  merge_commit_sha: string | null;
  head_ref: string;
  /** Login of the fork the head branch lives in, or null for a branch of the repo itself. */
  head_fork_owner: string | null;
  /** Free text as people write it (may quote an email address). */
  body: string;
}

export interface ReviewRec {
  id: number;
  user: GhUser;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  submitted_at: string;
  commit_id: string;
}

export interface CommitRec {
  sha: string;
  message: string;
  author: GhPerson | null;
  date: string;
  parents: string[];
}

export interface DeploymentRec {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  created_at: string;
  updated_at: string;
  creator: GhUser;
}

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface StatusRec {
  id: number;
  state: DeploymentState;
  created_at: string;
  environment: string;
  creator: GhUser;
}

export interface RunRec {
  id: number;
  name: string;
  workflow_id: number;
  path: string;
  event: 'push' | 'pull_request' | 'schedule' | 'workflow_dispatch';
  status: 'completed' | 'in_progress' | 'queued';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  head_branch: string;
  head_sha: string;
  run_number: number;
  created_at: string;
  updated_at: string;
  /** Resets when the run is re-run (the id stays). */
  run_started_at: string;
  run_attempt: number;
  actor: GhUser;
  /** Login of the fork a pull_request run's head commit came from, or null. */
  head_fork_owner: string | null;
}

export interface ReleaseRec {
  id: number;
  tag_name: string;
  name: string;
  draft: boolean;
  prerelease: boolean;
  /** The date of the release's commit (GitHub's meaning), not of drafting or publishing. */
  created_at: string;
  /** Null while a draft. */
  published_at: string | null;
  author: GhUser;
}

export interface EventRec {
  id: string;
  type: 'PushEvent' | 'PullRequestEvent' | 'PullRequestReviewEvent' | 'ReleaseEvent';
  actor: GhUser;
  created_at: string;
  payload: Record<string, unknown>;
}

export interface RepoRec {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  created_at: string;
  updated_at: string;
  pushed_at: string;
  pulls: PullRec[];
  reviews: Map<number, ReviewRec[]>;
  commits: CommitRec[];
  deployments: DeploymentRec[];
  statuses: Map<number, StatusRec[]>;
  runs: RunRec[];
  releases: ReleaseRec[];
  events: EventRec[];
}

/** What the sandbox saw of one request (tests assert e.g. that every request carried Authorization). */
export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  hasAuthorization: boolean;
  ifNoneMatch: boolean;
  status: number;
}

/** The primary rate-limit budget of the (single) token the sandbox accepts. */
export interface RateBudget {
  limit: number;
  used: number;
  /** Epoch seconds when the budget refills. */
  resetAt: number;
}

/** Formats a Date the way GitHub does: ISO-8601 UTC without milliseconds. */
export function ghTime(d: Date | number): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A deterministic 40-hex commit-like sha derived from a key. */
export function fakeSha(key: string): string {
  return createHash('sha1').update(key).digest('hex');
}

/** The generated GitHub organisation, mutable through small helpers. */
export class GithubWorld {
  readonly org: string;
  readonly orgId = 9_100_001;
  readonly repos = new Map<string, RepoRec>();
  /** Team slug → repo full names. */
  readonly teams = new Map<string, string[]>();
  readonly people = new Map<string, GhPerson>();
  readonly requestLog: RequestLogEntry[] = [];
  rateBudget: RateBudget;
  /** The GraphQL budget (points, GitHub's `graphql` resource), spent by the cost of each query. */
  graphqlBudget: RateBudget;
  /**
   * When set, Link headers name this origin instead of the sandbox's own (a proxy or a hostile response pointing
   * the client elsewhere): a client must not follow them with its token.
   */
  linkOrigin: string | null = null;
  private nextId = 4_000_000;
  private eventSeq = 30_000_000_000;

  constructor(org: string, now: Date = new Date()) {
    this.org = org;
    // 15,000/h is an installation token on a GitHub Enterprise Cloud org (API-FACTS §2); a full demo sync
    // needs about 7,000 requests (one per PR for reviews, one per deployment for statuses), above a PAT's 5,000.
    this.rateBudget = { limit: 15_000, used: 0, resetAt: Math.floor(now.getTime() / 1000) + 3600 };
    this.graphqlBudget = { limit: 10_000, used: 0, resetAt: Math.floor(now.getTime() / 1000) + 3600 };
  }

  /** Allocates a unique numeric id (deterministic for a given generation order). */
  newId(): number {
    this.nextId += 1;
    return this.nextId;
  }

  /** Returns the repo or throws (helpers are for tests; a typo should fail loudly). */
  repo(fullName: string): RepoRec {
    const r = this.repos.get(fullName);
    if (!r) throw new Error(`sandbox has no repo ${fullName}`);
    return r;
  }

  addRepo(fullName: string, createdAt: string): RepoRec {
    const [owner, name] = fullName.split('/') as [string, string];
    const rec: RepoRec = {
      id: this.newId(), owner, name, fullName, created_at: createdAt, updated_at: createdAt, pushed_at: createdAt,
      pulls: [], reviews: new Map(), commits: [], deployments: [], statuses: new Map(), runs: [], releases: [], events: [],
    };
    this.repos.set(fullName, rec);
    return rec;
  }

  addPerson(p: Omit<GhPerson, 'id'>): GhPerson {
    const person = { ...p, id: 70_000 + this.people.size };
    this.people.set(p.login, person);
    return person;
  }

  /** Any account login → its public `{login, id}` view. */
  user(login: string): GhUser {
    const p = this.people.get(login);
    if (!p) throw new Error(`sandbox has no person ${login}`);
    return { login: p.login, id: p.id };
  }

  private pushEvent(repo: RepoRec, type: EventRec['type'], actor: GhUser, at: string, payload: Record<string, unknown>): void {
    this.eventSeq += 1;
    repo.events.push({ id: String(this.eventSeq), type, actor, created_at: at, payload });
  }

  /** Opens a pull request (with its head commit pushed), as a person would; `fromFork` puts the branch in the author's fork. */
  addPull(fullName: string, o: { author: string; createdAt: string; title?: string; draft?: boolean; fromFork?: boolean }): PullRec {
    const repo = this.repo(fullName);
    const number = repo.pulls.length + 1;
    const headSha = fakeSha(`${fullName}#${number}:head`);
    const pr: PullRec = {
      id: this.newId(), number, title: o.title ?? `Improve ${repo.name} step ${number}`, user: this.user(o.author),
      state: 'open', draft: o.draft ?? false, created_at: o.createdAt, updated_at: o.createdAt, closed_at: null,
      merged_at: null, head_sha: headSha, merge_commit_sha: null, head_ref: `feature/${number}`,
      head_fork_owner: o.fromFork ? o.author : null,
      body: `Closes the step ${number} follow-up. Questions to ${this.people.get(o.author)?.email ?? 'the team'}.`,
    };
    repo.pulls.push(pr);
    repo.reviews.set(number, []);
    repo.pushed_at = maxTime(repo.pushed_at, o.createdAt);
    this.pushEvent(repo, 'PushEvent', pr.user, o.createdAt, { ...pushPayload(headSha, this.people.get(o.author) ?? null, pr.title), ref: `refs/heads/${pr.head_ref}` });
    this.pushEvent(repo, 'PullRequestEvent', pr.user, o.createdAt, { action: 'opened', number });
    return pr;
  }

  /** Submits a review; like GitHub, this moves the pull request's updated_at. */
  addReview(fullName: string, number: number, o: { reviewer: string; submittedAt: string; state?: ReviewRec['state'] }): ReviewRec {
    const repo = this.repo(fullName);
    const pr = this.pull(fullName, number);
    const review: ReviewRec = {
      id: this.newId(), user: this.user(o.reviewer), state: o.state ?? 'APPROVED', submitted_at: o.submittedAt, commit_id: pr.head_sha,
    };
    repo.reviews.get(number)?.push(review);
    pr.updated_at = maxTime(pr.updated_at, o.submittedAt);
    this.pushEvent(repo, 'PullRequestReviewEvent', review.user, o.submittedAt, { action: 'created', number, review_id: review.id });
    return review;
  }

  pull(fullName: string, number: number): PullRec {
    const pr = this.repo(fullName).pulls.find((p) => p.number === number);
    if (!pr) throw new Error(`sandbox has no pull ${fullName}#${number}`);
    return pr;
  }

  /** Merges (or just closes) a pull request; merging adds the merge commit to the default branch. */
  closePull(fullName: string, number: number, o: { at: string; merged: boolean; by?: string }): PullRec {
    const repo = this.repo(fullName);
    const pr = this.pull(fullName, number);
    pr.state = 'closed';
    pr.closed_at = o.at;
    pr.updated_at = maxTime(pr.updated_at, o.at);
    const actor = o.by ? this.user(o.by) : pr.user;
    if (o.merged) {
      pr.merged_at = o.at;
      const sha = fakeSha(`${fullName}#${number}:merge`);
      pr.merge_commit_sha = sha;
      const author = this.people.get(pr.user.login) ?? null;
      repo.commits.push({ sha, message: `Merge pull request #${number}`, author, date: o.at, parents: [pr.head_sha] });
      repo.pushed_at = maxTime(repo.pushed_at, o.at);
      this.pushEvent(repo, 'PushEvent', actor, o.at, pushPayload(sha, this.people.get(pr.user.login) ?? null, `Merge pull request #${number}`));
    }
    this.pushEvent(repo, 'PullRequestEvent', actor, o.at, { action: 'closed', number });
    return pr;
  }

  /** Pushes a commit straight to the default branch. */
  addCommit(fullName: string, o: { author: string; date: string; message?: string }): CommitRec {
    const repo = this.repo(fullName);
    const sha = fakeSha(`${fullName}:${repo.commits.length}:${o.date}`);
    const c: CommitRec = {
      sha, message: o.message ?? 'Tune pipeline', author: this.people.get(o.author) ?? null, date: o.date,
      parents: repo.commits.length ? [repo.commits[repo.commits.length - 1]?.sha as string] : [],
    };
    repo.commits.push(c);
    repo.pushed_at = maxTime(repo.pushed_at, o.date);
    this.pushEvent(repo, 'PushEvent', this.user(o.author), o.date, pushPayload(sha, c.author, c.message));
    return c;
  }

  /**
   * Creates a deployment with its first status. GitHub's public events feed carries no deployment events, so
   * this adds none (a connector's cheap change probe cannot see it; reconciliation must).
   */
  addDeployment(fullName: string, o: { by: string; createdAt: string; environment?: string; sha?: string }): DeploymentRec {
    const repo = this.repo(fullName);
    const d: DeploymentRec = {
      id: this.newId(), sha: o.sha ?? fakeSha(`${fullName}:deploy:${o.createdAt}`), ref: 'main',
      environment: o.environment ?? 'production', created_at: o.createdAt, updated_at: o.createdAt, creator: this.user(o.by),
    };
    repo.deployments.push(d);
    repo.statuses.set(d.id, []);
    this.addDeploymentStatus(fullName, d.id, { state: 'queued', at: o.createdAt });
    return d;
  }

  addDeploymentStatus(fullName: string, deploymentId: number, o: { state: DeploymentState; at: string }): StatusRec {
    const repo = this.repo(fullName);
    const d = repo.deployments.find((x) => x.id === deploymentId);
    if (!d) throw new Error(`sandbox has no deployment ${deploymentId} in ${fullName}`);
    const s: StatusRec = { id: this.newId(), state: o.state, created_at: o.at, environment: d.environment, creator: d.creator };
    repo.statuses.get(deploymentId)?.push(s);
    d.updated_at = maxTime(d.updated_at, o.at);
    return s;
  }

  /** Deletes a deployment (GitHub allows deleting inactive deployments). */
  deleteDeployment(fullName: string, deploymentId: number): void {
    const repo = this.repo(fullName);
    repo.deployments = repo.deployments.filter((d) => d.id !== deploymentId);
    repo.statuses.delete(deploymentId);
  }

  /** Records a workflow run; like deployments, runs are absent from the public events feed. */
  addRun(
    fullName: string,
    o: Omit<RunRec, 'id' | 'run_number' | 'workflow_id' | 'path' | 'head_branch' | 'status' | 'actor' | 'run_started_at' | 'run_attempt' | 'head_fork_owner'>
      & { actor: string; status?: RunRec['status']; fromFork?: boolean },
  ): RunRec {
    const repo = this.repo(fullName);
    const file = o.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const { fromFork, ...fields } = o;
    const run: RunRec = {
      ...fields, run_started_at: o.created_at, run_attempt: 1, head_fork_owner: fromFork ? o.actor : null, id: this.newId(), run_number: repo.runs.filter((r) => r.name === o.name).length + 1,
      workflow_id: 600_000 + (seedHash(`${fullName}:${o.name}`) % 100_000), path: `.github/workflows/${file}.yml`,
      head_branch: 'main', status: o.status ?? 'completed', actor: this.user(o.actor),
    };
    repo.runs.push(run);
    return run;
  }

  /**
   * Publishes a release at `at` (or drafts it, with `draft`). Like GitHub, `created_at` is the date of the release's
   * commit: the newest commit on the default branch at that time (or `at` in a repo without commits).
   */
  addRelease(fullName: string, o: { by: string; at: string; tag: string; prerelease?: boolean; draft?: boolean }): ReleaseRec {
    const repo = this.repo(fullName);
    const commitAt = repo.commits.filter((c) => Date.parse(c.date) <= Date.parse(o.at)).map((c) => c.date)
      .sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1) ?? o.at;
    const rel: ReleaseRec = {
      id: this.newId(), tag_name: o.tag, name: o.tag, draft: o.draft === true, prerelease: o.prerelease ?? false,
      created_at: commitAt, published_at: o.draft ? null : o.at, author: this.user(o.by),
    };
    repo.releases.push(rel);
    if (!o.draft) this.pushEvent(repo, 'ReleaseEvent', rel.author, o.at, { action: 'published', tag: o.tag });
    return rel;
  }

  /** Publishes a draft: it keeps its (lower) id and its commit date. */
  publishRelease(fullName: string, id: number, at: string): ReleaseRec {
    const repo = this.repo(fullName);
    const rel = repo.releases.find((r) => r.id === id);
    if (!rel) throw new Error(`sandbox has no release ${id} in ${fullName}`);
    rel.draft = false;
    rel.published_at = at;
    this.pushEvent(repo, 'ReleaseEvent', rel.author, at, { action: 'published', tag: rel.tag_name });
    return rel;
  }

  /** Re-runs a workflow run: same id, next attempt, queued again with no conclusion, run_started_at reset. */
  rerunRun(fullName: string, id: number, at: string): RunRec {
    const run = this.run(fullName, id);
    Object.assign(run, { status: 'queued', conclusion: null, run_attempt: run.run_attempt + 1, run_started_at: at, updated_at: at });
    return run;
  }

  /** Finishes a queued or running workflow run. */
  completeRun(fullName: string, id: number, o: { conclusion: NonNullable<RunRec['conclusion']>; at: string }): RunRec {
    const run = this.run(fullName, id);
    Object.assign(run, { status: 'completed', conclusion: o.conclusion, updated_at: o.at });
    return run;
  }

  run(fullName: string, id: number): RunRec {
    const run = this.repo(fullName).runs.find((r) => r.id === id);
    if (!run) throw new Error(`sandbox has no run ${id} in ${fullName}`);
    return run;
  }

  /** Exhausts the primary budget until `resetInSeconds` from now (tests of primary rate limiting). */
  exhaustBudget(resetInSeconds: number, now: Date = new Date()): void {
    this.rateBudget = { ...this.rateBudget, used: this.rateBudget.limit, resetAt: Math.floor(now.getTime() / 1000) + resetInSeconds };
  }
}

/** A PushEvent payload as GitHub sends it: the pushed commits carry their git author's name and email. */
function pushPayload(sha: string, author: GhPerson | null, message: string): Record<string, unknown> {
  return {
    ref: 'refs/heads/main', head: sha, size: 1, distinct_size: 1,
    commits: [{ sha, author: { name: author?.name ?? 'ci-bot', email: author?.email ?? 'ci-bot@build.example' }, message, distinct: true }],
  };
}

function maxTime(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function seedHash(key: string): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0);
}
