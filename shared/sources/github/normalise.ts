import type { Activity, AttrValue, NormaliseContext, RawPage } from '../contract.js';
import { NormaliseError } from '../errors.js';
import { checkPageBody, latestStatus, parseStream } from './shapes.js';
import { githubWebOrigin } from './web-origin.js';

// Pure: one raw GitHub page in, team-level activities out. People appear only as ctx.hashActor(login); titles,
// bodies, names, emails and messages are never copied. Evidence links are GitHub's html_url (or url); a deployment,
// which has none, links to its environment's deployment history on the binding's web origin (./web-origin.ts).

type Json = Record<string, unknown>;

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function login(u: unknown): string | null {
  return u && typeof u === 'object' ? str((u as Json).login) : null;
}

/** GitHub times are second precision; activities carry full ISO with milliseconds, in UTC. */
function isoMs(v: unknown): string {
  return new Date(String(v)).toISOString();
}

function isoMsOrNull(v: unknown): string | null {
  return typeof v === 'string' ? isoMs(v) : null;
}

/** True for page 1 of a listing (no `page` parameter, or page=1). */
function isFirstPage(path: string): boolean {
  const page = new URL(path, 'http://x.invalid').searchParams.get('page');
  return page === null || page === '1';
}

/** Normalises one GitHub raw page into activities; throws NormaliseError on a page it cannot read. */
export function normaliseGithubPage(page: RawPage, ctx: NormaliseContext): Activity[] {
  const fail = (reason: string): NormaliseError =>
    new NormaliseError({ source: 'github', bindingId: ctx.binding.id, path: ctx.rawKey, reason });
  const stream = parseStream(page.stream);
  if (!stream) throw fail(`unknown GitHub stream "${page.stream}"`);
  // 304: unchanged since the ETag; 204: GitHub's "nothing to list".
  if (page.status === 304 || page.status === 204) return [];
  const problem = checkPageBody(stream.kind, page.body);
  if (problem) throw fail(problem);
  const hash = (u: unknown): string | null => {
    const l = login(u);
    return l ? ctx.hashActor(l) : null;
  };
  const base = (index: number) => ({ source: 'github' as const, unit: ctx.binding.unit, bindingId: ctx.binding.id, rawRef: { key: ctx.rawKey, index } });
  const web = githubWebOrigin(ctx.baseUrl);
  const deploymentsUrl = (repo: string, environment: string): string => `${web}/${repo}/deployments/${encodeURIComponent(environment)}`;
  const make = (index: number, kind: Activity['kind'], id: string, at: string, actor: string | null, url: string, attrs: Record<string, AttrValue>): Activity =>
    ({ id, ...base(index), kind, at, actor, url, attrs });

  // A queued or in-progress run has conclusion null; a re-run keeps its id, so later reads replace this one.
  const runActivity = (r: Json, i: number, repo: string): Activity => make(i, 'workflow-run', `github:run:${repo}/${String(r.id)}`, isoMs(r.created_at), hash(r.actor), String(r.html_url), {
    repo, workflow: str(r.name) ?? '', event: String(r.event), conclusion: str(r.conclusion), updatedAt: isoMs(r.updated_at),
  });
  // GraphQL reviews carry the same id (databaseId), state names and url as REST; pending ones have no submittedAt.
  const reviewFromGraphql = (rv: Json, i: number, repo: string, number: number, prActor: string | null): Activity[] => (typeof rv.submittedAt === 'string'
    ? [make(i, 'review', `github:review:${repo}#${number}/${String(rv.databaseId)}`, isoMs(rv.submittedAt), hash(rv.author), String(rv.url), {
        repo, number, state: String(rv.state), prActor,
      })]
    : []);
  const { kind, target } = stream;
  switch (kind) {
    case 'pulls':
      return (page.body as Json[]).map((pr, i) => make(i, 'pull-request', `github:pr:${target}#${String(pr.number)}`, isoMs(pr.created_at), hash(pr.user), String(pr.html_url), {
        repo: target, number: pr.number as number, state: String(pr.state), mergedAt: isoMsOrNull(pr.merged_at), closedAt: isoMsOrNull(pr.closed_at),
        updatedAt: isoMs(pr.updated_at), draft: pr.draft === true,
      }));
    case 'reviews': {
      // target is `owner/repo#number`; the PR author comes from the parent pull request (GitHub omits it here).
      const m = /^(.+)#(\d+)$/.exec(target);
      if (!m) throw fail(`reviews stream "${page.stream}" does not name a pull request`);
      const [, repo, number] = m as unknown as [string, string, string];
      const prActor = hash(page.parent?.user);
      return (page.body as Json[])
        // Pending reviews are drafts nobody else can see yet; they have no submitted_at.
        .flatMap((rv, i) => (typeof rv.submitted_at === 'string'
          ? [make(i, 'review', `github:review:${repo}#${number}/${String(rv.id)}`, isoMs(rv.submitted_at), hash(rv.user), String(rv.html_url), {
              repo, number: Number(number), state: String(rv.state), prActor,
            })]
          : []));
    }
    case 'commits':
      return (page.body as Json[]).flatMap((c, i) => {
        const git = c.commit as Json;
        // Both git dates are optional in GitHub's schema; a commit with neither has no place in time.
        const date = str((git.committer as Json | null | undefined)?.date) ?? str((git.author as Json | null | undefined)?.date);
        return date ? [make(i, 'commit', `github:commit:${target}@${String(c.sha)}`, isoMs(date), hash(c.author), String(c.html_url), { repo: target })] : [];
      });
    case 'deployment-statuses': {
      // One deployment's statuses, newest first. Only page 1 holds the latest state, so later pages add nothing.
      const m = /^(.+)\/(\d+)$/.exec(target);
      if (!m) throw fail(`deployment-statuses stream "${page.stream}" does not name a deployment`);
      if (!isFirstPage(page.path)) return [];
      const [, repo, id] = m as unknown as [string, string, string];
      const parent = page.parent ?? {};
      const createdAt = str(parent.created_at);
      const environment = str(parent.environment);
      if (!createdAt || !environment) throw fail('deployment statuses page lacks its deployment (parent.created_at, parent.environment)');
      // GitHub documents no order for statuses: the latest is the newest by created_at, then id.
      const latest = latestStatus(page.body as Array<Json & { id: number; created_at: string }>);
      return [make(0, 'deployment', `github:deployment:${repo}/${id}`, isoMs(createdAt), hash(parent.creator), deploymentsUrl(repo, environment), {
        repo, environment, state: latest ? String(latest.state) : null, statusAt: latest ? isoMs(latest.created_at) : null,
        sha: str(parent.sha) ?? null,
      })];
    }
    case 'runs':
      return ((page.body as Json).workflow_runs as Json[]).map((r, i) => runActivity(r, i, target));
    case 'run': {
      // One run read again (it was queued or in progress); target is `owner/repo/id`.
      const m = /^(.+)\/(\d+)$/.exec(target);
      if (!m) throw fail(`run stream "${page.stream}" does not name a run`);
      return [runActivity(page.body as Json, 0, m[1] as string)];
    }
    case 'releases':
      return (page.body as Json[]).flatMap((r, i) => (typeof r.published_at === 'string'
        ? [make(i, 'release', `github:release:${target}/${String(r.id)}`, isoMs(r.published_at), hash(r.author), String(r.html_url), {
            repo: target, tag: String(r.tag_name), prerelease: r.prerelease === true,
          })]
        : []));
    case 'pulls-graphql':
      return ((page.body as Json).nodes as Json[]).flatMap((pr, i) => {
        const number = pr.number as number;
        const prActor = hash(pr.author);
        const reviews = ((pr.reviews as Json).nodes as Json[]).flatMap((rv) => reviewFromGraphql(rv, i, target, number, prActor));
        return [make(i, 'pull-request', `github:pr:${target}#${number}`, isoMs(pr.createdAt), prActor, String(pr.url), {
          // GraphQL's MERGED is REST's closed-with-merged_at: activities keep REST's open|closed.
          repo: target, number, state: pr.state === 'OPEN' ? 'open' : 'closed', mergedAt: isoMsOrNull(pr.mergedAt), closedAt: isoMsOrNull(pr.closedAt),
          updatedAt: isoMs(pr.updatedAt), draft: pr.isDraft === true,
        }), ...reviews];
      });
    case 'reviews-graphql': {
      const m = /^(.+)#(\d+)$/.exec(target);
      if (!m) throw fail(`reviews stream "${page.stream}" does not name a pull request`);
      const prActor = hash(page.parent?.author);
      return ((page.body as Json).nodes as Json[]).flatMap((rv, i) => reviewFromGraphql(rv, i, m[1] as string, Number(m[2]), prActor));
    }
    case 'deployments-graphql':
    case 'deployment-nodes-graphql':
      return ((page.body as Json).nodes as Array<Json | null>).flatMap((d, i) => {
        if (!d) return []; // a deployment deleted since it was tracked
        const statuses = ((d.statuses as Json).nodes as Json[]).map((x) => ({ id: String(x.id), state: String(x.state), created_at: String(x.createdAt) }));
        const latest = latestStatus(statuses);
        return [make(i, 'deployment', `github:deployment:${target}/${String(d.databaseId)}`, isoMs(d.createdAt), hash(d.creator), deploymentsUrl(target, str(d.environment) ?? ''), {
          repo: target, environment: str(d.environment) ?? '', state: latest ? latest.state.toLowerCase() : null, statusAt: latest ? isoMs(latest.created_at) : null,
          sha: str(d.commitOid) ?? null,
        })];
      });
    // Deployments are emitted from their statuses page (which knows the state); events and team listings are
    // collection plumbing (change probes, repo discovery) and carry no activity.
    case 'deployments':
    case 'events':
    case 'team-repos':
      return [];
  }
}
