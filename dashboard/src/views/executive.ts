import type { AttributionResponse, MoversResponse, Mover, OrgTrendPoint, OrgTrendResponse, OverviewResponse } from '../../../shared/api/contract.js';
import { getJson } from '../api.js';
import { fittedScoreAxis, LEVEL_COLOURS, levelBands, makeChart, rubricMarkers, seriesColour } from '../charts.js';
import { chartCanvas, h } from '../dom.js';
import { day, fmtDelta, fmtScore, hashParams, KIND_NAMES, LEVEL_NAMES, levelLabel, unitHref } from '../format.js';
import { delta, kpi, levelBadge } from '../widgets.js';
import { gridSection } from './grid.js';

const MOVER_WEEKS = 4;
const PERIODS = [1, 4, 13, 26, 52];

/** Plain-words summary of what changed over the last few weeks, computed from the same data as the charts. */
export function whatChanged(trend: OrgTrendResponse, movers: MoversResponse, units: { units: { missingSignals: number }[] }, basePoint?: OrgTrendPoint | null): string[] {
  const out: string[] = [];
  const points = trend.points;
  const last = points[points.length - 1];
  // The trend is downsampled for the charts: the exact baseline point comes with the overview when it has one.
  const base = (basePoint ?? undefined) ?? (movers.from ? points.find((p) => p.asOf === movers.from) : points[0]);
  if (trend.orgVisible && last && base && last.score !== null && base.score !== null) {
    const d = last.score - base.score;
    const verb = Math.abs(d) < 0.5 ? 'held steady at' : d > 0 ? 'rose to' : 'fell to';
    out.push(`Organisation score ${verb} ${fmtScore(last.score)} (${fmtDelta(d)} since ${day(base.asOf)}), ${levelLabel(last.level)}.`);
  }
  if (last && base) {
    const high = (p: typeof last) => p.podsByLevel['4'] + p.podsByLevel['5'];
    const now = high(last);
    const then = high(base);
    const trendWords = now === then ? `unchanged since ${day(base.asOf)}` : `${now > then ? 'up' : 'down'} from ${then} on ${day(base.asOf)}`;
    out.push(`${now} of ${Object.values(last.podsByLevel).reduce((a, b) => a + b, 0)} pods at Managed or above, ${trendWords}.`);
  }
  const top = movers.risers[0];
  if (top) out.push(`Biggest riser: ${top.name} (${fmtDelta(top.delta)}, now ${levelLabel(top.levelTo)}).`);
  const bottom = movers.fallers[0];
  if (bottom) out.push(`Biggest faller: ${bottom.name} (${fmtDelta(bottom.delta)}, now ${levelLabel(bottom.levelTo)}).`);
  const change = trend.rubricChanges[trend.rubricChanges.length - 1];
  if (change) out.push(`Rubric changed from ${change.from} to ${change.to} on ${day(change.asOf)}; scores either side of the marker are not directly comparable.`);
  const withGaps = units.units.filter((u) => u.missingSignals > 0);
  if (withGaps.length > 0) out.push(`${withGaps.length} unit(s) have signals without data (shown as missing, not as zero).`);
  return out;
}

function moverList(title: string, movers: Mover[], testid: string): HTMLElement {
  return h(
    'div',
    {},
    h('h3', {}, title),
    movers.length === 0
      ? h('p', { class: 'note' }, 'None in this period.')
      : h(
          'ol',
          { 'data-testid': testid },
          movers.map((m) =>
            h('li', {}, h('a', { href: unitHref(m.unit) }, m.name), ' ', delta(m.delta), h('span', { class: 'note' }, ` ${fmtScore(m.from)} → ${fmtScore(m.to)}`)),
          ),
        ),
  );
}

/**
 * The biggest pod risers and fallers of the period, from the attribution's per-unit changes (the same two
 * snapshots and the same ordering as /api/movers), so the overview needs no second pair of snapshot reads.
 */
export function moversOf(a: AttributionResponse, limit: number): MoversResponse {
  const pods: Mover[] = a.units.filter((u) => u.kind === 'pod').map((u) => ({ unit: u.unit, kind: u.kind, name: u.name, from: u.from, to: u.to, delta: u.delta, levelFrom: u.levelFrom, levelTo: u.levelTo }));
  const risers = pods.filter((m) => m.delta > 0).sort((x, y) => y.delta - x.delta || x.unit.localeCompare(y.unit)).slice(0, limit);
  const fallers = pods.filter((m) => m.delta < 0).sort((x, y) => x.delta - y.delta || x.unit.localeCompare(y.unit)).slice(0, limit);
  return { kind: 'pod', weeks: a.weeks, from: a.from, to: a.to, rubricChanged: a.rubricChanged, risers, fallers };
}

/** One ranked bar: a signed contribution drawn left or right of a centre line, scaled to the largest. */
function contributionBar(value: number, max: number): HTMLElement {
  const bar = h('span', { class: `cbar ${value >= 0 ? 'up' : 'down'}`, 'aria-hidden': 'true' });
  bar.style.width = `${max > 0 ? Math.max(1, (Math.abs(value) / max) * 50) : 0}%`;
  return h('span', { class: 'cbar-track', 'aria-hidden': 'true' }, bar);
}

function pts(n: number): string {
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(2)}`;
}

/** "Why it moved": the organisation's change split into units (every kind) and dimensions, ranked by size. */
export function attributionSection(a: AttributionResponse, weeks: number): HTMLElement {
  const top = a.units.filter((u) => u.contribution !== 0).slice(0, 10);
  const dims = a.dimensions.slice(0, 8);
  const max = Math.max(...top.map((u) => Math.abs(u.contribution)), ...dims.map((d) => Math.abs(d.contribution)), ...a.kinds.map((k) => Math.abs(k.contribution)), 0.01);
  const period = h(
    'label',
    { class: 'inline', for: 'period-select' },
    'Period',
    h(
      'select',
      {
        id: 'period-select',
        onchange: (ev: Event) => {
          // A new period is a new URL: the hash change redraws the view with the new attribution.
          const v = (ev.target as HTMLSelectElement).value;
          const params = hashParams();
          params.set('weeks', v);
          location.hash = `#/?${params.toString()}`;
        },
      },
      PERIODS.map((w) => h('option', { value: String(w), selected: w === weeks }, w === 1 ? 'last week' : `last ${w} weeks`)),
    ),
  );
  const row = (label: Node | string, value: number, testid: string, sub?: string): HTMLElement =>
    h('li', { class: 'crow', 'data-testid': testid }, h('span', { class: 'clabel' }, label, sub ? h('span', { class: 'note' }, ` ${sub}`) : null), contributionBar(value, max), h('span', { class: `cval ${value > 0 ? 'delta-up' : value < 0 ? 'delta-down' : 'delta-flat'}` }, pts(value)));
  const headline =
    a.orgDelta === null
      ? 'The organisation score is not available for this period.'
      : `Organisation ${a.orgDelta >= 0 ? 'up' : 'down'} ${Math.abs(a.orgDelta).toFixed(1)} points (${fmtScore(a.orgFrom)} → ${fmtScore(a.orgTo)}) from ${a.from ? day(a.from) : '—'} to ${a.to ? day(a.to) : '—'}.`;
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'why-h', 'data-testid': 'why-it-moved' },
    h('div', { class: 'card-head' }, h('h2', { id: 'why-h' }, 'Why it moved'), period),
    h('p', { 'data-testid': 'why-headline' }, headline),
    h(
      'div',
      { class: 'why-cols' },
      h('div', {}, h('h3', {}, 'By unit kind'), h('ol', { class: 'cbars', 'data-testid': 'why-kinds' }, a.kinds.map((k) => row(KIND_NAMES[k.kind], k.contribution, `why-kind-${k.kind}`, `weight ${Math.round(k.weight * 100)} %, ${k.units} unit(s), mean ${fmtDelta(k.meanDelta)}`))),
        a.residual !== null && Math.abs(a.residual) >= 0.01 ? h('p', { class: 'note' }, `Not explained by units scored at both ends: ${pts(a.residual)} points.`) : null),
      h('div', {}, h('h3', {}, 'Units that drove it'), top.length === 0 ? h('p', { class: 'note' }, 'No unit moved in this period.') : h('ol', { class: 'cbars', 'data-testid': 'why-units' }, top.map((u) => row(h('a', { href: unitHref(u.unit) }, u.name), u.contribution, `why-unit-${u.unit}`, `${KIND_NAMES[u.kind]} ${fmtScore(u.from)} → ${fmtScore(u.to)}`)))),
      h('div', {}, h('h3', {}, 'Dimensions that drove it'), dims.length === 0 ? h('p', { class: 'note' }, 'No dimension moved in this period.') : h('ol', { class: 'cbars', 'data-testid': 'why-dimensions' }, dims.map((d) => row(d.name, d.contribution, `why-dim-${d.dimensionId}`)))),
    ),
    h('p', { class: 'note' }, `Points of the organisation score. ${a.method}`),
    a.rubricChanged ? h('p', { class: 'note' }, 'The rubric changed in this period; part of each move is the rubric’s.') : null,
  );
}

/** Executive view (#/): why the organisation moved, the units × dimensions grid, trends, domains and movers. */
export async function renderExecutive(root: HTMLElement): Promise<void> {
  const params = hashParams();
  const weeksParam = Number(params.get('weeks'));
  const weeks = PERIODS.includes(weeksParam) ? weeksParam : MOVER_WEEKS;
  // One request: the API serves it from the as-of's stored summary (two storage reads whatever the history).
  const { trend, grid, attribution, basePoint } = await getJson<OverviewResponse>(`overview?weeks=${weeks}`);
  const movers = moversOf(attribution, 5);
  const allUnits = { units: grid.rows };
  const points = trend.points;
  const last = points[points.length - 1];
  if (!last) {
    root.append(h('h1', {}, trend.name), h('div', { class: 'alert warn', role: 'status' }, 'No snapshots yet. Run `radar run --config <org.yaml>` (or `radar backfill`) and reload.'));
    return;
  }
  const labels = points.map((p) => day(p.asOf));
  const prev = basePoint ?? (movers.from ? points.find((p) => p.asOf === movers.from) : undefined);
  const orgDelta = last.score !== null && prev?.score !== null && prev ? last.score - prev.score : null;

  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('div', {}, h('h1', {}, trend.name), h('p', { class: 'subtitle' }, `Organisation overview · as of ${day(last.asOf)} · rubric ${last.rubric.version}`)),
      h(
        'div',
        { class: 'kpis' },
        trend.orgVisible ? kpi('Organisation score', fmtScore(last.score), levelBadge(last.level, 'org-level'), 'org-score') : null,
        trend.orgVisible ? kpi(`Change, ${weeks === 1 ? '1 week' : `${weeks} weeks`}`, delta(orgDelta, 'org-delta')) : null,
        kpi('Pods at L4+', String(last.podsByLevel['4'] + last.podsByLevel['5']), `of ${Object.values(last.podsByLevel).reduce((a, b) => a + b, 0)} pods`, 'pods-high'),
      ),
    ),
  );
  if (!trend.orgVisible) root.append(h('div', { class: 'alert warn', role: 'status' }, 'Your access covers some units only: organisation-wide scores are hidden and the charts show your units.'));

  root.append(h('section', { class: 'card', 'aria-labelledby': 'changed-h', 'data-testid': 'what-changed' }, h('h2', { id: 'changed-h' }, 'What changed'), h('ul', { class: 'summary-list' }, whatChanged(trend, movers, allUnits, basePoint).map((s) => h('li', {}, s)))));

  root.append(attributionSection(attribution, weeks));
  root.append(h('div', { class: 'grid' }, gridSection(grid, { headingId: 'grid-h', heading: 'Units × dimensions' })));

  const orgCanvas = chartCanvas('chart-org-score', 'Organisation score over time, with rubric version changes marked');
  const principlesCanvas = chartCanvas('chart-principles', 'The four principles over time');
  const levelsCanvas = chartCanvas('chart-pods-by-level', 'Number of pods at each level over time');
  const spreadCanvas = chartCanvas('chart-pod-scores', 'Distribution of pod scores over time: median, middle half and 10th to 90th percentile, with level bands behind');
  const lastSpread = last.podScores;
  const domainsCanvas = chartCanvas('chart-domains', 'Domain scores over time, side by side');
  const adoptionCanvas = chartCanvas('chart-ai-adoption', 'Copilot active members as a share of pods, against production deployments per week per pod, over time');
  const showAdoption = trend.orgVisible && points.some((p) => p.aiAdoption !== undefined);
  const charts = h(
    'div',
    { class: 'grid' },
    trend.orgVisible ? h('section', { class: 'card', 'aria-labelledby': 'org-h' }, h('h2', { id: 'org-h' }, 'Organisation score'), h('div', { class: 'chart-box' }, orgCanvas), trend.rubricChanges.length ? h('p', { class: 'note' }, 'Dashed line: rubric version change.') : null) : null,
    trend.orgVisible ? h('section', { class: 'card', 'aria-labelledby': 'pr-h' }, h('h2', { id: 'pr-h' }, 'The four principles'), h('div', { class: 'chart-box' }, principlesCanvas)) : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'ps-h', 'data-testid': 'pod-scores' },
      h('h2', { id: 'ps-h' }, 'Pod scores: the distribution'),
      h('div', { class: 'chart-box' }, spreadCanvas),
      lastSpread
        ? h('p', { class: 'note', 'data-testid': 'near-boundary' }, `${lastSpread.nearBoundary} of ${lastSpread.scored} pods sit within 2 points of a level line, where a small move flips their level; the counts below can swing while the scores barely move.`)
        : null,
    ),
    h('section', { class: 'card', 'aria-labelledby': 'lv-h' }, h('h2', { id: 'lv-h' }, 'Pods by level'), h('div', { class: 'chart-box' }, levelsCanvas)),
    h('section', { class: 'card', 'aria-labelledby': 'dm-h' }, h('h2', { id: 'dm-h' }, 'Domains side by side'), h('div', { class: 'chart-box' }, domainsCanvas)),
    showAdoption
      ? h('section', { class: 'card', 'aria-labelledby': 'ai-h', 'data-testid': 'ai-adoption' }, h('h2', { id: 'ai-h' }, 'AI adoption and delivery'), h('div', { class: 'chart-box' }, adoptionCanvas),
          h('p', { class: 'note' }, 'Copilot active members over the size of pods measured (pods below the minimum group size are left out), against production deployments per week per pod. Gaps are missing data, not zero.'))
      : null,
  );
  root.append(charts);

  const domainCards = h(
    'div',
    { class: 'domain-cards', 'data-testid': 'domain-cards' },
    trend.domains.map((d) => {
      const p = d.points[d.points.length - 1];
      return h('a', { class: 'domain-card', href: unitHref(d.unit) }, h('div', {}, d.name), h('div', { class: 'score' }, fmtScore(p?.score)), levelBadge(p?.level));
    }),
  );
  root.append(
    h(
      'div',
      { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'dom-h' }, h('h2', { id: 'dom-h' }, 'Domains'), domainCards),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'mv-h', 'data-testid': 'movers' },
        h('h2', { id: 'mv-h' }, `Biggest movers, ${weeks === 1 ? 'last week' : `last ${weeks} weeks`}`),
        h('div', { class: 'movers' }, moverList('Rising', movers.risers, 'risers'), moverList('Falling', movers.fallers, 'fallers')),
        movers.rubricChanged ? h('p', { class: 'note' }, 'The rubric changed in this period; part of each move is the rubric’s.') : null,
      ),
    ),
  );

  const markers = rubricMarkers(trend.rubricChanges);
  if (trend.orgVisible) {
    makeChart(orgCanvas, {
      type: 'line',
      data: { labels, datasets: [{ label: 'Organisation score', data: points.map((p) => p.score), borderColor: '#1d3a6e', backgroundColor: 'rgba(29,58,110,0.12)', fill: true, tension: 0.25, pointRadius: 2 }] },
      options: { scales: { y: fittedScoreAxis(points.map((p) => p.score)) }, plugins: { legend: { display: false } } },
      plugins: [levelBands(), markers],
    });
    const principleIds = last.principles.map((p) => p.principle);
    makeChart(principlesCanvas, {
      type: 'line',
      data: {
        labels,
        datasets: principleIds.map((id, i) => ({
          label: last.principles[i]?.name ?? id,
          data: points.map((p) => p.principles.find((x) => x.principle === id)?.score ?? null),
          borderColor: seriesColour(i),
          backgroundColor: seriesColour(i),
          tension: 0.25,
          pointRadius: 1.5,
        })),
      },
      options: { scales: { y: fittedScoreAxis(points.flatMap((p) => p.principles.map((x) => x.score))) }, plugins: { legend: { position: 'bottom' } } },
      plugins: [levelBands(), markers],
    });
  }
  if (showAdoption) {
    // Two units on two axes: a share (0–100 %) on the left, deployments per week on the right.
    makeChart(adoptionCanvas, {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'Copilot active members (% of pods)', data: points.map((p) => (p.aiAdoption?.copilotActiveShare == null ? null : Math.round(p.aiAdoption.copilotActiveShare * 1000) / 10)), borderColor: seriesColour(0), backgroundColor: seriesColour(0), yAxisID: 'share', tension: 0.25, pointRadius: 1.5 },
          { label: 'Production deploys / week / pod', data: points.map((p) => p.aiAdoption?.deploysPerWeekPerPod ?? null), borderColor: seriesColour(1), backgroundColor: seriesColour(1), yAxisID: 'deploys', borderDash: [5, 3], tension: 0.25, pointRadius: 1.5 },
        ],
      },
      options: {
        scales: {
          share: { type: 'linear', position: 'left', min: 0, max: 100, title: { display: true, text: '% active' } },
          deploys: { type: 'linear', position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'deploys/week/pod' } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
      plugins: [markers],
    });
  }
  const levelKeys = ['1', '2', '3', '4', '5', 'none'] as const;
  makeChart(levelsCanvas, {
    type: 'bar',
    data: {
      labels,
      datasets: levelKeys
        .filter((k) => k !== 'none' || points.some((p) => p.podsByLevel.none > 0))
        .map((k) => ({
          label: k === 'none' ? 'No score' : `L${k} ${LEVEL_NAMES[Number(k) as 1]}`,
          data: points.map((p) => p.podsByLevel[k]),
          backgroundColor: LEVEL_COLOURS[k],
          borderWidth: 0,
        })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'pods' } } }, plugins: { legend: { position: 'bottom' } } },
    plugins: [markers],
  });
  makeChart(domainsCanvas, {
    type: 'line',
    data: {
      labels,
      datasets: trend.domains.map((d, i) => {
        const byAsOf = new Map(d.points.map((p) => [day(p.asOf), p.score]));
        return { label: d.name, data: labels.map((l) => byAsOf.get(l) ?? null), borderColor: seriesColour(i), backgroundColor: seriesColour(i), tension: 0.25, pointRadius: 1.5 };
      }),
    },
    options: { scales: { y: fittedScoreAxis(trend.domains.flatMap((d) => d.points.map((p) => p.score))) }, plugins: { legend: { position: 'bottom' } } },
    plugins: [levelBands(), markers],
  });
  // Quantile bands filled between lines: the whole spread, not only which side of a line each pod fell.
  const q = (k: 'p10' | 'p25' | 'p50' | 'p75' | 'p90') => points.map((p) => p.podScores?.[k] ?? null);
  makeChart(spreadCanvas, {
    type: 'line',
    data: {
      labels,
      datasets: [
        { label: '90th percentile', data: q('p90'), borderColor: 'rgba(29,58,110,0.35)', backgroundColor: 'rgba(29,58,110,0.10)', fill: '+4', pointRadius: 0, borderWidth: 1 },
        { label: '75th percentile', data: q('p75'), borderColor: 'rgba(29,58,110,0.55)', backgroundColor: 'rgba(29,58,110,0.18)', fill: '+2', pointRadius: 0, borderWidth: 1 },
        { label: 'Median', data: q('p50'), borderColor: '#1d3a6e', backgroundColor: '#1d3a6e', pointRadius: 1.5, borderWidth: 2.5 },
        { label: '25th percentile', data: q('p25'), borderColor: 'rgba(29,58,110,0.55)', backgroundColor: 'rgba(29,58,110,0.18)', pointRadius: 0, borderWidth: 1 },
        { label: '10th percentile', data: q('p10'), borderColor: 'rgba(29,58,110,0.35)', backgroundColor: 'rgba(29,58,110,0.10)', pointRadius: 0, borderWidth: 1 },
      ],
    },
    options: { scales: { y: fittedScoreAxis(points.flatMap((p) => [p.podScores?.p10, p.podScores?.p90]), 'pod score') }, plugins: { legend: { position: 'bottom' } } },
    plugins: [levelBands(), markers],
  });
}
