import type { MoversResponse, Mover, OrgTrendResponse, UnitsResponse } from '../../../shared/api/contract.js';
import { getJson } from '../api.js';
import { LEVEL_COLOURS, makeChart, rubricMarkers, scoreAxis, seriesColour } from '../charts.js';
import { chartCanvas, h } from '../dom.js';
import { day, fmtDelta, fmtScore, LEVEL_NAMES, levelLabel, unitHref } from '../format.js';
import { delta, kpi, levelBadge } from '../widgets.js';

const MOVER_WEEKS = 4;

/** Plain-words summary of what changed over the last few weeks, computed from the same data as the charts. */
export function whatChanged(trend: OrgTrendResponse, movers: MoversResponse, units: UnitsResponse): string[] {
  const out: string[] = [];
  const points = trend.points;
  const last = points[points.length - 1];
  const base = movers.from ? points.find((p) => p.asOf === movers.from) : points[0];
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

/** Executive view (#/): the organisation's trend, principles, pods by level, domains and movers. */
export async function renderExecutive(root: HTMLElement): Promise<void> {
  const [trend, movers, allUnits] = await Promise.all([
    getJson<OrgTrendResponse>('org/trend'),
    getJson<MoversResponse>(`movers?kind=pod&weeks=${MOVER_WEEKS}&limit=5`),
    getJson<UnitsResponse>('units'),
  ]);
  const points = trend.points;
  const last = points[points.length - 1];
  if (!last) {
    root.append(h('h1', {}, trend.name), h('div', { class: 'alert warn', role: 'status' }, 'No snapshots yet. Run `radar run --config <org.yaml>` (or `radar backfill`) and reload.'));
    return;
  }
  const labels = points.map((p) => day(p.asOf));
  const prev = movers.from ? points.find((p) => p.asOf === movers.from) : undefined;
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
        trend.orgVisible ? kpi(`Change, ${MOVER_WEEKS} weeks`, delta(orgDelta, 'org-delta')) : null,
        kpi('Pods at L4+', String(last.podsByLevel['4'] + last.podsByLevel['5']), `of ${Object.values(last.podsByLevel).reduce((a, b) => a + b, 0)} pods`, 'pods-high'),
      ),
    ),
  );
  if (!trend.orgVisible) root.append(h('div', { class: 'alert warn', role: 'status' }, 'Your access covers some units only: organisation-wide scores are hidden and the charts show your units.'));

  root.append(h('section', { class: 'card', 'aria-labelledby': 'changed-h', 'data-testid': 'what-changed' }, h('h2', { id: 'changed-h' }, 'What changed'), h('ul', { class: 'summary-list' }, whatChanged(trend, movers, allUnits).map((s) => h('li', {}, s)))));

  const orgCanvas = chartCanvas('chart-org-score', 'Organisation score over time, with rubric version changes marked');
  const principlesCanvas = chartCanvas('chart-principles', 'The four principles over time');
  const levelsCanvas = chartCanvas('chart-pods-by-level', 'Number of pods at each level over time');
  const domainsCanvas = chartCanvas('chart-domains', 'Domain scores over time, side by side');
  const adoptionCanvas = chartCanvas('chart-ai-adoption', 'Copilot active members as a share of pods, against production deployments per week per pod, over time');
  const showAdoption = trend.orgVisible && points.some((p) => p.aiAdoption !== undefined);
  const grid = h(
    'div',
    { class: 'grid' },
    trend.orgVisible ? h('section', { class: 'card', 'aria-labelledby': 'org-h' }, h('h2', { id: 'org-h' }, 'Organisation score'), h('div', { class: 'chart-box' }, orgCanvas), trend.rubricChanges.length ? h('p', { class: 'note' }, 'Dashed line: rubric version change.') : null) : null,
    trend.orgVisible ? h('section', { class: 'card', 'aria-labelledby': 'pr-h' }, h('h2', { id: 'pr-h' }, 'The four principles'), h('div', { class: 'chart-box' }, principlesCanvas)) : null,
    h('section', { class: 'card', 'aria-labelledby': 'lv-h' }, h('h2', { id: 'lv-h' }, 'Pods by level'), h('div', { class: 'chart-box' }, levelsCanvas)),
    h('section', { class: 'card', 'aria-labelledby': 'dm-h' }, h('h2', { id: 'dm-h' }, 'Domains side by side'), h('div', { class: 'chart-box' }, domainsCanvas)),
    showAdoption
      ? h('section', { class: 'card', 'aria-labelledby': 'ai-h', 'data-testid': 'ai-adoption' }, h('h2', { id: 'ai-h' }, 'AI adoption and delivery'), h('div', { class: 'chart-box' }, adoptionCanvas),
          h('p', { class: 'note' }, 'Copilot active members over the size of pods measured (pods below the minimum group size are left out), against production deployments per week per pod. Gaps are missing data, not zero.'))
      : null,
  );
  root.append(grid);

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
        h('h2', { id: 'mv-h' }, `Biggest movers, last ${MOVER_WEEKS} weeks`),
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
      options: { scales: { y: scoreAxis }, plugins: { legend: { display: false } } },
      plugins: [markers],
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
      options: { scales: { y: scoreAxis }, plugins: { legend: { position: 'bottom' } } },
      plugins: [markers],
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
    options: { scales: { y: scoreAxis }, plugins: { legend: { position: 'bottom' } } },
    plugins: [markers],
  });
}
