import type { Env, Hono } from 'hono';
import { isoDay, itemResponse } from '../web/page.js';
import type { JiraWorld } from './world.js';

/**
 * Jira's web UI paths, served without the REST API's auth so the demo's evidence links open: an issue at
 * /browse/KEY and a sprint at /secure/RapidBoard.jspa?rapidView=BOARD&sprint=ID. Register before the auth
 * middleware. No person is shown (assignee and reporter are left out).
 */
export function registerJiraWeb<E extends Env>(app: Hono<E>, world: JiraWorld): void {
  app.get('/browse/:key', (c) => {
    const key = c.req.param('key');
    const issue = world.findIssue(key);
    return itemResponse(
      c,
      'Jira',
      issue
        ? {
            title: `${issue.key}: ${issue.summary}`,
            facts: [
              ['Type', issue.type],
              ['Status', issue.status],
              ['Labels', issue.labels.join(', ') || '—'],
              ['Created', isoDay(issue.created)],
              ['Resolved', isoDay(issue.resolved)],
            ],
          }
        : null,
      `issue ${key}`,
    );
  });
  app.get('/secure/RapidBoard.jspa', (c) => {
    const id = c.req.query('sprint');
    const sprint = world.sprints.find((s) => String(s.id) === id);
    return itemResponse(
      c,
      'Jira',
      sprint ? { title: `Sprint ${sprint.name}`, facts: [['Board', String(c.req.query('rapidView') ?? '—')], ['State', String(sprint.state)]] } : null,
      `sprint ${id ?? ''}`,
    );
  });
}
