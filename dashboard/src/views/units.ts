import type { UnitKind, UnitsResponse, UnitSummary } from '../../../shared/api/contract.js';
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { day, fmtScore, hashParams, KIND_NAMES, setHashParams, unitHref } from '../format.js';
import { delta, levelBadge } from '../widgets.js';

// Units directory (#/units): one table of every readable unit, sortable by any column, filterable by kind,
// domain, network and level, and searchable; every choice is kept in the URL (?sort=&dir=&kind=&domain=&net=&level=&q=).

const ORDER: UnitKind[] = ['org', 'steering', 'domain', 'network', 'lab', 'pod'];
const PAGE = 100;

type Row = UnitSummary & { domain: string | null; networks: string[] };
type Column = { key: string; label: string; num?: boolean; value: (r: Row) => string | number | null };

const COLUMNS: Column[] = [
  { key: 'name', label: 'Unit', value: (r) => r.name.toLowerCase() },
  { key: 'kind', label: 'Kind', value: (r) => ORDER.indexOf(r.kind) },
  { key: 'score', label: 'Score', num: true, value: (r) => r.score },
  { key: 'level', label: 'Level', value: (r) => r.level },
  { key: 'delta', label: 'Change', num: true, value: (r) => r.delta },
  { key: 'missing', label: 'Missing signals', num: true, value: (r) => r.missingSignals },
];

export interface UnitsFilter {
  sort: string;
  dir: 'asc' | 'desc';
  kind: string;
  domain: string;
  network: string;
  level: string;
  q: string;
}

export function readUnitsFilter(p: URLSearchParams = hashParams()): UnitsFilter {
  return {
    sort: COLUMNS.some((c) => c.key === p.get('sort')) ? (p.get('sort') as string) : 'kind',
    dir: p.get('dir') === 'desc' ? 'desc' : 'asc',
    kind: p.get('kind') ?? '',
    domain: p.get('domain') ?? '',
    network: p.get('net') ?? '',
    level: p.get('level') ?? '',
    q: p.get('q') ?? '',
  };
}

/** The rows a filter keeps, sorted; units without a value sort last either way, ties break on the name. */
export function filterUnits(rows: readonly Row[], f: UnitsFilter): Row[] {
  const q = f.q.trim().toLowerCase();
  const col = COLUMNS.find((c) => c.key === f.sort) ?? (COLUMNS[1] as Column);
  const sign = f.dir === 'asc' ? 1 : -1;
  return rows
    .filter(
      (r) =>
        (f.kind === '' || r.kind === f.kind) &&
        (f.domain === '' || r.domain === f.domain || r.unit === f.domain) &&
        (f.network === '' || r.networks.includes(f.network) || r.unit === f.network) &&
        (f.level === '' || (f.level === 'none' ? r.level === null : String(r.level) === f.level)) &&
        (q === '' || r.name.toLowerCase().includes(q) || r.unit.toLowerCase().includes(q)),
    )
    .sort((a, b) => {
      const va = col.value(a);
      const vb = col.value(b);
      if (va === null && vb !== null) return 1;
      if (vb === null && va !== null) return -1;
      if (va !== null && vb !== null && va !== vb) return (va < vb ? -1 : 1) * sign;
      return a.name.localeCompare(b.name);
    });
}

function select(id: string, label: string, value: string, options: { value: string; label: string }[], onChange: (v: string) => void): HTMLElement {
  return h('label', { class: 'inline', for: id }, label, h('select', { id, onchange: (ev: Event) => onChange((ev.target as HTMLSelectElement).value) }, options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label))));
}

export async function renderUnits(root: HTMLElement): Promise<void> {
  // One request: the units list carries each unit's domain and networks for the filters.
  const res = await getJson<UnitsResponse>('units');
  const grid = res.placement ?? { domains: [], networks: [], rows: [] };
  const placement = new Map(grid.rows.map((r) => [r.unit, r]));
  const rows: Row[] = res.units.map((u) => ({ ...u, domain: placement.get(u.unit)?.domain ?? null, networks: placement.get(u.unit)?.networks ?? [] }));
  root.append(h('h1', {}, 'Units'), h('p', { class: 'subtitle' }, res.asOf ? `As of ${day(res.asOf)}; change since ${res.deltaFrom ? day(res.deltaFrom) : '—'}` : 'No snapshots yet.'));
  const body = h('div', {});
  root.append(h('section', { class: 'card', 'aria-labelledby': 'units-h' }, h('h2', { id: 'units-h', class: 'visually-hidden' }, 'All units'), body));
  let shown = PAGE;
  const draw = (focusId?: string): void => {
    const f = readUnitsFilter();
    const list = filterUnits(rows, f);
    const update = (u: Record<string, string>, focus?: string): void => {
      setHashParams(u);
      shown = PAGE;
      draw(focus);
    };
    const search = h('input', {
      type: 'search',
      id: 'units-search',
      value: f.q,
      placeholder: 'Name or id',
      'data-testid': 'units-search',
      oninput: (ev: Event) => update({ q: (ev.target as HTMLInputElement).value }, 'units-search'),
    });
    body.replaceChildren(
      h(
        'div',
        { class: 'filters', role: 'group', 'aria-label': 'Filter units' },
        h('label', { class: 'inline', for: 'units-search' }, 'Search', search),
        select('units-kind', 'Kind', f.kind, [{ value: '', label: 'All kinds' }, ...ORDER.filter((k) => rows.some((r) => r.kind === k)).map((k) => ({ value: k, label: KIND_NAMES[k] }))], (v) => update({ kind: v })),
        select('units-domain', 'Domain', f.domain, [{ value: '', label: 'All domains' }, ...grid.domains.map((d) => ({ value: d.unit, label: d.name }))], (v) => update({ domain: v })),
        select('units-network', 'Network or lab', f.network, [{ value: '', label: 'All' }, ...grid.networks.map((d) => ({ value: d.unit, label: d.name }))], (v) => update({ net: v })),
        select('units-level', 'Level', f.level, [{ value: '', label: 'All levels' }, ...[1, 2, 3, 4, 5].map((l) => ({ value: String(l), label: `L${l}` })), { value: 'none', label: 'No level' }], (v) => update({ level: v })),
      ),
      h('p', { class: 'note', role: 'status', 'data-testid': 'units-count' }, `${list.length} of ${rows.length} units`),
      h('p', { class: 'scroll-hint', 'aria-hidden': 'true' }, 'Scroll the table sideways for every column →'),
      h(
        'div',
        { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Units table, scrolls sideways' },
        h(
          'table',
          { 'data-testid': 'units-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              COLUMNS.map((c) => {
                const active = f.sort === c.key;
                const id = `usort-${c.key}`;
                return h(
                  'th',
                  { scope: 'col', class: c.num ? 'num' : '', 'aria-sort': active ? (f.dir === 'asc' ? 'ascending' : 'descending') : 'none' },
                  h('button', { type: 'button', class: 'sort', id, 'data-sort': c.key, onclick: () => update({ sort: c.key, dir: active && f.dir === 'asc' ? 'desc' : 'asc' }, id) }, c.label, h('span', { 'aria-hidden': 'true' }, active ? (f.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕')),
                );
              }),
            ),
          ),
          h(
            'tbody',
            {},
            list.slice(0, shown).map((u) =>
              h(
                'tr',
                { 'data-testid': `unit-row-${u.unit}`, 'data-unit': u.unit },
                h('th', { scope: 'row' }, h('a', { href: unitHref(u.unit) }, u.name)),
                h('td', {}, KIND_NAMES[u.kind]),
                h('td', { class: 'num' }, fmtScore(u.score)),
                h('td', {}, levelBadge(u.level)),
                h('td', { class: 'num' }, delta(u.delta)),
                h('td', { class: 'num' }, u.missingSignals),
              ),
            ),
          ),
        ),
      ),
      // 200 pods draw fast, but a long list is paged so the page stays light on a phone.
      list.length > shown
        ? h('button', { type: 'button', class: 'button secondary', id: 'units-more', onclick: () => { shown += PAGE; draw('units-more'); } }, `Show ${Math.min(PAGE, list.length - shown)} more`)
        : '',
    );
    if (focusId) {
      const el = document.getElementById(focusId) as HTMLInputElement | null;
      el?.focus();
      if (el && el.type === 'search') el.setSelectionRange(el.value.length, el.value.length);
    }
  };
  draw();
}
