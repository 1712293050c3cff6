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

export function fmtNumber(n: number, unit?: string): string {
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
