import type { UnitKind, UnitsResponse } from '../../../shared/api/contract.js';
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { day, fmtScore, KIND_NAMES, unitHref } from '../format.js';
import { delta, levelBadge } from '../widgets.js';

const ORDER: UnitKind[] = ['org', 'steering', 'domain', 'network', 'lab', 'pod'];

/** Units directory (#/units): every unit the caller may read, grouped by kind, with its latest score. */
export async function renderUnits(root: HTMLElement): Promise<void> {
  const res = await getJson<UnitsResponse>('units');
  root.append(h('h1', {}, 'Units'), h('p', { class: 'subtitle' }, res.asOf ? `As of ${day(res.asOf)}; change since ${res.deltaFrom ? day(res.deltaFrom) : '—'}` : 'No snapshots yet.'));
  for (const kind of ORDER) {
    const units = res.units.filter((u) => u.kind === kind);
    if (units.length === 0) continue;
    root.append(
      h(
        'section',
        { class: 'card', 'aria-labelledby': `k-${kind}` },
        h('h2', { id: `k-${kind}` }, KIND_NAMES[kind]),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            {},
            h('thead', {}, h('tr', {}, h('th', {}, 'Unit'), h('th', { class: 'num' }, 'Score'), h('th', {}, 'Level'), h('th', { class: 'num' }, 'Change'), h('th', { class: 'num' }, 'Missing signals'))),
            h(
              'tbody',
              {},
              units.map((u) =>
                h('tr', { 'data-testid': `unit-row-${u.unit}` }, h('td', {}, h('a', { href: unitHref(u.unit) }, u.name)), h('td', { class: 'num' }, fmtScore(u.score)), h('td', {}, levelBadge(u.level)), h('td', { class: 'num' }, delta(u.delta)), h('td', { class: 'num' }, u.missingSignals)),
              ),
            ),
          ),
        ),
      ),
    );
  }
}
