import type { Context, Env, Hono } from 'hono';
import { isoDay, itemResponse } from '../web/page.js';
import type { GithubWorld } from './world.js';

/** First path segments that are GitHub API roots, never an owner's web page. */
const API_ROOTS = new Set(['repos', 'repositories', 'orgs', 'users', 'user', 'teams', 'graphql', 'search']);

/**
 * GitHub's web UI paths (/OWNER/REPO/pull/N, /commit/SHA, /actions/runs/ID, /releases/tag/TAG, /deployments and
 * /deployments/ENVIRONMENT) served without the API's token, so demo evidence links open. Titles, messages and
 * people are not shown; the page names the item by repository and number.
 */
export function registerGithubWeb<E extends Env>(app: Hono<E>, world: GithubWorld): void {
  const repoOf = (owner: string, name: string) => world.repos.get(`${owner}/${name}`);
  // These routes are registered before the API's: an API path whose first segment is an API root (the
  // `/repositories/{id}/deployments` next-page links, `/repos/…`) is handed on to the API routes, not shown as a page.
  const page = (path: string, handler: (c: Context<E>, p: (name: string) => string) => Response | Promise<Response>): void => {
    app.get(path, async (c, next) => {
      if (API_ROOTS.has(c.req.param('owner') ?? '')) {
        await next();
        return;
      }
      return handler(c, (name) => c.req.param(name) ?? '');
    });
  };
  page('/:owner/:repo/pull/:number', (c, p) => {
    const r = repoOf(p('owner'), p('repo'));
    const pr = r?.pulls.find((x) => String(x.number) === p('number'));
    return itemResponse(c, 'GitHub', r && pr ? { title: `Pull request ${r.fullName}#${pr.number}`, facts: [['State', pr.state], ['Draft', pr.draft ? 'yes' : 'no'], ['Reviews', String(r.reviews.get(pr.number)?.length ?? 0)]] } : null, `pull request #${p('number')}`);
  });
  page('/:owner/:repo/commit/:sha', (c, p) => {
    const r = repoOf(p('owner'), p('repo'));
    const commit = r?.commits.find((x) => x.sha === p('sha'));
    return itemResponse(c, 'GitHub', r && commit ? { title: `Commit ${r.fullName}@${commit.sha.slice(0, 7)}`, facts: [['Date', isoDay(commit.date)], ['Parents', String(commit.parents.length)]] } : null, `commit ${p('sha')}`);
  });
  page('/:owner/:repo/actions/runs/:id', (c, p) => {
    const r = repoOf(p('owner'), p('repo'));
    const run = r?.runs.find((x) => String(x.id) === p('id'));
    return itemResponse(c, 'GitHub', r && run ? { title: `Workflow run ${run.name} #${run.id} in ${r.fullName}`, facts: [['Event', run.event], ['Status', run.status], ['Conclusion', run.conclusion ?? '—']] } : null, `workflow run ${p('id')}`);
  });
  page('/:owner/:repo/releases/tag/:tag', (c, p) => {
    const r = repoOf(p('owner'), p('repo'));
    const rel = r?.releases.find((x) => x.tag_name === p('tag'));
    return itemResponse(c, 'GitHub', r && rel ? { title: `Release ${rel.tag_name} of ${r.fullName}`, facts: [['Pre-release', rel.prerelease ? 'yes' : 'no'], ['Draft', rel.draft ? 'yes' : 'no']] } : null, `release ${p('tag')}`);
  });
  const deployments = (owner: string, name: string, environment: string | undefined) => {
    const r = repoOf(owner, name);
    if (!r) return null;
    const list = r.deployments.filter((d) => environment === undefined || d.environment === environment);
    return {
      title: `Deployments of ${r.fullName}${environment ? ` to ${environment}` : ''}`,
      // Every deployment, newest first, with its id and day: GitHub has no page per deployment, so this is the page that
      // names each one an evidence link stands for.
      facts: [...list].reverse().map((d): [string, string] => [`#${d.id} → ${d.environment}`, `${isoDay(d.created_at)} · ${d.ref} @ ${d.sha.slice(0, 7)}`]),
    };
  };
  page('/:owner/:repo/deployments', (c, p) => itemResponse(c, 'GitHub', deployments(p('owner'), p('repo'), undefined), 'repository'));
  page('/:owner/:repo/deployments/:environment', (c, p) => itemResponse(c, 'GitHub', deployments(p('owner'), p('repo'), p('environment')), 'repository'));
}
