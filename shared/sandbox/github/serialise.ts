import type {
  CommitRec, DeploymentRec, EventRec, GhPerson, GhUser, PullRec, ReleaseRec, RepoRec, ReviewRec, RunRec, StatusRec,
} from './world.js';

// GitHub's JSON shapes (REST API version 2022-11-28), field for field as GitHub's OpenAPI description
// (@octokit/openapi, api.github.com.json) requires them for each operation the sandbox serves; the conformance
// tests (test/conformance/github-*.test.ts) hold every served body to that description. API `url`s are built from
// the address the request came in on. People appear wherever real payloads carry them: logins in every user
// object, git names and emails in commits, commit signatures' payloads, Signed-off-by trailers, head commits of
// workflow runs and push events, emails in pull request bodies, and fork owners' logins in fork repositories.
// The sandbox serves GitHub's web paths itself (./web.ts), on the same origin as its API, so every `html_url` points
// back at this server and demo evidence links open; the real GitHub's html_url is whatever GitHub returns.

/** What the serialisers need besides the record: the API origin and the people behind logins. */
export interface SerialiseContext {
  api: string;
  person(login: string): GhPerson | undefined;
  orgId: number;
}

function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(String(id)).toString('base64url')}`;
}

/** A `simple-user` as GitHub embeds it (`user`, `creator`, `author`, `actor`, `owner`). */
export function userJson(u: GhUser, api: string, type?: 'User' | 'Bot' | 'Organization'): Record<string, unknown> {
  const kind = type ?? (u.login.endsWith('[bot]') ? 'Bot' : 'User');
  const url = `${api}/users/${encodeURIComponent(u.login)}`;
  // A GitHub App's bot account links to the app's page (`github-actions[bot]` → /apps/github-actions).
  const html = kind === 'Bot' ? `${api}/apps/${u.login.replace(/\[bot\]$/, '')}` : `${api}/${u.login}`;
  return {
    login: u.login, id: u.id, node_id: nodeId(kind === 'Organization' ? 'O' : 'U', u.id), avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '', url, html_url: html, followers_url: `${url}/followers`, following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`, starred_url: `${url}/starred{/owner}{/repo}`, subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`, repos_url: `${url}/repos`, events_url: `${url}/events{/privacy}`, received_events_url: `${url}/received_events`,
    type: kind, user_view_type: 'public', site_admin: false,
  };
}

/** A `repository` (a superset of `minimal-repository`); a fork is owned by a person and has its own id. */
export function repoJson(
  r: Pick<RepoRec, 'id' | 'name' | 'fullName' | 'owner' | 'created_at' | 'updated_at' | 'pushed_at'> & { openIssues?: number },
  ctx: Pick<SerialiseContext, 'api' | 'orgId'>,
  fork?: { owner: GhUser },
): Record<string, unknown> {
  const full = fork ? `${fork.owner.login}/${r.name}` : r.fullName;
  const id = fork ? r.id + 50_000_000 + fork.owner.id : r.id;
  const owner = fork ? userJson(fork.owner, ctx.api) : userJson({ login: r.owner, id: ctx.orgId }, ctx.api, 'Organization');
  const url = `${ctx.api}/repos/${full}`;
  return {
    id, node_id: nodeId('R', id), name: r.name, full_name: full, private: true, owner, html_url: `${ctx.api}/${full}`, description: null, fork: !!fork,
    url, archive_url: `${url}/{archive_format}{/ref}`, assignees_url: `${url}/assignees{/user}`, blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`, collaborators_url: `${url}/collaborators{/collaborator}`, comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`, compare_url: `${url}/compare/{base}...{head}`, contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`, deployments_url: `${url}/deployments`, downloads_url: `${url}/downloads`, events_url: `${url}/events`,
    forks_url: `${url}/forks`, git_commits_url: `${url}/git/commits{/sha}`, git_refs_url: `${url}/git/refs{/sha}`, git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://github.com/${full}.git`, issue_comment_url: `${url}/issues/comments{/number}`, issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`, keys_url: `${url}/keys{/key_id}`, labels_url: `${url}/labels{/name}`, languages_url: `${url}/languages`,
    merges_url: `${url}/merges`, milestones_url: `${url}/milestones{/number}`, notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`, releases_url: `${url}/releases{/id}`, ssh_url: `git@github.com:${full}.git`, stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`, subscribers_url: `${url}/subscribers`, subscription_url: `${url}/subscription`, tags_url: `${url}/tags`,
    teams_url: `${url}/teams`, trees_url: `${url}/git/trees{/sha}`, clone_url: `https://github.com/${full}.git`, mirror_url: null,
    hooks_url: `${url}/hooks`, svn_url: `https://github.com/${full}`, homepage: null, language: 'Python', forks_count: 0, forks: 0,
    stargazers_count: 0, watchers_count: 0, watchers: 0, size: 1024, default_branch: 'main', open_issues_count: r.openIssues ?? 0,
    open_issues: r.openIssues ?? 0, is_template: false, topics: [], has_issues: true, has_projects: false, has_wiki: false, has_pages: false,
    has_downloads: true, has_discussions: false, archived: false, disabled: false, visibility: 'private', license: null,
    pushed_at: r.pushed_at, created_at: r.created_at, updated_at: r.updated_at, allow_forking: true, web_commit_signoff_required: false,
  };
}

/** The org repo as listed (`/orgs/{org}/repos`, team repos). */
export function orgRepoJson(r: RepoRec, ctx: SerialiseContext): Record<string, unknown> {
  return repoJson({ ...r, openIssues: r.pulls.filter((p) => p.state === 'open').length }, ctx);
}

function gitIdentity(p: GhPerson | null | undefined): { name: string; email: string } {
  return p ? { name: p.name, email: p.email } : { name: 'ci-bot', email: 'ci-bot@build.example' };
}

export function pullJson(r: RepoRec, p: PullRec, ctx: SerialiseContext): Record<string, unknown> {
  const { api } = ctx;
  const url = `${api}/repos/${r.fullName}/pulls/${p.number}`;
  const issue = `${api}/repos/${r.fullName}/issues/${p.number}`;
  const forkOwner = p.head_fork_owner ? ctx.person(p.head_fork_owner) ?? { login: p.head_fork_owner, id: 0 } : null;
  const headRepo = forkOwner ? repoJson(r, ctx, { owner: forkOwner }) : repoJson(r, ctx);
  const orgUser = userJson({ login: r.owner, id: ctx.orgId }, api, 'Organization');
  return {
    url, id: p.id, node_id: nodeId('PR', p.id), html_url: `${api}/${r.fullName}/pull/${p.number}`, diff_url: `${api}/${r.fullName}/pull/${p.number}.diff`,
    patch_url: `${api}/${r.fullName}/pull/${p.number}.patch`, issue_url: issue, commits_url: `${url}/commits`, review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/repos/${r.fullName}/pulls/comments{/number}`, comments_url: `${issue}/comments`,
    statuses_url: `${api}/repos/${r.fullName}/statuses/${p.head_sha}`, number: p.number, state: p.state, locked: false, title: p.title,
    user: userJson(p.user, api), body: p.body, labels: [], milestone: null, active_lock_reason: null,
    created_at: p.created_at, updated_at: p.updated_at, closed_at: p.closed_at, merged_at: p.merged_at, merge_commit_sha: p.merge_commit_sha,
    assignee: null, assignees: [], requested_reviewers: [], requested_teams: [],
    head: {
      label: `${forkOwner ? forkOwner.login : r.owner}:${p.head_ref}`, ref: p.head_ref, sha: p.head_sha,
      user: forkOwner ? userJson(forkOwner, api) : orgUser, repo: headRepo,
    },
    base: { label: `${r.owner}:main`, ref: 'main', sha: p.merge_commit_sha ?? p.head_sha, user: orgUser, repo: repoJson(r, ctx) },
    _links: {
      self: { href: url }, html: { href: `${api}/${r.fullName}/pull/${p.number}` }, issue: { href: issue }, comments: { href: `${issue}/comments` },
      review_comments: { href: `${url}/comments` }, review_comment: { href: `${api}/repos/${r.fullName}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` }, statuses: { href: `${api}/repos/${r.fullName}/statuses/${p.head_sha}` },
    },
    author_association: 'MEMBER', auto_merge: null, draft: p.draft,
  };
}

export function reviewJson(r: RepoRec, p: PullRec, rv: ReviewRec, ctx: SerialiseContext): Record<string, unknown> {
  const html = `${ctx.api}/${r.fullName}/pull/${p.number}#pullrequestreview-${rv.id}`;
  const pr = `${ctx.api}/repos/${r.fullName}/pulls/${p.number}`;
  return {
    id: rv.id, node_id: nodeId('PRR', rv.id), user: userJson(rv.user, ctx.api), body: '', state: rv.state, html_url: html, pull_request_url: pr,
    _links: { html: { href: html }, pull_request: { href: pr } }, author_association: 'MEMBER', submitted_at: rv.submitted_at, commit_id: rv.commit_id,
  };
}

/** A commit as `GET …/commits` lists it, with its signature's payload (which names the author) and sign-off trailer. */
export function commitJson(r: RepoRec, c: CommitRec, ctx: SerialiseContext): Record<string, unknown> {
  const { api } = ctx;
  const who = gitIdentity(c.author);
  const epoch = Math.floor(Date.parse(c.date) / 1000);
  const message = c.author ? `${c.message}\n\nSigned-off-by: ${who.name} <${who.email}>` : c.message;
  const tree = c.sha.split('').reverse().join('');
  const payload = `tree ${tree}\n${c.parents.map((s) => `parent ${s}\n`).join('')}author ${who.name} <${who.email}> ${epoch} +0000\n` +
    `committer ${who.name} <${who.email}> ${epoch} +0000\n\n${message}\n`;
  // A commit whose email maps to no account has `author: null`, and sometimes `{}` (both in GitHub's schema); the
  // git author date is optional there, so machine commits carry only the committer's.
  const noAccount = parseInt(c.sha.slice(0, 2), 16) % 2 === 0 ? null : {};
  return {
    sha: c.sha, node_id: nodeId('C', c.sha.slice(0, 12)),
    commit: {
      author: c.author ? { ...who, date: c.date } : who, committer: { ...who, date: c.date }, message,
      tree: { sha: tree, url: `${api}/repos/${r.fullName}/git/trees/${tree}` }, url: `${api}/repos/${r.fullName}/git/commits/${c.sha}`, comment_count: 0,
      verification: c.author
        ? { verified: true, reason: 'valid', signature: '-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n-----END PGP SIGNATURE-----', payload, verified_at: c.date }
        : { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${api}/repos/${r.fullName}/commits/${c.sha}`, html_url: `${api}/${r.fullName}/commit/${c.sha}`, comments_url: `${api}/repos/${r.fullName}/commits/${c.sha}/comments`,
    author: c.author ? userJson(c.author, api) : noAccount, committer: c.author ? userJson(c.author, api) : noAccount,
    parents: c.parents.map((sha) => ({ sha, url: `${api}/repos/${r.fullName}/commits/${sha}`, html_url: `${api}/${r.fullName}/commit/${sha}` })),
  };
}

export function deploymentJson(r: RepoRec, d: DeploymentRec, ctx: SerialiseContext): Record<string, unknown> {
  const url = `${ctx.api}/repos/${r.fullName}/deployments/${d.id}`;
  return {
    url, id: d.id, node_id: nodeId('DE', d.id), sha: d.sha, ref: d.ref, task: 'deploy', payload: {},
    original_environment: d.environment, environment: d.environment, description: null, creator: userJson(d.creator, ctx.api),
    created_at: d.created_at, updated_at: d.updated_at, statuses_url: `${url}/statuses`, repository_url: `${ctx.api}/repos/${r.fullName}`,
    transient_environment: false, production_environment: d.environment === 'production',
  };
}

export function statusJson(r: RepoRec, d: DeploymentRec, s: StatusRec, ctx: SerialiseContext): Record<string, unknown> {
  const url = `${ctx.api}/repos/${r.fullName}/deployments/${d.id}`;
  return {
    url: `${url}/statuses/${s.id}`, id: s.id, node_id: nodeId('DES', s.id), state: s.state, creator: userJson(s.creator, ctx.api),
    description: '', environment: s.environment, target_url: `${ctx.api}/${r.fullName}/actions/runs/${s.id}`, created_at: s.created_at, updated_at: s.created_at,
    deployment_url: url, repository_url: `${ctx.api}/repos/${r.fullName}`, environment_url: `https://${s.environment}.${r.name}.example`,
    log_url: `${ctx.api}/${r.fullName}/actions/runs/${s.id}`,
  };
}

/** A workflow run with its head commit (git author name and email) and head repository (a fork's owner for fork PRs). */
export function runJson(r: RepoRec, run: RunRec, ctx: SerialiseContext): Record<string, unknown> {
  const { api } = ctx;
  const url = `${api}/repos/${r.fullName}/actions/runs/${run.id}`;
  const commit = r.commits.find((c) => c.sha === run.head_sha);
  const who = gitIdentity(commit?.author ?? ctx.person(run.actor.login));
  const forkOwner = run.head_fork_owner ? ctx.person(run.head_fork_owner) ?? null : null;
  return {
    id: run.id, name: run.name, node_id: nodeId('WFR', run.id), check_suite_id: run.id + 1, check_suite_node_id: nodeId('CS', run.id + 1),
    head_branch: run.head_branch, head_sha: run.head_sha, path: run.path, display_title: run.name, run_number: run.run_number, event: run.event,
    status: run.status, conclusion: run.conclusion, workflow_id: run.workflow_id, url, html_url: `${api}/${r.fullName}/actions/runs/${run.id}`,
    pull_requests: [], created_at: run.created_at, updated_at: run.updated_at, run_started_at: run.run_started_at, run_attempt: run.run_attempt,
    actor: userJson(run.actor, api), triggering_actor: userJson(run.actor, api), jobs_url: `${url}/jobs`, logs_url: `${url}/logs`,
    check_suite_url: `${api}/repos/${r.fullName}/check-suites/${run.id + 1}`, artifacts_url: `${url}/artifacts`, cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`, previous_attempt_url: run.run_attempt > 1 ? `${url}/attempts/${run.run_attempt - 1}` : null,
    workflow_url: `${api}/repos/${r.fullName}/actions/workflows/${run.workflow_id}`,
    head_commit: {
      id: run.head_sha, tree_id: run.head_sha.split('').reverse().join(''), message: commit?.message ?? run.name,
      timestamp: commit?.date ?? run.created_at, author: who, committer: who,
    },
    repository: repoJson(r, ctx), head_repository: forkOwner ? repoJson(r, ctx, { owner: forkOwner }) : repoJson(r, ctx),
  };
}

export function releaseJson(r: RepoRec, rel: ReleaseRec, ctx: SerialiseContext): Record<string, unknown> {
  const url = `${ctx.api}/repos/${r.fullName}/releases/${rel.id}`;
  return {
    url, html_url: `${ctx.api}/${r.fullName}/releases/tag/${rel.tag_name}`, assets_url: `${url}/assets`,
    upload_url: `https://uploads.github.com/repos/${r.fullName}/releases/${rel.id}/assets{?name,label}`,
    tarball_url: `${ctx.api}/repos/${r.fullName}/tarball/${rel.tag_name}`, zipball_url: `${ctx.api}/repos/${r.fullName}/zipball/${rel.tag_name}`,
    id: rel.id, node_id: nodeId('RE', rel.id), tag_name: rel.tag_name, target_commitish: 'main', name: rel.name,
    draft: rel.draft, prerelease: rel.prerelease, created_at: rel.created_at, published_at: rel.published_at,
    author: userJson(rel.author, ctx.api), assets: [], body: '',
  };
}

/** The part of a pull request events carry (`pull-request-minimal`). */
function pullMinimalJson(r: RepoRec, p: PullRec | undefined, number: number, api: string): Record<string, unknown> {
  const repo = { id: r.id, url: `${api}/repos/${r.fullName}`, name: r.name };
  return {
    id: p?.id ?? number, number, url: `${api}/repos/${r.fullName}/pulls/${number}`,
    head: { ref: p?.head_ref ?? 'main', sha: p?.head_sha ?? '0'.repeat(40), repo }, base: { ref: 'main', sha: p?.merge_commit_sha ?? p?.head_sha ?? '0'.repeat(40), repo },
  };
}

/** A repository event with the payload GitHub sends for its type (push events list the pushed commits' git authors). */
export function eventJson(r: RepoRec, e: EventRec, ctx: SerialiseContext): Record<string, unknown> {
  const { api } = ctx;
  const number = Number(e.payload.number);
  const pr = r.pulls.find((p) => p.number === number);
  let payload: Record<string, unknown>;
  switch (e.type) {
    case 'PushEvent': {
      const head = String(e.payload.head);
      const before = r.commits.find((c) => c.sha === head)?.parents[0] ?? '0'.repeat(40);
      payload = { repository_id: r.id, push_id: Number(e.id), before, ...e.payload };
      break;
    }
    case 'PullRequestEvent':
      payload = { action: e.payload.action, number, pull_request: pullMinimalJson(r, pr, number, api) };
      break;
    case 'PullRequestReviewEvent': {
      const rv = (r.reviews.get(number) ?? []).find((x) => x.id === e.payload.review_id);
      payload = { action: e.payload.action, review: rv && pr ? reviewJson(r, pr, rv, ctx) : {}, pull_request: pullMinimalJson(r, pr, number, api) };
      break;
    }
    case 'ReleaseEvent': {
      const rel = r.releases.find((x) => x.tag_name === e.payload.tag);
      payload = { action: e.payload.action, release: rel ? releaseJson(r, rel, ctx) : {} };
      break;
    }
  }
  return {
    id: e.id, type: e.type,
    actor: {
      id: e.actor.id, login: e.actor.login, display_login: e.actor.login, gravatar_id: '', url: `${api}/users/${encodeURIComponent(e.actor.login)}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${e.actor.id}?v=4`,
    },
    repo: { id: r.id, name: r.fullName, url: `${api}/repos/${r.fullName}` }, payload, public: false, created_at: e.created_at,
  };
}
