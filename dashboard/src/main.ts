import './styles.css';
import { destroyCharts } from './charts.js';
import { h } from './dom.js';
import { renderExecutive } from './views/executive.js';
import { renderGrid } from './views/grid.js';
import { renderRuns } from './views/runs.js';
import { renderUnit } from './views/unit.js';
import { renderUnits } from './views/units.js';
import { errorBox, loading } from './widgets.js';

// Hash routing: every view has a URL (#/, #/units, #/unit/pod:recsys?asOf=…, #/runs) that survives a reload and
// needs no server-side routes, so the same files work from S3 and from `radar serve`.

type Route = { view: 'executive' | 'units' | 'runs' | 'grid'; title: string } | { view: 'unit'; unit: string; asOf?: string; title: string } | { view: 'missing'; title: string };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  if (path === '' || path === '/') return { view: 'executive', title: 'Overview' };
  if (path === '/units') return { view: 'units', title: 'Units' };
  if (path === '/runs') return { view: 'runs', title: 'Run health' };
  if (path === '/grid') return { view: 'grid', title: 'Units × dimensions' };
  const m = /^\/unit\/(.+)$/.exec(path);
  if (m) {
    const unit = decodeURIComponent(m[1] as string);
    return { view: 'unit', unit, asOf: params.get('asOf') ?? undefined, title: unit };
  }
  return { view: 'missing', title: 'Not found' };
}

let generation = 0;

async function render(): Promise<void> {
  const main = document.getElementById('main') as HTMLElement;
  const route = parseRoute(location.hash);
  const mine = ++generation;
  destroyCharts();
  main.replaceChildren(loading(route.view === 'unit' ? route.unit : route.title.toLowerCase()));
  main.setAttribute('aria-busy', 'true');
  document.title = `${route.title} · AI Maturity Radar`;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) {
    const active = a.dataset.nav === route.view || (a.dataset.nav === 'units' && route.view === 'unit');
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // Views draw into a detached container so a slow answer for an old route never paints over a newer one.
  const view = h('div', { 'data-view': route.view });
  try {
    if (route.view === 'executive') await renderExecutive(view);
    else if (route.view === 'units') await renderUnits(view);
    else if (route.view === 'runs') await renderRuns(view);
    else if (route.view === 'grid') await renderGrid(view);
    else if (route.view === 'unit') await renderUnit(view, route.unit, route.asOf);
    else view.append(h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '#/' }, 'Go to the overview')));
  } catch (err) {
    if (mine !== generation) return;
    destroyCharts();
    view.replaceChildren(errorBox(err, () => void render()));
  }
  if (mine !== generation) return;
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'false');
  main.dataset.ready = route.view;
}

window.addEventListener('hashchange', () => {
  void render().then(() => document.getElementById('main')?.focus({ preventScroll: false }));
});
void render();
