import { ROLE_IDS } from '../org/index.js';
import { DAY_MS, EvidenceCollector, missing, round, sourceProblem } from './helpers.js';
import { deploysPerWeek } from './pod.js';
import type { SignalContext, SignalFn, SignalValue, TimedActivity } from './types.js';

// AI-assisted delivery: how a pod uses GitHub Copilot, from the pod-level `copilot-day` aggregates the Copilot
// connector keeps (one per pod and day; days when fewer members than the minimum group size were active carry no
// figures). Shares are of the pod's size (its role counts in the org config), so a team that adds people without
// Copilot seats shows a lower share. Days below the minimum group size are left out of every figure; a window needs
// MIN_MEASURED_DAYS measured days, else the signal is missing with the group-size reason (never a number).

/** Measured days a window needs (about one a week over 28 days) before a Copilot figure is shown. */
export const MIN_MEASURED_DAYS = 4;
const DEFAULT_MIN_GROUP = 5;

interface CopilotFigures {
  activeUsers: number;
  engagedUsers: number;
  suggestions: number;
  acceptances: number;
  chatOrAgentUsers: number;
}

type WindowRead =
  | { ok: true; days: { item: TimedActivity; f: CopilotFigures }[]; ev: EvidenceCollector; podSize: number }
  | { ok: false; value: SignalValue };

function podSize(ctx: SignalContext): number {
  return ctx.env.memo(`pod-size:${ctx.unit.id}`, () => {
    for (const d of ctx.env.org.domains) {
      const p = d.pods.find((x) => x.id === ctx.unit.id);
      if (p) return ROLE_IDS.reduce((n, r) => n + (p.roles[r] ?? 0), 0);
    }
    return 0;
  });
}

function figures(item: TimedActivity): CopilotFigures | null {
  const a = item.a.attrs;
  if (a.status !== 'measured') return null;
  const n = (k: string): number => (typeof a[k] === 'number' ? (a[k] as number) : 0);
  return { activeUsers: n('activeUsers'), engagedUsers: n('engagedUsers'), suggestions: n('suggestions'), acceptances: n('acceptances'), chatOrAgentUsers: n('chatOrAgentUsers') };
}

/** Reads the pod's Copilot days in (fromMs, toMs], or the reason there is no figure. */
function readWindow(ctx: SignalContext, fromMs: number, toMs: number): WindowRead {
  const unit = ctx.unit.ref;
  const problem = sourceProblem(ctx, unit, 'copilot');
  if (problem !== null) return { ok: false, value: missing(problem) };
  const size = podSize(ctx);
  const hasTeam = ctx.env.org.domains.some((d) => d.pods.some((p) => p.id === ctx.unit.id && p.sources.github?.team !== undefined));
  if (!hasTeam) return { ok: false, value: missing(`${unit} has no GitHub team in the org config (Copilot usage is mapped to pods by team)`) };
  if (size === 0) return { ok: false, value: missing(`${unit} has no members in the org config (its role counts are all 0)`) };
  const days: { item: TimedActivity; f: CopilotFigures }[] = [];
  const ev = new EvidenceCollector();
  let reported = 0;
  for (const item of ctx.env.activities.of(unit, 'copilot-day')) {
    if (item.t <= fromMs || item.t > toMs) continue;
    reported += 1;
    const f = figures(item);
    if (f === null) continue;
    days.push({ item, f });
    ev.add(item);
  }
  if (reported === 0) return { ok: false, value: missing(`no Copilot usage report covers ${unit} in this window`) };
  if (days.length < MIN_MEASURED_DAYS) {
    const min = ctx.env.org.sources.github?.copilot?.minGroupSize ?? DEFAULT_MIN_GROUP;
    return { ok: false, value: missing(`fewer than ${min} active Copilot users (minimum group size)`) };
  }
  return { ok: true, days, ev, podSize: size };
}

function meanShare(w: Extract<WindowRead, { ok: true }>, pick: (f: CopilotFigures) => number): number {
  // A report can count more active people than the config lists (seats outside the pod, a stale role count):
  // a share of the pod never exceeds 1.
  const total = w.days.reduce((n, d) => n + Math.min(pick(d.f), w.podSize), 0);
  return total / w.days.length / w.podSize;
}

const shareSignal = (pick: (f: CopilotFigures) => number): SignalFn => (ctx) => {
  const w = readWindow(ctx, ctx.fromMs, ctx.toMs);
  return w.ok ? w.ev.scored(round(meanShare(w, pick), 3)) : w.value;
};

/** Mean daily active Copilot users on measured days, as a share of the pod's size. */
export const copilotActiveUserShare: SignalFn = shareSignal((f) => f.activeUsers);

/** Mean daily engaged users (accepted a suggestion or started a chat/agent interaction), as a share of the pod's size. */
export const copilotEngagedUserShare: SignalFn = shareSignal((f) => f.engagedUsers);

/** Accepted code suggestions over suggestions shown, on measured days. */
export const copilotCodeAcceptanceRate: SignalFn = (ctx) => {
  const w = readWindow(ctx, ctx.fromMs, ctx.toMs);
  if (!w.ok) return w.value;
  const shown = w.days.reduce((n, d) => n + d.f.suggestions, 0);
  if (shown === 0) return missing('no code suggestion was shown to the pod in this window');
  return w.ev.scored(round(w.days.reduce((n, d) => n + Math.min(d.f.acceptances, d.f.suggestions), 0) / shown, 3));
};

/** Share of active users who used Copilot chat or an agent, on measured days. */
export const copilotChatAgentShare: SignalFn = (ctx) => {
  const w = readWindow(ctx, ctx.fromMs, ctx.toMs);
  if (!w.ok) return w.value;
  const active = w.days.reduce((n, d) => n + d.f.activeUsers, 0);
  if (active === 0) return missing('no active Copilot user in this window');
  const chat = w.days.reduce((n, d) => n + Math.min(d.f.chatOrAgentUsers, d.f.activeUsers), 0);
  return w.ev.scored(round(chat / active, 3));
};

/** Change of the active-user share between the window's first and second half (share points, e.g. 0.1 = +10 pp). */
export const copilotActiveShareTrend: SignalFn = (ctx) => {
  const mid = ctx.toMs - ((ctx.toMs - ctx.fromMs) / DAY_MS / 2) * DAY_MS;
  const recent = readWindow(ctx, mid, ctx.toMs);
  if (!recent.ok) return recent.value;
  const before = readWindow(ctx, ctx.fromMs, mid);
  if (!before.ok) return before.value.status === 'missing' ? missing(`earlier half of the window: ${before.value.reason}`) : before.value;
  const pick = (f: CopilotFigures): number => f.activeUsers;
  for (const d of before.days) recent.ev.add(d.item);
  return recent.ev.scored(round(meanShare(recent, pick) - meanShare(before, pick), 3));
};

/** The organisation's Copilot active users over the size of the pods measured (pods below the group size left out). */
export const copilotOrgActiveUserShare: SignalFn = (ctx) => {
  const problem = sourceProblem(ctx, ctx.unit.ref, 'copilot');
  if (problem !== null) return missing(problem);
  const ev = new EvidenceCollector();
  let active = 0;
  let size = 0;
  for (const unit of ctx.env.units.values()) {
    if (unit.kind !== 'pod') continue;
    const w = readWindow({ ...ctx, unit }, ctx.fromMs, ctx.toMs);
    if (!w.ok) continue;
    active += w.days.reduce((n, d) => n + Math.min(d.f.activeUsers, w.podSize), 0) / w.days.length;
    size += w.podSize;
    for (const d of w.days) ev.add(d.item);
  }
  if (size === 0) return missing('no pod reached the Copilot minimum group size in this window');
  return ev.scored(round(active / size, 3));
};

/**
 * Production deployments per week per pod across the organisation: the delivery measure the executive view sets
 * adoption against. It is the mean of the pods' own `github.deploys-per-week` over pods whose GitHub is readable.
 */
export const githubOrgDeploysPerWeekPerPod: SignalFn = (ctx) => {
  const values: number[] = [];
  const ev = new EvidenceCollector();
  for (const unit of ctx.env.units.values()) {
    if (unit.kind !== 'pod') continue;
    const v = deploysPerWeek({ ...ctx, unit });
    if (v.status !== 'scored') continue;
    values.push(v.value);
    ev.count += v.evidenceCount;
  }
  if (values.length === 0) return missing('no pod has a readable GitHub binding');
  return { status: 'scored', value: round(values.reduce((a, b) => a + b, 0) / values.length, 2), evidence: [], evidenceCount: ev.count };
};
