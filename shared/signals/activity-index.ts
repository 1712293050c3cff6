import type { UnitRef } from '../org/index.js';
import type { Activity, ActivityKind } from '../sources/contract.js';
import type { ActivityLookup, TimedActivity } from './types.js';

const EMPTY: readonly TimedActivity[] = Object.freeze([]);

/**
 * Buckets activities by unit and kind in one pass, parsing each timestamp once. Activities with an unparseable
 * `at` are skipped (normalisers emit ISO strings; a bad one must not poison the whole organisation's score).
 */
export function indexActivities(activities: readonly Activity[]): ActivityLookup {
  const byUnit = new Map<UnitRef, Map<ActivityKind, TimedActivity[]>>();
  let lastUnit: UnitRef | undefined;
  let lastKinds: Map<ActivityKind, TimedActivity[]> | undefined;
  for (const a of activities) {
    const t = Date.parse(a.at);
    if (Number.isNaN(t)) continue;
    // Activities usually arrive grouped by binding, so remembering the last unit saves most map lookups.
    let kinds = a.unit === lastUnit ? lastKinds : byUnit.get(a.unit);
    if (kinds === undefined) {
      kinds = new Map();
      byUnit.set(a.unit, kinds);
    }
    lastUnit = a.unit;
    lastKinds = kinds;
    let list = kinds.get(a.kind);
    if (list === undefined) {
      list = [];
      kinds.set(a.kind, list);
    }
    list.push({ t, a });
  }
  return { of: (unit, kind) => byUnit.get(unit)?.get(kind) ?? EMPTY };
}
