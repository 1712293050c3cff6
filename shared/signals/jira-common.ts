import type { UnitRef } from '../org/index.js';
import { EvidenceCollector, inWindow, labelsOf, median, missing, round, sourceProblem, timeAttr, toDays } from './helpers.js';
import type { SignalContext, SignalFn, SignalValue, TimedActivity } from './types.js';

/** Days in the rate periods signals report (`per week`, `per quarter`). */
export const WEEK_DAYS = 7;
export const QUARTER_DAYS = 90;

/** Scales a count in the window to a rate per period (e.g. per 7 or 90 days). */
export function ratePer(count: number, ctx: SignalContext, periodDays: number): number {
  return ctx.windowDays > 0 ? round((count * periodDays) / ctx.windowDays) : 0;
}

/** True when any label satisfies the predicate. */
export function hasLabel(item: TimedActivity, match: (label: string) => boolean): boolean {
  for (const l of labelsOf(item.a)) if (match(l)) return true;
  return false;
}

/** The resolution time of a Jira issue (epoch ms) or null while unresolved. */
export function resolvedAt(item: TimedActivity): number | null {
  return timeAttr(item.a.attrs.resolvedAt);
}

/**
 * A Jira rate signal over the unit's own project(s): issues whose labels match, counted when created or when
 * resolved inside the window. Zero is a real zero when Jira is readable (nothing happened); missing otherwise.
 */
export function jiraIssueRate(opts: { match: (label: string) => boolean; on: 'created' | 'resolved'; periodDays: number }): SignalFn {
  return (ctx) => {
    const problem = sourceProblem(ctx, ctx.unit.ref, 'jira');
    if (problem !== null) return missing(problem);
    const ev = new EvidenceCollector();
    for (const item of ctx.env.activities.of(ctx.unit.ref, 'issue')) {
      if (!hasLabel(item, opts.match)) continue;
      const t = opts.on === 'created' ? item.t : resolvedAt(item);
      if (t !== null && inWindow(ctx, t)) ev.add(item);
    }
    return ev.scored(ratePer(ev.count, ctx, opts.periodDays));
  };
}

/**
 * Median days from creation to resolution of the unit's issues whose labels match, resolved in the window.
 * Missing when nothing matching was resolved: there is no duration to measure.
 */
export function jiraResolutionDaysP50(opts: { match: (label: string) => boolean; what: string }): SignalFn {
  return (ctx) => {
    const problem = sourceProblem(ctx, ctx.unit.ref, 'jira');
    if (problem !== null) return missing(problem);
    return resolutionDays(ctx, [ctx.unit.ref], opts.match, opts.what);
  };
}

/** Shared by unit-level and pod-level resolution-time signals. */
export function resolutionDays(ctx: SignalContext, units: readonly UnitRef[], match: (label: string) => boolean, what: string): SignalValue {
  const ev = new EvidenceCollector();
  const days: number[] = [];
  for (const u of units) {
    for (const item of ctx.env.activities.of(u, 'issue')) {
      if (!hasLabel(item, match)) continue;
      const r = resolvedAt(item);
      if (r === null || !inWindow(ctx, r) || r < item.t) continue;
      days.push(toDays(r - item.t));
      ev.add(item);
    }
  }
  if (days.length === 0) return missing(`no ${what} was resolved in the last ${ctx.windowDays} days, so there is no time to measure`);
  return ev.scored(round(median(days)));
}
