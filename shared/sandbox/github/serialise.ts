import type { GhUser, PullRec, RepoRec, ReviewRec, CommitRec, DeploymentRec, StatusRec, RunRec, ReleaseRec, EventRec } from './world.js';

// GitHub's JSON shapes (REST API version 2022-11-28): snake_case fields, html_url for the web UI, api `url`s
// built from the address the request came in on, `user {login, id, …}` objects. Only the fields a client of
// these endpoints typically reads are reproduced, with GitHub's names and types.

const WEB = 'https://github.com';

function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(String(id)).toString('base64url')}`;
}

/** A `user` object as GitHub embeds it. */
export function userJson(u: GhUser, api: string): Record<string, unknown> {
  const bot = u.login.endsWith('[bot]');
  return {
    login: u.login, id: u.id, node_id: nodeId('U', u.id), avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    url: `${api}/users/${encodeURIComponent(u.login)}`, html_url: `${WEB}/${u.login}`, type: bot ? 'Bot' : 'User', site_admin: false,
  };
}

export function repoJson(r: RepoRec, api: string, orgId: number): Record<string, unknown> {
  return {
    id: r.id, node_id: nodeId('R', r.id), name: r.name, full_name: r.fullName, private: true,
    owner: { login: r.owner, id: orgId, node_id: nodeId('O', orgId), url: `${api}/orgs/${r.owner}`, html_url: `${WEB}/${r.owner}`, type: 'Organization', site_admin: false },
    html_url: `${WEB}/${r.fullName}`, description: null, fork: false, url: `${api}/repos/${r.fullName}`,
    created_at: r.created_at, updated_at: r.updated_at, pushed_at: r.pushed_at, default_branch: 'main',
    visibility: 'private', archived: false, disabled: false, open_issues_count: r.pulls.filter((p) => p.state === 'open').length,
  };
}

export function pullJson(r: RepoRec, p: PullRec, api: string): Record<string, unknown> {
  const url = `${api}/repos/${r.fullName}/pulls/${p.number}`;
  return {
    url, id: p.id, node_id: nodeId('PR', p.id), html_url: `${WEB}/${r.fullName}/pull/${p.number}`, number: p.number,
    state: p.state, locked: false, title: p.title, user: userJson(p.user, api), body: null,
    created_at: p.created_at, updated_at: p.updated_at, closed_at: p.closed_at, merged_at: p.merged_at,
    merge_commit_sha: p.merge_commit_sha, draft: p.draft,
    head: { label: `${r.owner}:${p.head_ref}`, ref: p.head_ref, sha: p.head_sha },
    base: { label: `${r.owner}:main`, ref: 'main' },
    author_association: 'MEMBER', review_comments_url: `${url}/comments`, commits_url: `${url}/commits`,
  };
}

export function reviewJson(r: RepoRec, p: PullRec, rv: ReviewRec, api: string): Record<string, unknown> {
  return {
    id: rv.id, node_id: nodeId('PRR', rv.id), user: userJson(rv.user, api), body: '', state: rv.state,
    html_url: `${WEB}/${r.fullName}/pull/${p.number}#pullrequestreview-${rv.id}`,
    pull_request_url: `${api}/repos/${r.fullName}/pulls/${p.number}`, author_association: 'MEMBER',
    submitted_at: rv.submitted_at, commit_id: rv.commit_id,
  };
}

export function commitJson(r: RepoRec, c: CommitRec, api: string): Record<string, unknown> {
  const who = c.author ? { name: c.author.name, email: c.author.email, date: c.date } : { name: 'unknown', email: 'unknown@users.noreply.example', date: c.date };
  return {
    sha: c.sha, node_id: nodeId('C', c.sha.slice(0, 12)),
    commit: { author: who, committer: who, message: c.message, tree: { sha: c.sha.split('').reverse().join('') }, comment_count: 0 },
    url: `${api}/repos/${r.fullName}/commits/${c.sha}`, html_url: `${WEB}/${r.fullName}/commit/${c.sha}`,
    author: c.author ? userJson(c.author, api) : null, committer: c.author ? userJson(c.author, api) : null,
    parents: c.parents.map((sha) => ({ sha, url: `${api}/repos/${r.fullName}/commits/${sha}`, html_url: `${WEB}/${r.fullName}/commit/${sha}` })),
  };
}

export function deploymentJson(r: RepoRec, d: DeploymentRec, api: string): Record<string, unknown> {
  const url = `${api}/repos/${r.fullName}/deployments/${d.id}`;
  return {
    url, id: d.id, node_id: nodeId('DE', d.id), sha: d.sha, ref: d.ref, task: 'deploy', payload: {},
    original_environment: d.environment, environment: d.environment, description: null, creator: userJson(d.creator, api),
    created_at: d.created_at, updated_at: d.updated_at, statuses_url: `${url}/statuses`, repository_url: `${api}/repos/${r.fullName}`,
    transient_environment: false, production_environment: d.environment === 'production',
  };
}

export function statusJson(r: RepoRec, d: DeploymentRec, s: StatusRec, api: string): Record<string, unknown> {
  const url = `${api}/repos/${r.fullName}/deployments/${d.id}`;
  return {
    url: `${url}/statuses/${s.id}`, id: s.id, node_id: nodeId('DES', s.id), state: s.state, creator: userJson(s.creator, api),
    description: '', environment: s.environment, target_url: '', created_at: s.created_at, updated_at: s.created_at,
    deployment_url: url, repository_url: `${api}/repos/${r.fullName}`, environment_url: '', log_url: '',
  };
}

export function runJson(r: RepoRec, run: RunRec, api: string): Record<string, unknown> {
  const url = `${api}/repos/${r.fullName}/actions/runs/${run.id}`;
  return {
    id: run.id, name: run.name, node_id: nodeId('WFR', run.id), head_branch: run.head_branch, head_sha: run.head_sha,
    path: run.path, display_title: run.name, run_number: run.run_number, event: run.event, status: run.status,
    conclusion: run.conclusion, workflow_id: run.workflow_id, url, html_url: `${WEB}/${r.fullName}/actions/runs/${run.id}`,
    created_at: run.created_at, updated_at: run.updated_at, run_started_at: run.created_at, run_attempt: 1,
    actor: userJson(run.actor, api), triggering_actor: userJson(run.actor, api), jobs_url: `${url}/jobs`,
    workflow_url: `${api}/repos/${r.fullName}/actions/workflows/${run.workflow_id}`,
    repository: { id: r.id, name: r.name, full_name: r.fullName },
  };
}

export function releaseJson(r: RepoRec, rel: ReleaseRec, api: string): Record<string, unknown> {
  return {
    url: `${api}/repos/${r.fullName}/releases/${rel.id}`, html_url: `${WEB}/${r.fullName}/releases/tag/${rel.tag_name}`,
    id: rel.id, node_id: nodeId('RE', rel.id), tag_name: rel.tag_name, target_commitish: 'main', name: rel.name,
    draft: rel.draft, prerelease: rel.prerelease, created_at: rel.created_at, published_at: rel.published_at,
    author: userJson(rel.author, api), assets: [], body: '',
  };
}

export function eventJson(r: RepoRec, e: EventRec, api: string): Record<string, unknown> {
  return {
    id: e.id, type: e.type,
    actor: { id: e.actor.id, login: e.actor.login, display_login: e.actor.login, url: `${api}/users/${e.actor.login}` },
    repo: { id: r.id, name: r.fullName, url: `${api}/repos/${r.fullName}` }, payload: e.payload, public: false, created_at: e.created_at,
  };
}
