import type { MlopsPlacement, RollupSummary, UnitPageResponse, UnitScorecard, UnitTrendResponse } from '../../../shared/api/contract.js';
import type { UnitsResponse } from '../../../shared/api/contract.js';
import { ApiRequestError, getJson } from '../api.js';
import { fittedScoreAxis, LEVEL_COLOURS, levelAxis, levelBands, makeChart, rubricMarkers, scoreAxis, seriesColour } from '../charts.js';
import { chartCanvas, h } from '../dom.js';
import { day, fmtScore, KIND_NAMES, levelLabel, unitHref } from '../format.js';
import { dimensionCard, kpi, levelBadge, sourcesTable } from '../widgets.js';
import { arithmeticCard, governanceGapsCard, pastBanner, signalsCsvButton, topMovesCard, whatChangedCard } from './unit-insight.js';

/** "Unit not found" when the API has never heard of the unit (as opposed to a unit with no snapshot at an as-of). */
async function notFound(root: HTMLElement, unit: string): Promise<boolean> {
  const { units } = await getJson<UnitsResponse>('units');
  if (units.some((u) => u.unit === unit)) return false;
  root.append(
    h('div', { class: 'alert error not-found', role: 'alert', 'data-testid': 'unit-not-found' },
      h('h1', {}, 'Unit not found'),
      h('p', {}, `There is no unit “${unit}” in the latest snapshot. Check the spelling, or find it in the units list.`),
      h('p', {}, h('a', { href: '#/units' }, 'Go to the units list'), ' · ', h('a', { href: '#/' }, 'Back to the overview'))),
  );
  return true;
}

function mlopsCard(placements: readonly MlopsPlacement[]): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'mlops-h', 'data-testid': 'mlops' },
    h('h2', { id: 'mlops-h' }, 'MLOps placement'),
    placements.length === 0
      ? h('p', { class: 'missing-reason' }, 'Not placed: no MLflow data is configured for this unit.')
      : placements.map((p) =>
          h(
            'div',
            {},
            h('p', {}, h('strong', {}, `${p.framework === 'google' ? 'Google' : 'Microsoft'} MLOps level ${p.level} of ${p.maxLevel}`)),
            h('ul', { class: 'mlops-steps' }, p.evidence.map((e) => h('li', { class: e.met ? 'met' : 'unmet' }, `${e.step} — ${e.detail}`))),
            p.missingStep ? h('p', { class: 'note' }, `Next step: ${p.missingStep}`) : h('p', { class: 'note' }, 'Top level reached.'),
          ),
        ),
  );
}

// One bar per member needs room: the box grows with the member count so every label is drawn.
function membersBox(canvas: HTMLCanvasElement, members: number): HTMLElement {
  const box = h('div', { class: 'chart-box' }, canvas);
  box.style.height = `${Math.max(260, members * 22 + 60)}px`;
  return box;
}

function rollupCard(rollup: RollupSummary, hiddenMembers: number, canvas: HTMLCanvasElement): HTMLElement {
  const spread = rollup.min !== null && rollup.max !== null ? `${fmtScore(rollup.min)}–${fmtScore(rollup.max)}` : '—';
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'members-h', 'data-testid': 'rollup' },
    h('h2', { id: 'members-h' }, 'Members compared'),
    h(
      'div',
      { class: 'kpis' },
      kpi('Coverage', `${Math.round(rollup.coverage * 100)}%`, 'members with a score', 'rollup-coverage'),
      kpi('Spread', spread, rollup.stdev !== null ? `σ ${fmtScore(rollup.stdev)}` : undefined, 'rollup-spread'),
      kpi(
        'Weakest member',
        rollup.weakest ? h('a', { href: unitHref(rollup.weakest.unit) }, rollup.members.find((m) => m.unit === rollup.weakest?.unit)?.name ?? rollup.weakest.unit) : '—',
        rollup.weakest ? `score ${fmtScore(rollup.weakest.score)}` : undefined,
        'rollup-weakest',
      ),
    ),
    rollup.insufficientCoverage ? h('div', { class: 'alert warn', role: 'status' }, 'Too few members have data for this rollup to be trusted.') : null,
    membersBox(canvas, rollup.members.length),
    hiddenMembers > 0 ? h('p', { class: 'note' }, `${hiddenMembers} member(s) outside your access are not shown.`) : null,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Member'), h('th', { class: 'num' }, 'Score'), h('th', {}, 'Level'))),
        h(
          'tbody',
          {},
          rollup.members.map((m) =>
            h('tr', {}, h('td', {}, h('a', { href: unitHref(m.unit) }, m.name)), h('td', { class: 'num' }, m.score === null ? 'missing' : fmtScore(m.score)), h('td', {}, levelBadge(m.level))),
          ),
        ),
      ),
    ),
  );
}

function asOfPicker(card: UnitScorecard, trend: UnitTrendResponse): HTMLElement {
  const select = h(
    'select',
    {
      id: 'asof-select',
      onchange: (ev: Event) => {
        const v = (ev.target as HTMLSelectElement).value;
        const latest = trend.asOfs?.[trend.asOfs.length - 1] ?? trend.points[trend.points.length - 1]?.asOf;
        location.hash = unitHref(card.unit, v === latest ? undefined : v);
      },
    },
    // Every as-of, not only the points the chart keeps.
    [...(trend.asOfs ?? trend.points.map((p) => p.asOf))].reverse().map((a) => h('option', { value: a, selected: a === card.asOf }, day(a))),
  );
  return h('label', { class: 'inline', for: 'asof-select' }, 'As of', select);
}

/** Unit view (#/unit/KIND:ID): a pod's scorecard, or a domain/network/lab/steering/org view with its members. */
export async function renderUnit(root: HTMLElement, unit: string, asOf: string | undefined): Promise<void> {
  let res: UnitPageResponse;
  try {
    // One request: the card, the cards it is compared with and the (downsampled) trend.
    res = await getJson<UnitPageResponse>(`units/${unit}/page${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`);
  } catch (err) {
    if (err instanceof ApiRequestError && (err.status === 404 || err.status === 400) && (await notFound(root, unit))) return;
    throw err;
  }
  const card = res.scorecard;
  const { trend, previous, fourWeeks } = res;
  const isPod = card.kind === 'pod';
  const labels = trend.points.map((p) => day(p.asOf));
  const missingCount = card.dimensions.reduce((a, d) => a + d.signals.filter((s) => s.status === 'missing').length, 0);

  root.append(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        {},
        h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Overview'), card.parent && card.parent !== 'org' ? [' › ', h('a', { href: unitHref(card.parent) }, card.parent)] : null, ` › ${KIND_NAMES[card.kind]}`),
        h('h1', { 'data-testid': 'unit-name' }, card.name),
        h('p', { class: 'subtitle' }, `${KIND_NAMES[card.kind]} · ${card.unit} · rubric ${card.rubric.version}`),
        asOfPicker(card, trend),
      ),
      h(
        'div',
        { class: 'kpis' },
        kpi('Score', fmtScore(card.score), levelBadge(card.level, 'unit-level'), 'unit-score'),
        kpi('Missing signals', String(missingCount), missingCount > 0 ? 'excluded, not scored 0' : 'all signals have data', 'unit-missing'),
      ),
    ),
  );
  const banner = pastBanner(card, trend.asOfs?.[trend.asOfs.length - 1] ?? trend.points[trend.points.length - 1]?.asOf);
  if (banner) root.prepend(banner);
  root.append(topMovesCard(card));
  root.append(whatChangedCard(card, previous, fourWeeks));
  const arithmetic = arithmeticCard(card);
  if (arithmetic) root.append(arithmetic);
  const gaps = governanceGapsCard(card);
  if (gaps) root.append(gaps);
  if (card.status === 'insufficient-data') root.append(h('div', { class: 'alert warn', role: 'status', 'data-testid': 'insufficient' }, `No score: ${card.statusReason ?? 'insufficient data'}`));

  const scoreCanvas = chartCanvas('chart-unit-score', `${card.name}: score over time`);
  const dimsCanvas = chartCanvas('chart-unit-dimensions', `${card.name}: dimension levels over time`);
  root.append(
    h(
      'div',
      { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'st-h' }, h('h2', { id: 'st-h' }, 'Score over time'), h('div', { class: 'chart-box' }, scoreCanvas)),
      h('section', { class: 'card', 'aria-labelledby': 'dt-h' }, h('h2', { id: 'dt-h' }, 'Dimension levels over time'), h('div', { class: 'chart-box' }, dimsCanvas)),
    ),
  );
  const membersCanvas = chartCanvas('chart-members', `${card.name}: member scores compared`);
  if (card.rollup) root.append(h('div', { class: 'grid' }, rollupCard(card.rollup, res.hiddenMembers, membersCanvas)));

  const dims = h('section', { 'aria-labelledby': 'dims-h', 'data-testid': 'dimensions' }, h('div', { class: 'card-head' }, h('h2', { id: 'dims-h' }, 'Dimensions'), card.dimensions.length > 0 ? signalsCsvButton(card) : null), card.dimensions.length === 0 ? h('p', { class: 'note' }, 'This unit is scored from its members only.') : card.dimensions.map(dimensionCard));
  root.append(dims);
  root.append(
    h(
      'div',
      { class: 'grid' },
      isPod ? mlopsCard(card.mlops ?? []) : null,
      h('section', { class: 'card', 'aria-labelledby': 'src-h' }, h('h2', { id: 'src-h' }, 'Sources'), card.sources.length > 0 ? sourcesTable(card.sources) : h('p', { class: 'note' }, 'No source of its own: this unit is scored from its members’ scorecards.')),
    ),
  );
  if (card.principles && card.principles.length > 0) {
    root.append(
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'pp-h' },
        h('h2', { id: 'pp-h' }, 'Principles'),
        h('ul', { class: 'summary-list' }, card.principles.map((p) => h('li', {}, `${p.name}: ${p.status === 'missing' ? 'missing' : `${fmtScore(p.score)} (${levelLabel(p.level)})`}`))),
      ),
    );
  }

  const markers = rubricMarkers(trend.rubricChanges);
  makeChart(scoreCanvas, {
    type: 'line',
    data: { labels, datasets: [{ label: card.name, data: trend.points.map((p) => p.score), borderColor: '#1d3a6e', backgroundColor: 'rgba(29,58,110,0.12)', fill: true, tension: 0.25, pointRadius: 2 }] },
    options: { scales: { y: fittedScoreAxis(trend.points.map((p) => p.score)) }, plugins: { legend: { display: false } } },
    plugins: [levelBands(), markers],
  });
  const dimIds = card.dimensions.map((d) => d.dimensionId);
  makeChart(dimsCanvas, {
    type: 'line',
    data: {
      labels,
      datasets: dimIds.map((id, i) => ({
        label: card.dimensions[i]?.name ?? id,
        data: trend.points.map((p) => p.dimensions.find((d) => d.dimensionId === id)?.level ?? null),
        borderColor: seriesColour(i),
        backgroundColor: seriesColour(i),
        stepped: true,
        pointRadius: 1.5,
      })),
    },
    options: { scales: { y: levelAxis }, plugins: { legend: { position: 'bottom' } } },
    plugins: [markers],
  });
  if (card.rollup) {
    makeChart(membersCanvas, {
      type: 'bar',
      data: {
        labels: card.rollup.members.map((m) => m.name),
        datasets: [
          {
            label: 'Score',
            data: card.rollup.members.map((m) => m.score),
            backgroundColor: card.rollup.members.map((m) => LEVEL_COLOURS[m.level === null ? 'none' : (String(m.level) as '1')]),
            borderWidth: 0,
          },
        ],
      },
      options: { indexAxis: 'y', scales: { x: scoreAxis, y: { ticks: { autoSkip: false } } }, plugins: { legend: { display: false } } },
      plugins: [levelBands('x')],
    });
  }
}
