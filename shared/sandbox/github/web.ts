import type { Env, Hono } from 'hono';
import { isoDay, itemResponse } from '../web/page.js';
import type { GithubWorld } from './world.js';

/**
 * GitHub's web UI paths (/OWNER/REPO/pull/N, /commit/SHA, /actions/runs/ID, /releases/tag/TAG, /deployments and
 * /deployments/ENVIRONMENT) served without the API's token, so demo evidence links open. Titles, messages and
 * people are not shown; the page names the item by repository and number.
 */
export function registerGithubWeb<E extends Env>(app: Hono<E>, world: GithubWorld): void {
  const repoOf = (owner: string, name: string) => world.repos.get(`${owner}/${name}`);
  app.get('/:owner/:repo/pull/:number', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    const pr = r?.pulls.find((p) => String(p.number) === c.req.param('number'));
    return itemResponse(c, 'GitHub', r && pr ? { title: `Pull request ${r.fullName}#${pr.number}`, facts: [['State', pr.state], ['Draft', pr.draft ? 'yes' : 'no'], ['Reviews', String(r.reviews.get(pr.number)?.length ?? 0)]] } : null, `pull request #${c.req.param('number')}`);
  });
  app.get('/:owner/:repo/commit/:sha', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    const commit = r?.commits.find((x) => x.sha === c.req.param('sha'));
    return itemResponse(c, 'GitHub', r && commit ? { title: `Commit ${r.fullName}@${commit.sha.slice(0, 7)}`, facts: [['Date', isoDay(commit.date)], ['Parents', String(commit.parents.length)]] } : null, `commit ${c.req.param('sha')}`);
  });
  app.get('/:owner/:repo/actions/runs/:id', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    const run = r?.runs.find((x) => String(x.id) === c.req.param('id'));
    return itemResponse(c, 'GitHub', r && run ? { title: `Workflow run ${run.name} #${run.id} in ${r.fullName}`, facts: [['Event', run.event], ['Status', run.status], ['Conclusion', run.conclusion ?? '—']] } : null, `workflow run ${c.req.param('id')}`);
  });
  app.get('/:owner/:repo/releases/tag/:tag', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    const rel = r?.releases.find((x) => x.tag_name === c.req.param('tag'));
    return itemResponse(c, 'GitHub', r && rel ? { title: `Release ${rel.tag_name} of ${r.fullName}`, facts: [['Pre-release', rel.prerelease ? 'yes' : 'no'], ['Draft', rel.draft ? 'yes' : 'no']] } : null, `release ${c.req.param('tag')}`);
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
  app.get('/:owner/:repo/deployments', (c) => itemResponse(c, 'GitHub', deployments(c.req.param('owner'), c.req.param('repo'), undefined), 'repository'));
  app.get('/:owner/:repo/deployments/:environment', (c) => itemResponse(c, 'GitHub', deployments(c.req.param('owner'), c.req.param('repo'), c.req.param('environment')), 'repository'));
}
