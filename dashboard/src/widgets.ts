import type { DimensionResult, Level, SignalResult, SourceStatus } from '../../shared/api/contract.js';
import { ApiRequestError } from './api.js';
import { h } from './dom.js';
import { day, deltaClass, fmtDelta, fmtNumber, fmtPercent, fmtScore, isRatio, LEVEL_NAMES, levelClass, levelLabel } from './format.js';

export function levelBadge(level: Level | null | undefined, testid?: string): HTMLElement {
  return h('span', { class: `badge ${levelClass(level)}`, 'data-testid': testid }, levelLabel(level));
}

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}` }, status);
}

export function delta(n: number | null | undefined, testid?: string): HTMLElement {
  return h('span', { class: deltaClass(n), 'data-testid': testid }, fmtDelta(n));
}

export function kpi(label: string, value: string | Node, sub?: string | Node, testid?: string): HTMLElement {
  return h('div', { class: 'kpi' }, h('div', { class: 'label' }, label), h('div', { class: 'value', 'data-testid': testid }, value), sub ? h('div', { class: 'sub' }, sub) : null);
}

export function loading(what: string): HTMLElement {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), `Loading ${what}…`);
}

/** The error state: what went wrong in plain words, and a retry button. */
export function errorBox(err: unknown, retry: () => void): HTMLElement {
  const e = err instanceof ApiRequestError ? err : null;
  const title = e ? (e.status === 403 ? 'You cannot see this unit' : e.status === 404 ? 'Nothing here yet' : e.title) : 'Something went wrong';
  const detail = e ? e.detail : 'the page could not be drawn; try again';
  return h(
    'div',
    { class: 'alert error', role: 'alert', 'data-testid': 'error' },
    h('h2', {}, title),
    h('p', {}, detail),
    e?.status === 404 || e?.status === 403 ? h('p', {}, h('a', { href: '#/' }, 'Back to the overview')) : null,
    h('button', { type: 'button', onclick: retry }, 'Try again'),
  );
}

/** Where the value sits between level thresholds, 0..100 along a five-band bar (bands are equal width). */
export function barPosition(s: Pick<SignalResult, 'thresholds' | 'direction'>, v: number): number {
  const t = s.thresholds;
  const up = s.direction === 'higher-is-better';
  const beyond = (a: number, b: number) => (up ? a >= b : a <= b);
  if (!beyond(v, t[0])) {
    // Below level 2: place by distance towards the first threshold.
    const frac = up ? (t[0] === 0 ? 0 : v / t[0]) : t[0] / Math.max(v, 1e-9);
    return Math.max(1, Math.min(19.5, frac * 20));
  }
  for (let i = 0; i < 3; i++) {
    const lo = t[i] as number;
    const hi = t[i + 1] as number;
    if (!beyond(v, hi)) return 20 * (i + 1) + (20 * (v - lo)) / (hi - lo || 1);
  }
  const over = up ? (v - t[3]) / Math.max(t[3] - t[2], 1e-9) : (t[3] - v) / Math.max(t[2] - t[3], 1e-9);
  return Math.min(99, 80 + Math.max(0, over) * 20);
}

/** A small threshold bar: five level bands, threshold ticks, and the measured value as a marker. */
export function thresholdBar(s: SignalResult): HTMLElement {
  const reached = s.level ?? 0;
  const bar = h('div', { class: 'tbar', 'aria-hidden': 'true' });
  for (let l = 1; l <= 5; l++) bar.appendChild(h('span', { class: `seg level-${l}${l <= reached ? ' reached' : ''}` }));
  s.thresholds.forEach((t, i) => {
    const tick = h('span', { class: 'tick' }, fmtNumber(t));
    tick.style.left = `${(i + 1) * 20}%`;
    bar.appendChild(tick);
  });
  if (s.status === 'scored' && s.value !== undefined) {
    const marker = h('span', { class: 'marker' });
    marker.style.left = `${barPosition(s, s.value)}%`;
    bar.appendChild(marker);
  }
  return bar;
}

function thresholdsText(s: SignalResult): string {
  const cmp = s.direction === 'higher-is-better' ? '≥' : '≤';
  return s.thresholds.map((t, i) => `L${i + 2} ${cmp} ${fmtNumber(t, isRatio(s.unit) ? s.unit : undefined)}`).join(', ');
}

/** A change in a signal's value: percentage points for shares, else the number. */
export function fmtChange(change: number, unit: string): string {
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  if (isRatio(unit)) return `${sign}${Math.abs(Math.round(change * 1000) / 10)} pts`;
  return `${sign}${fmtNumber(Math.abs(change))}`;
}

/** The one target a signal shows, used by both its row and its dimension's next steps so they never disagree. */
export function signalTarget(s: SignalResult): string | null {
  if (s.status !== 'scored' || s.value === undefined || !s.next) return null;
  return `${s.direction === 'higher-is-better' ? 'Raise' : 'Bring'} ${s.name.charAt(0).toLowerCase()}${s.name.slice(1)} from ${fmtNumber(s.value, s.unit)} to ${fmtNumber(s.next.target, s.unit)} (${fmtChange(s.next.change, s.unit)}) to reach L${s.next.level} ${LEVEL_NAMES[s.next.level]}`;
}

/** A button that downloads text built on click (CSV exports); the text is built only when asked for. */
export function downloadButton(label: string, filename: string, build: () => string, testid?: string): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'button secondary',
      'data-testid': testid,
      onclick: () => {
        const url = URL.createObjectURL(new Blob([build()], { type: 'text/csv;charset=utf-8' }));
        // A blob: URL this page made itself, so it is set directly (h() only lets http(s) and #… links through).
        const a = document.createElement('a');
        a.href = url;
        a.download = filename;
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      },
    },
    label,
  );
}

/** A dimension's coverage (share of its signals with data) when the scorecard carries it or it can be counted. */
export function dimensionCoverage(d: DimensionResult): number | null {
  const own = (d as { coverage?: unknown }).coverage;
  if (typeof own === 'number' && Number.isFinite(own)) return own;
  return d.signals.length === 0 ? null : d.signals.filter((s) => s.status === 'scored').length / d.signals.length;
}

/** One signal: value (or missing with its reason), threshold bar, window, next level and evidence links. */
export function signalRow(s: SignalResult): HTMLElement {
  const missing = s.status === 'missing';
  const left = h(
    'div',
    {},
    h('div', { class: 'name' }, s.name),
    h('div', { class: 'meta' }, `${s.signalId} · ${s.direction === 'higher-is-better' ? 'higher is better' : 'lower is better'}`),
    h(
      'div',
      { class: 'value', 'data-testid': `signal-value-${s.signalId}` },
      missing ? 'Missing' : `${fmtNumber(s.value as number, s.unit)}`,
      ' ',
      missing ? null : levelBadge(s.level),
    ),
    missing ? h('div', { class: 'missing-reason', 'data-testid': `signal-missing-${s.signalId}` }, s.missingReason ?? 'no data') : null,
    h('div', { class: 'meta' }, `Window: ${s.window.days} days (${day(s.window.from)} → ${day(s.window.to)})`),
  );
  const right = h(
    'div',
    {},
    h('div', { role: 'img', 'aria-label': `Thresholds: ${thresholdsText(s)}${missing ? '; no value' : `; value ${fmtNumber(s.value as number, s.unit)}`}` }, thresholdBar(s)),
    h('div', { class: 'meta' }, `Thresholds (${s.unit}): ${thresholdsText(s)}`),
    !missing && s.next
      ? h(
          'div',
          { class: 'next-step', 'data-testid': `signal-next-${s.signalId}` },
          `To reach L${s.next.level} ${LEVEL_NAMES[s.next.level]}: ${fmtNumber(s.next.target, s.unit)} (${fmtChange(s.next.change, s.unit)})`,
        )
      : !missing && s.level === 5
        ? h('div', { class: 'next-step' }, 'Top level reached')
        : null,
    s.evidence.length > 0
      ? h(
          'div',
          { class: 'evidence' },
          h('span', { class: 'meta' }, `Evidence (${s.evidenceCount}): `),
          // Spaces between links give the line break opportunities narrow screens need.
          s.evidence.flatMap((e) => [h('a', { href: e.url, target: '_blank', rel: 'noopener noreferrer', title: e.url }, e.label), ' ']),
          s.evidenceCount > s.evidence.length ? h('span', { class: 'meta' }, `+${s.evidenceCount - s.evidence.length} more`) : null,
        )
      : null,
  );
  return h('div', { class: `signal${missing ? ' missing' : ''}`, 'data-testid': `signal-${s.signalId}` }, left, right);
}

/** A dimension with its level, signals and the steps that would lift it. */
export function dimensionCard(d: DimensionResult): HTMLElement {
  const coverage = dimensionCoverage(d);
  // One target per signal: the steps are built from the same `next` the signal rows show; the scorer's own
  // wording is the fallback when no signal has a next level.
  const targets = d.signals.map(signalTarget).filter((t): t is string => t !== null);
  const steps = targets.length > 0 ? targets : d.nextSteps;
  return h(
    'section',
    { class: 'dimension', 'data-testid': `dimension-${d.dimensionId}`, 'aria-labelledby': `dim-${d.dimensionId}` },
    h(
      'div',
      { class: 'dimension-head' },
      h('h3', { id: `dim-${d.dimensionId}` }, d.name),
      h('div', {}, d.status === 'missing' ? h('span', { class: 'badge level-none' }, 'Missing') : levelBadge(d.level, `dimension-level-${d.dimensionId}`), ' ', h('span', { class: 'meta' }, d.score !== undefined ? `score ${fmtScore(d.score)} · ${d.combine} of signals` : '')),
    ),
    h('p', { class: 'why' }, d.motivation),
    coverage === null ? null : h('p', { class: 'meta coverage', 'data-testid': `dimension-coverage-${d.dimensionId}` }, `Coverage: ${fmtPercent(coverage)} of this dimension’s signals have data`),
    d.status === 'missing' ? h('p', {}, h('span', { class: 'missing-reason' }, d.level === undefined && d.missingReason === undefined ? 'Insufficient evidence: no level' : (d.missingReason ?? 'no data'))) : null,
    d.signals.map(signalRow),
    steps.length > 0 ? h('div', {}, h('strong', {}, 'Next steps'), h('ul', { class: 'next-steps', 'data-testid': `next-steps-${d.dimensionId}` }, steps.map((s) => h('li', {}, s)))) : null,
    h('p', { class: 'note' }, `How to improve: ${d.remediation}`),
  );
}

/** Per-source collection status of a unit (failed sources explain missing signals). */
export function sourcesTable(sources: readonly SourceStatus[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Source'), h('th', {}, 'Status'), h('th', {}, 'Last success'), h('th', {}, 'Reason'))),
      h(
        'tbody',
        {},
        sources.map((s) =>
          h('tr', { 'data-testid': `source-${s.source}` }, h('td', {}, s.source), h('td', {}, statusBadge(s.status)), h('td', {}, s.lastSuccessAt ? day(s.lastSuccessAt) : '—'), h('td', {}, s.reason ?? '')),
        ),
      ),
    ),
  );
}
