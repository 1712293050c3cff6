import type { RunsResponse, RunSummary } from '../../../shared/api/contract.js';
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { day, fmtDuration } from '../format.js';
import { kpi, statusBadge } from '../widgets.js';

function runDuration(r: RunSummary): string {
  return r.finishedAt ? fmtDuration(Date.parse(r.finishedAt) - Date.parse(r.startedAt)) : 'running';
}

/** Run health (#/runs): the latest runs, per-source status of the newest, and every failed binding's error. */
export async function renderRuns(root: HTMLElement): Promise<void> {
  const { runs } = await getJson<RunsResponse>('runs?limit=12');
  root.append(h('h1', {}, 'Run health'), h('p', { class: 'subtitle' }, 'Scheduled and backfill runs, newest first. Errors are shown by class and code; credentials never appear.'));
  const latest = runs[0];
  if (!latest) {
    root.append(h('div', { class: 'alert warn', role: 'status' }, 'No runs recorded yet.'));
    return;
  }
  const failed = latest.bindings.filter((b) => b.status === 'failed');
  root.append(
    h(
      'div',
      { class: 'kpis' },
      kpi('Latest run', day(latest.asOf), statusBadge(latest.status), 'latest-run'),
      kpi('Bindings ok', String(latest.counts.ok), `of ${latest.bindings.length}`, 'latest-ok'),
      kpi('Failed', String(latest.counts.failed), failed.length ? 'see below' : 'none', 'latest-failed'),
      kpi('Requests', String(latest.requests), `${latest.unitsScored} units scored`),
    ),
  );
  root.append(
    h(
      'div',
      { class: 'grid' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'bysrc-h' },
        h('h2', { id: 'bysrc-h' }, 'Latest run by source'),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { 'data-testid': 'by-source' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Source'), h('th', { class: 'num' }, 'OK'), h('th', { class: 'num' }, 'Failed'), h('th', { class: 'num' }, 'Skipped'))),
            h('tbody', {}, Object.entries(latest.bySource).map(([src, c]) => h('tr', { 'data-testid': `by-source-${src}` }, h('td', {}, src), h('td', { class: 'num' }, c.ok), h('td', { class: 'num' }, c.failed), h('td', { class: 'num' }, c.skipped)))),
          ),
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'fail-h', 'data-testid': 'failures' },
        h('h2', { id: 'fail-h' }, 'Failed bindings in the latest run'),
        failed.length === 0
          ? h('p', {}, 'Every binding collected successfully.')
          : h(
              'ul',
              { class: 'summary-list' },
              failed.map((b) => h('li', { 'data-testid': `failed-${b.bindingId}` }, h('strong', {}, b.bindingId), ` — ${b.errorClass ?? 'Error'} ${b.errorCode ?? ''}: ${b.message ?? 'no detail'}`)),
            ),
      ),
    ),
  );
  root.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'runs-h' },
      h('h2', { id: 'runs-h' }, 'Recent runs'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { 'data-testid': 'runs-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'As of'), h('th', {}, 'Kind'), h('th', {}, 'Status'), h('th', {}, 'Rubric'), h('th', { class: 'num' }, 'OK'), h('th', { class: 'num' }, 'Failed'), h('th', { class: 'num' }, 'Requests'), h('th', { class: 'num' }, 'Duration'))),
          h(
            'tbody',
            {},
            runs.map((r) =>
              h('tr', { 'data-testid': `run-${r.runId}` }, h('td', {}, day(r.asOf)), h('td', {}, r.kind), h('td', {}, statusBadge(r.status)), h('td', {}, r.rubric.version), h('td', { class: 'num' }, r.counts.ok), h('td', { class: 'num' }, r.counts.failed), h('td', { class: 'num' }, r.requests), h('td', { class: 'num' }, runDuration(r))),
            ),
          ),
        ),
      ),
    ),
  );
  root.append(
    h(
      'details',
      { class: 'card' },
      h('summary', {}, `All ${latest.bindings.length} bindings of the latest run`),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Binding'), h('th', {}, 'Status'), h('th', { class: 'num' }, 'Items'), h('th', { class: 'num' }, 'Requests'), h('th', { class: 'num' }, 'Time'))),
          h('tbody', {}, latest.bindings.map((b) => h('tr', {}, h('td', {}, b.bindingId), h('td', {}, statusBadge(b.status)), h('td', { class: 'num' }, b.items), h('td', { class: 'num' }, b.requests), h('td', { class: 'num' }, fmtDuration(b.durationMs))))),
        ),
      ),
    ),
  );
}
