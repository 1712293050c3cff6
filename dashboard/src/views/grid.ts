import type { GridResponse, GridRow, UnitKind } from '../../../shared/api/contract.js';
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { day, fmtPercent, fmtScore, hashParams, KIND_NAMES, levelClass, setHashParams, toCsv, unitHref } from '../format.js';
import { downloadButton, levelBadge } from '../widgets.js';

// The units × dimensions matrix (the rubric matrix OpsLevel and Cortex users expect): one row per unit, one column
// per dimension, each cell the level with its coverage. Sort and filters live in the URL (g* parameters) so a
// shared link opens the same view.

const KIND_ORDER: UnitKind[] = ['pod', 'domain', 'network', 'lab', 'steering', 'org'];

export interface GridState {
  sort: string;
  dir: 'asc' | 'desc';
  kind: string;
  domain: string;
  network: string;
}

// Pods by default (the matrix most people come for); `all` in the URL means every kind.
function kindParam(v: string | null): string {
  return v === null ? 'pod' : v === 'all' ? '' : v;
}

export function readGridState(params: URLSearchParams = hashParams()): GridState {
  return {
    sort: params.get('gsort') ?? 'name',
    dir: params.get('gdir') === 'desc' ? 'desc' : 'asc',
    kind: kindParam(params.get('gkind')),
    domain: params.get('gdomain') ?? '',
    network: params.get('gnet') ?? '',
  };
}

/** Rows that pass the filters, in the chosen order; ties break on the name so the order is stable. */
export function gridRows(grid: GridResponse, s: GridState): GridRow[] {
  const rows = grid.rows.filter(
    (r) => (s.kind === '' || r.kind === s.kind) && (s.domain === '' || r.domain === s.domain || r.unit === s.domain) && (s.network === '' || r.networks.includes(s.network) || r.unit === s.network),
  );
  const value = (r: GridRow): number | string | null => {
    if (s.sort === 'name') return r.name.toLowerCase();
    if (s.sort === 'kind') return KIND_ORDER.indexOf(r.kind);
    if (s.sort === 'score') return r.score;
    const c = r.cells[s.sort];
    return c ? (c.score ?? (c.level === null ? null : c.level * 25 - 12.5)) : null;
  };
  const sign = s.dir === 'asc' ? 1 : -1;
  return rows.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    // Units without a value sort last whatever the direction: "no level" is not "lowest level".
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null && va !== vb) return (va < vb ? -1 : 1) * sign;
    return a.name.localeCompare(b.name);
  });
}

function shortDim(name: string): string {
  return name.length > 28 ? `${name.slice(0, 26)}…` : name;
}

/** The grid as CSV: one line per shown row; a cell is `L<level>` and coverage as a percentage. */
export function gridCsv(grid: GridResponse, rows: readonly GridRow[], dims: GridResponse['dimensions']): string {
  return toCsv([
    ['unit', 'name', 'kind', 'score', 'level', ...dims.flatMap((d) => [`${d.dimensionId} level`, `${d.dimensionId} coverage %`])],
    ...rows.map((r) => [
      r.unit,
      r.name,
      r.kind,
      r.score,
      r.level,
      ...dims.flatMap((d) => {
        const c = r.cells[d.dimensionId];
        return [c?.level ?? '', c?.coverage === null || c?.coverage === undefined ? '' : Math.round(c.coverage * 100)];
      }),
    ]),
  ]);
}

function select(id: string, label: string, value: string, options: { value: string; label: string }[], onChange: (v: string) => void): HTMLElement {
  return h(
    'label',
    { class: 'inline', for: id },
    label,
    h(
      'select',
      { id, onchange: (ev: Event) => onChange((ev.target as HTMLSelectElement).value) },
      options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)),
    ),
  );
}

/** Draws the grid with its filters, sortable headers and CSV export into a section; redraws in place on change. */
export function gridSection(grid: GridResponse, opts: { headingId: string; heading: string }): HTMLElement {
  const body = h('div', {});
  const section = h('section', { class: 'card wide', 'aria-labelledby': opts.headingId, 'data-testid': 'grid' }, h('h2', { id: opts.headingId }, opts.heading), body);
  const draw = (): void => {
    const s = readGridState();
    const rows = gridRows(grid, s);
    const dims = grid.dimensions.filter((d) => s.kind === '' || d.kinds.includes(s.kind as UnitKind));
    const update = (u: Partial<Record<'gsort' | 'gdir' | 'gkind' | 'gdomain' | 'gnet', string>>, focusId?: string): void => {
      setHashParams(u);
      draw();
      if (focusId) document.getElementById(focusId)?.focus();
    };
    const header = (key: string, label: string, title?: string): HTMLElement => {
      const active = s.sort === key;
      const next = active && s.dir === 'asc' ? 'desc' : 'asc';
      const id = `gsort-${key.replace(/[^a-z0-9-]/gi, '-')}`;
      return h(
        'th',
        { scope: 'col', 'aria-sort': active ? (s.dir === 'asc' ? 'ascending' : 'descending') : 'none', class: key === 'name' || key === 'kind' ? '' : 'num' },
        h(
          'button',
          { type: 'button', class: 'sort', id, title: title ?? label, 'data-sort': key, onclick: () => update({ gsort: key, gdir: next }, id) },
          label,
          h('span', { 'aria-hidden': 'true' }, active ? (s.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'),
        ),
      );
    };
    body.replaceChildren(
      h(
        'div',
        { class: 'filters', role: 'group', 'aria-label': 'Grid filters' },
        select('grid-kind', 'Kind', s.kind, [{ value: '', label: 'All kinds' }, ...KIND_ORDER.filter((k) => grid.rows.some((r) => r.kind === k)).map((k) => ({ value: k, label: KIND_NAMES[k] }))], (v) => update({ gkind: v === '' ? 'all' : v })),
        select('grid-domain', 'Domain', s.domain, [{ value: '', label: 'All domains' }, ...grid.domains.map((d) => ({ value: d.unit, label: d.name }))], (v) => update({ gdomain: v })),
        select('grid-network', 'Network or lab', s.network, [{ value: '', label: 'All networks and labs' }, ...grid.networks.map((d) => ({ value: d.unit, label: d.name }))], (v) => update({ gnet: v })),
        downloadButton('Export CSV', `radar-grid-${grid.asOf ? day(grid.asOf) : 'empty'}.csv`, () => gridCsv(grid, rows, dims), 'grid-csv'),
      ),
      h('p', { class: 'note', 'data-testid': 'grid-count' }, `${rows.length} unit(s) × ${dims.length} dimension(s). Cells show the level and the share of the dimension’s signals with data (coverage). Click a column header to sort.`),
      h('p', { class: 'scroll-hint', 'aria-hidden': 'true' }, 'Scroll the table sideways for every dimension →'),
      h(
        'div',
        // Laid out lazily by the browser (content-visibility in styles.css) while off screen: its layout is most of
        // the executive view's first layout.
        { class: 'table-wrap heat-wrap', tabindex: 0, role: 'region', 'aria-label': 'Units by dimension, scrolls sideways' },
        h(
          'table',
          { class: 'heat', 'data-testid': 'grid-table' },
          h('thead', {}, h('tr', {}, header('name', 'Unit'), header('kind', 'Kind'), header('score', 'Score'), dims.map((d) => header(d.dimensionId, shortDim(d.name), d.name)))),
          h(
            'tbody',
            {},
            rows.map((r) =>
              h(
                'tr',
                { 'data-unit': r.unit },
                h('th', { scope: 'row' }, h('a', { href: unitHref(r.unit) }, r.name)),
                h('td', {}, KIND_NAMES[r.kind]),
                h('td', { class: 'num' }, fmtScore(r.score), ' ', levelBadge(r.level)),
                dims.map((d) => {
                  const c = r.cells[d.dimensionId];
                  if (!c) return h('td', { class: 'cell na' }, h('span', { class: 'visually-hidden' }, 'not scored for this kind'), '·');
                  const cov = c.coverage === null ? '' : fmtPercent(c.coverage);
                  return h(
                    'td',
                    { class: `cell ${levelClass(c.level)}`, title: `${d.name}: ${c.level ? `L${c.level}` : 'no level (insufficient evidence)'}${cov ? `, coverage ${cov}` : ''}` },
                    h('span', { class: 'lvl' }, c.level ? `L${c.level}` : '—'),
                    cov ? h('span', { class: 'cov' }, cov) : null,
                  );
                }),
              ),
            ),
          ),
        ),
      ),
    );
    // The height the off-screen table reserves (a row is two short lines), so the page below barely moves when it
    // renders. Set through the CSSOM: the CSP allows no inline style attribute.
    const wrap = body.querySelector<HTMLElement>('.heat-wrap');
    if (wrap) wrap.style.setProperty('contain-intrinsic-size', `auto ${60 + rows.length * 44}px`);
  };
  draw();
  return section;
}

/** #/grid: the grid on its own page, for any as-of in the URL. */
export async function renderGrid(root: HTMLElement): Promise<void> {
  const asOf = hashParams().get('asOf');
  const grid = await getJson<GridResponse>(`grid${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`);
  root.append(
    h('h1', {}, 'Units × dimensions'),
    h('p', { class: 'subtitle' }, grid.asOf ? `As of ${day(grid.asOf)}` : 'No snapshots yet.'),
    gridSection(grid, { headingId: 'grid-h', heading: 'Levels by dimension' }),
  );
}
