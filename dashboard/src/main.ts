import './styles.css';
import { ApiRequestError } from './api.js';
import { startSession } from './auth.js';
import type { Session } from './auth.js';
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
    // A unit outside the caller's scope is a page of its own, not a broken view.
    if (err instanceof ApiRequestError && err.status === 403 && route.view === 'unit') {
      view.dataset.view = 'not-yours';
      view.replaceChildren(notYours(route.unit));
      document.title = `Not yours · AI Maturity Radar`;
    } else view.replaceChildren(errorBox(err, () => void render()));
  }
  if (mine !== generation) return;
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'false');
  main.dataset.ready = view.dataset.view ?? route.view;
}

let session: Session | null = null;

/** The page for a unit the signed-in user may not read: what happened, whose scope it is, and where to go. */
function notYours(unit: string): HTMLElement {
  const scope = session && session.groups.length > 0 ? session.groups.join(', ') : 'no unit';
  return h(
    'section',
    { class: 'alert', role: 'alert', 'data-testid': 'not-yours' },
    h('h1', {}, 'This unit is not yours to see'),
    h('p', {}, `${unit} is outside what you are signed in for (${scope}).`),
    h('p', {}, 'Ask the steering group if you need access.'),
    h('p', {}, h('a', { href: '#/units' }, 'See your units')),
  );
}

/** Who is signed in (as team-level scope, never a name) and a sign-out button, in the top bar. */
function sessionControl(s: Session): HTMLElement {
  const label = s.groups.length > 0 ? s.groups.join(', ') : 'no scope';
  return h(
    'div',
    { class: 'session', 'data-testid': 'session' },
    h('span', { class: 'session-scope', 'data-testid': 'signed-in-as' }, `Signed in: ${label}`),
    ' ',
    h('button', { type: 'button', 'data-testid': 'sign-out', onclick: () => void s.signOut() }, 'Sign out'),
  );
}

// Boot: sign in (when /config.json asks for it) before the first render, so no view ever calls the API unsigned.
async function boot(): Promise<void> {
  try {
    session = await startSession();
  } catch (err) {
    const main = document.getElementById('main') as HTMLElement;
    main.replaceChildren(
      h('div', { class: 'alert error', role: 'alert', 'data-testid': 'sign-in-error' }, h('h1', {}, 'Sign-in failed'), h('p', {}, err instanceof Error ? err.message : 'unknown error'), h('p', {}, h('a', { href: './' }, 'Try again'))),
    );
    return;
  }
  if (session) document.querySelector('.topbar')?.append(sessionControl(session));
  window.addEventListener('hashchange', () => {
    void render().then(() => document.getElementById('main')?.focus({ preventScroll: false }));
  });
  await render();
}
void boot();
