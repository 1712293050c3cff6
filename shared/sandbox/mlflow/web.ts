import type { Env, Hono } from 'hono';
import { escapeHtml, isoDay, itemResponse } from '../web/page.js';
import type { MlflowWorld } from './world.js';

// MLflow's web UI routes in the URL fragment (/#/experiments/1/runs/abc, /#/models/name/versions/3), which a
// browser never sends to the server. The sandbox answers / with a small page whose script reads the fragment and
// loads the item from /sandbox-web/<same path>, a server route that needs no auth, so the demo's links open.

const SCRIPT = `(function(){var p=location.hash.replace(/^#/,'')||'/';fetch('sandbox-web'+p).then(function(r){return r.text().then(function(t){document.open();document.write(t);document.close();});});})();`;

/** Registers the MLflow web views (/ and /sandbox-web/…) before the REST API's auth middleware. */
export function registerMlflowWeb<E extends Env>(app: Hono<E>, world: MlflowWorld): void {
  app.get('/', (c) =>
    c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MLflow sandbox</title></head><body><main><h1>MLflow sandbox</h1><p>Loading ${escapeHtml('the item named in the address')}…</p><noscript>This page needs JavaScript to read the address after #.</noscript></main><script>${SCRIPT}</script></body></html>`),
  );
  app.get('/sandbox-web/experiments/:id', (c) => {
    const e = world.experiments.find((x) => x.experiment_id === c.req.param('id'));
    return itemResponse(c, 'MLflow', e ? { title: `Experiment ${e.name}`, facts: [['Experiment id', e.experiment_id], ['Created', isoDay(e.creation_time)], ['Runs', String(world.runs.filter((r) => r.info.experiment_id === e.experiment_id).length)]] } : null, `experiment ${c.req.param('id')}`);
  });
  app.get('/sandbox-web/experiments/:id/runs/:run', (c) => {
    const r = world.runs.find((x) => x.info.run_id === c.req.param('run') && x.info.experiment_id === c.req.param('id'));
    return itemResponse(
      c,
      'MLflow',
      r
        ? {
            title: `Run ${r.info.run_name} (${r.info.run_id})`,
            facts: [['Experiment id', r.info.experiment_id], ['Status', r.info.status], ['Started', isoDay(r.info.start_time)], ['Metrics', r.data.metrics.map((m) => `${m.key}=${m.value}`).join(', ') || '—']],
          }
        : null,
      `run ${c.req.param('run')}`,
    );
  });
  app.get('/sandbox-web/models/:name/versions/:version', (c) => {
    const name = c.req.param('name');
    const v = world.versions.find((x) => x.name === name && x.version === c.req.param('version'));
    return itemResponse(
      c,
      'MLflow',
      v
        ? {
            title: `${v.name} version ${v.version}`,
            facts: [['Stage', v.current_stage], ['Aliases', v.aliases.join(', ') || '—'], ['Tags', v.tags.map((t) => t.key).join(', ') || '—'], ['Registered', isoDay(v.creation_timestamp)], ['Run', v.run_id]],
          }
        : null,
      `model ${name} version ${c.req.param('version')}`,
    );
  });
}
