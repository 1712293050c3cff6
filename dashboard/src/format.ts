import type { Level, UnitKind, UnitRef } from '../../shared/api/contract.js';

export const LEVEL_NAMES: Record<Level, string> = { 1: 'Initial', 2: 'Emerging', 3: 'Defined', 4: 'Managed', 5: 'Optimising' };

export const KIND_NAMES: Record<UnitKind, string> = {
  pod: 'Pod',
  domain: 'Domain',
  network: 'Capability network',
  lab: 'Innovation lab',
  steering: 'Steering group',
  org: 'Organisation',
};

/** `2026-11-23T00:00:00.000Z` → `2026-11-23`; as-ofs are whole days. */
export function day(iso: string): string {
  return iso.slice(0, 10);
}

export function fmtScore(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toFixed(1);
}

/** Signal units that are shares 0..1 and read as percentages. */
export function isRatio(unit: string | undefined): boolean {
  return unit === 'ratio' || unit === 'share';
}

/** 0.43 → `43 %` (one decimal below 10 % so small shares do not all read 0 %). */
export function fmtPercent(ratio0to1: number): string {
  const pct = Math.round(ratio0to1 * 1000) / 10;
  return `${Math.abs(pct) < 10 && !Number.isInteger(pct) ? pct.toFixed(1) : Math.round(pct)} %`;
}

export function fmtNumber(n: number, unit?: string): string {
  if (isRatio(unit)) return fmtPercent(n);
  const text = Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) < 1 ? 2 : 1);
  return unit ? `${text} ${unit}` : text;
}

export function fmtDelta(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n === 0) return '±0.0';
  return `${n > 0 ? '+' : '−'}${Math.abs(n).toFixed(1)}`;
}

export function deltaClass(n: number | null | undefined): string {
  if (n === null || n === undefined || Math.abs(n) < 0.05) return 'delta-flat';
  return n > 0 ? 'delta-up' : 'delta-down';
}

export function levelLabel(level: Level | null | undefined): string {
  return level ? `L${level} ${LEVEL_NAMES[level]}` : 'No level';
}

export function levelClass(level: Level | null | undefined): string {
  return level ? `level-${level}` : 'level-none';
}

export function unitHref(unit: UnitRef, asOf?: string): string {
  return `#/unit/${unit}${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`;
}

export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Parses `a=1&b=2` after the hash path; the shared state of every view's URL (filters, sort, as-of). */
export function hashParams(hash: string = location.hash): URLSearchParams {
  return new URLSearchParams(hash.split('?')[1] ?? '');
}

/**
 * Rewrites the current hash's query without a navigation (replaceState fires no hashchange), so filters and sort
 * orders survive a reload and can be shared as a link.
 */
export function setHashParams(updates: Record<string, string | null | undefined>): void {
  const [path = '#/'] = location.hash.split('?');
  const params = hashParams();
  for (const [k, v] of Object.entries(updates)) {
    if (v === null || v === undefined || v === '') params.delete(k);
    else params.set(k, v);
  }
  const q = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${path || '#/'}${q ? `?${q}` : ''}`);
}

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted and quotes doubled. */
export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cell = (v: string | number | null | undefined): string => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
