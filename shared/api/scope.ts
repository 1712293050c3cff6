import type { UnitRef } from '../org/index.js';

/**
 * What a caller may read: every unit (the steering group, local mode) or an explicit set of unit refs
 * (a domain lead sees the domain and its pods, a pod lead only the pod). The JWT authoriser builds it.
 */
export type Scope = { kind: 'all' } | { kind: 'units'; units: ReadonlySet<string> };

/** The scope of local mode and of callers the deployment has already authorised for everything. */
export const ALL_UNITS: Scope = Object.freeze({ kind: 'all' });

/** Whether the caller may read a unit. */
export function canRead(scope: Scope, unit: UnitRef): boolean {
  return scope.kind === 'all' || scope.units.has(unit);
}

/** Keeps the items whose unit the caller may read (lists and trends drop the rest instead of failing). */
export function filterByScope<T>(scope: Scope, items: readonly T[], unitOf: (item: T) => UnitRef): T[] {
  return scope.kind === 'all' ? [...items] : items.filter((i) => scope.units.has(unitOf(i)));
}
