import { STANDARD_PLACEHOLDER } from '../org/index.js';
import type { JiraEvidenceMatch, UnitRef } from '../org/index.js';
import { EvidenceCollector, inWindow, labelsOf, median, missing, round, sourceProblem, timeAttr, toDays } from './helpers.js';
import type { SignalContext, SignalFn, SignalValue, TimedActivity } from './types.js';

/** Days in the rate periods signals report (`per week`, `per quarter`). */
export const WEEK_DAYS = 7;
export const QUARTER_DAYS = 90;

/**
 * Fewest days a rate is scaled from when a unit's `since` clips its window (house rule: four weeks), so one event
 * in a unit's first days is not extrapolated to a quarter's worth.
 */
export const MIN_RATE_DAYS = 28;

/** Scales a count in the window to a rate per period (e.g. per 7 or 90 days); a clipped window counts at least MIN_RATE_DAYS. */
export function ratePer(count: number, ctx: SignalContext, periodDays: number): number {
  const floor = Math.min(ctx.nominalDays ?? ctx.windowDays, MIN_RATE_DAYS);
  const days = Math.max(ctx.windowDays, floor);
  return days > 0 ? round((count * periodDays) / days) : 0;
}

/** True when any label satisfies the predicate. */
export function hasLabel(item: TimedActivity, match: (label: string) => boolean): boolean {
  for (const l of labelsOf(item.a)) if (match(l)) return true;
  return false;
}

/** Practices an organisation may map to its own Jira issue types, labels or components (org config `conventions`). */
export type JiraConcept = 'experiment' | 'abTest' | 'pilot' | 'mvp' | 'feedback' | 'objective' | 'talk' | 'training' | 'hackathon' | 'governanceReview';

const lower = (xs: readonly string[] | undefined): ReadonlySet<string> => new Set((xs ?? []).map((x) => x.toLowerCase()));

/** Components of a Jira issue, lower-cased ([] when the connector passed none). */
function componentsOf(item: TimedActivity): string[] {
  const c = item.a.attrs.components;
  return Array.isArray(c) ? c.map((x) => x.toLowerCase()) : [];
}

/** True when one mapping matches the issue by its issue type, one of its labels or one of its components. */
export function matchesMapping(item: TimedActivity, m: JiraEvidenceMatch | undefined): boolean {
  if (m === undefined) return false;
  const type = typeof item.a.attrs.type === 'string' ? item.a.attrs.type.toLowerCase() : null;
  if (type !== null && lower(m.issueTypes).has(type)) return true;
  const ls = lower(m.labels);
  if (labelsOf(item.a).some((l) => ls.has(l.toLowerCase()))) return true;
  const cs = lower(m.components);
  return componentsOf(item).some((c) => cs.has(c));
}

/**
 * True when the org's own mapping for a concept matches the issue: its issue type (`attrs.type`), one of its labels,
 * or one of its components (`attrs.components`, when the connector passes them). A/B tests, pilots and MVPs count
 * as experiments.
 */
export function mappedTo(ctx: SignalContext, item: TimedActivity, concept: JiraConcept): boolean {
  const jira = ctx.env.org.conventions?.jira;
  if (jira === undefined) return false;
  const maps = concept === 'experiment' ? [jira.experiment, jira.abTest, jira.pilot, jira.mvp] : [jira[concept]];
  return maps.some((m) => matchesMapping(item, m));
}

/**
 * True when an issue applies a network standard under the org's own `conventions.jira.standardAdoption`: one of its
 * labels or components equals a mapped name with `{standard}` replaced by the standard's id (case-insensitive).
 */
export function mappedToStandard(ctx: SignalContext, item: TimedActivity, standardId: string): boolean {
  const m = ctx.env.org.conventions?.jira?.standardAdoption;
  if (m === undefined) return false;
  const names = (xs: readonly string[] | undefined): ReadonlySet<string> => lower((xs ?? []).map((x) => x.split(STANDARD_PLACEHOLDER).join(standardId)));
  const ls = names(m.labels);
  if (labelsOf(item.a).some((l) => ls.has(l.toLowerCase()))) return true;
  const cs = names(m.components);
  return componentsOf(item).some((c) => cs.has(c));
}

/** An issue that is evidence of a concept: the product's default label, or the org's own mapping. */
export function isEvidenceOf(ctx: SignalContext, item: TimedActivity, concept: JiraConcept | readonly JiraConcept[], defaultLabel: (label: string) => boolean): boolean {
  if (hasLabel(item, defaultLabel)) return true;
  return typeof concept === 'string' ? mappedTo(ctx, item, concept) : concept.some((c) => mappedTo(ctx, item, c));
}

/** The resolution time of a Jira issue (epoch ms) or null while unresolved. */
export function resolvedAt(item: TimedActivity): number | null {
  return timeAttr(item.a.attrs.resolvedAt);
}

/**
 * A Jira rate signal over the unit's own project(s): issues whose labels match, counted when created or when
 * resolved inside the window. Zero is a real zero when Jira is readable (nothing happened); missing otherwise.
 */
export function jiraIssueRate(opts: { match: (label: string) => boolean; on: 'created' | 'resolved'; periodDays: number; concept?: JiraConcept | readonly JiraConcept[] }): SignalFn {
  return (ctx) => {
    const problem = sourceProblem(ctx, ctx.unit.ref, 'jira');
    if (problem !== null) return missing(problem);
    const ev = new EvidenceCollector();
    for (const item of ctx.env.activities.of(ctx.unit.ref, 'issue')) {
      if (!(opts.concept === undefined ? hasLabel(item, opts.match) : isEvidenceOf(ctx, item, opts.concept, opts.match))) continue;
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
export function jiraResolutionDaysP50(opts: { match: (label: string) => boolean; what: string; concept?: JiraConcept }): SignalFn {
  return (ctx) => {
    const problem = sourceProblem(ctx, ctx.unit.ref, 'jira');
    if (problem !== null) return missing(problem);
    const concept = opts.concept;
    const matchItem = concept === undefined ? undefined : (item: TimedActivity): boolean => isEvidenceOf(ctx, item, concept, opts.match);
    return resolutionDays(ctx, [ctx.unit.ref], opts.match, opts.what, matchItem);
  };
}

/** Shared by unit-level and pod-level resolution-time signals. */
export function resolutionDays(
  ctx: SignalContext,
  units: readonly UnitRef[],
  match: (label: string) => boolean,
  what: string,
  matchItem?: (item: TimedActivity) => boolean,
): SignalValue {
  const ev = new EvidenceCollector();
  const days: number[] = [];
  for (const u of units) {
    for (const item of ctx.env.activities.of(u, 'issue')) {
      if (!(matchItem === undefined ? hasLabel(item, match) : matchItem(item))) continue;
      const r = resolvedAt(item);
      if (r === null || !inWindow(ctx, r) || r < item.t) continue;
      days.push(toDays(r - item.t));
      ev.add(item);
    }
  }
  if (days.length === 0) return missing(`no ${what} was resolved in the last ${ctx.windowDays} days, so there is no time to measure`);
  return ev.scored(round(median(days)));
}
