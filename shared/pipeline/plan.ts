import { DEFAULT_FAN_OUT_ABOVE_PODS, listBindings, listUnits } from '../org/index.js';
import type { OrgConfig } from '../org/index.js';
import { InvalidEventError } from './errors.js';
import type { RunPlan } from './types.js';

/** Normalises an as-of to a full ISO-8601 UTC timestamp (`2026-11-23T00:00:00.000Z`); throws on nonsense. */
export function normaliseAsOf(value: string): string {
  const t = Date.parse(value);
  if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new InvalidEventError(`"${value.slice(0, 40)}" is not an ISO-8601 date or time`, 'asOf');
  }
  return new Date(t).toISOString();
}

/** The run id of a scheduled run: derived from the as-of alone, so rerunning the same as-of is the same run. */
export function scheduledRunId(asOf: string): string {
  return `run-${normaliseAsOf(asOf)}`;
}

/** Plans one run: one collection task per unit × source binding of the org, in listBindings order. */
export function planRun(org: OrgConfig, asOf: string): RunPlan {
  const at = normaliseAsOf(asOf);
  return {
    runId: scheduledRunId(at),
    asOf: at,
    maxConcurrency: org.settings.maxConcurrency,
    tasks: listBindings(org).map((b) => ({ bindingId: b.id, unit: b.unit, source: b.source })),
    scoring: scoringPlan(org),
  };
}

/** Whether the score step fans out for this org, and over which pods (in listUnits order). */
export function scoringPlan(org: OrgConfig): RunPlan['scoring'] {
  const pods = listUnits(org).filter((u) => u.kind === 'pod').map((u) => u.ref);
  const above = org.settings.scoring?.fanOutAbovePods ?? DEFAULT_FAN_OUT_ABOVE_PODS;
  return pods.length > above ? { fanOut: true, pods } : { fanOut: false, pods: [] };
}
