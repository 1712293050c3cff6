import type { Activity, AttrValue, NormaliseContext, RawPage } from '../contract.js';
import { NormaliseError } from '../errors.js';
import { githubWebOrigin } from '../github/web-origin.js';
import type { CopilotDayReport, CopilotPodDay } from './reduce.js';

// Turns a reduced Copilot day report (already pod-level; see ./reduce.ts) into one `copilot-day` activity per pod.
// Pure. The activity's unit is the pod the figures describe, while its binding stays the org-level `org/copilot`.

const FIGURES = ['activeUsers', 'engagedUsers', 'suggestions', 'acceptances', 'chatUsers', 'agentUsers', 'chatOrAgentUsers'] as const;

function isReport(body: unknown): body is CopilotDayReport {
  if (body === null || typeof body !== 'object') return false;
  const b = body as Partial<CopilotDayReport>;
  return b.kind === 'copilot-team-day' && typeof b.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(b.day) &&
    typeof b.org === 'string' && typeof b.minGroupSize === 'number' && Array.isArray(b.pods);
}

function validPodDay(p: unknown): p is CopilotPodDay {
  if (p === null || typeof p !== 'object') return false;
  const x = p as Record<string, unknown>;
  if (typeof x.pod !== 'string' || !x.pod.startsWith('pod:') || typeof x.team !== 'string') return false;
  if (x.status === 'below-minimum') return FIGURES.every((f) => x[f] === undefined);
  return x.status === 'measured' && FIGURES.every((f) => typeof x[f] === 'number' && Number.isFinite(x[f]) && (x[f] as number) >= 0);
}

/** Normalises one reduced Copilot day report into pod-level `copilot-day` activities. */
export function normaliseCopilotPage(page: RawPage, ctx: NormaliseContext): Activity[] {
  const fail = (reason: string): NormaliseError =>
    new NormaliseError({ source: 'copilot', bindingId: ctx.binding.id, path: ctx.rawKey, reason });
  if (!isReport(page.body)) throw fail('expected a reduced Copilot day report (kind copilot-team-day)');
  const report = page.body;
  // Evidence opens the organisation's Copilot usage dashboard in GitHub's web UI (organisation → Insights → Copilot
  // usage), on the binding's web origin, with the team and day it stands for; the API's report endpoint needs a token.
  const dashboard = `${githubWebOrigin(ctx.baseUrl)}/orgs/${encodeURIComponent(report.org)}/insights/copilot-usage`;
  return report.pods.map((p, index) => {
    if (!validPodDay(p)) throw fail(`pod entry ${index} is not a valid pod-level aggregate`);
    const attrs: Record<string, AttrValue> = { day: report.day, team: p.team, status: p.status, minGroupSize: report.minGroupSize };
    for (const f of FIGURES) attrs[f] = p.status === 'measured' ? p[f] : null;
    return {
      id: `copilot:day:${p.pod}:${report.day}`,
      source: 'copilot',
      kind: 'copilot-day',
      unit: p.pod,
      bindingId: ctx.binding.id,
      // Midday stands for the whole day, so a day sits inside a window that covers it whichever edge is exclusive.
      at: `${report.day}T12:00:00.000Z`,
      actor: null,
      url: `${dashboard}?team=${encodeURIComponent(p.team)}&day=${report.day}`,
      attrs,
      rawRef: { key: ctx.rawKey, index },
    };
  });
}
