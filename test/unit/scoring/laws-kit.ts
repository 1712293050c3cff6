import { fc } from '@fast-check/vitest';
import { COPILOT_BINDING_ID, listBindings, listUnits, MLFLOW_REGISTRY_BINDING_ID } from '../../../shared/org/index.js';
import type { OrgConfig, UnitRef } from '../../../shared/org/index.js';
import { defaultRubric } from '../../../shared/rubric/index.js';
import type { Rubric } from '../../../shared/rubric/index.js';
import { scoreOrganisation } from '../../../shared/scoring/index.js';
import type { SourceStatus, UnitScorecard } from '../../../shared/scoring/index.js';
import type { Activity, AttrValue } from '../../../shared/sources/contract.js';
import { AS_OF, demoOrg } from '../../fixtures/activities/demo-week.js';
import { arbActivity } from './arbitraries.js';

// The world the scoring laws quantify over: the demo organisation, random activities (including Copilot days,
// actors shared between pods so home-pod ties happen, and falling Copilot use), and a status per binding (ok,
// failed, or the binding removed from the config). Everything goes through scoreOrganisation, activities → cards.

export const ORG = demoOrg();
export const AS_OF_MS = Date.parse(AS_OF);
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const COPILOT_PODS = ['pod:recsys', 'pod:churn-predict', 'pod:support-bot'];

/** A Copilot day of a pod: measured (figures may exceed the pod's size) or below the minimum group size. */
export const arbCopilotDay: fc.Arbitrary<Activity> = fc
  .record({
    unit: fc.constantFrom(...COPILOT_PODS),
    daysAgo: fc.integer({ min: 0, max: 40 }),
    measured: fc.boolean(),
    active: fc.integer({ min: 0, max: 20 }),
    engaged: fc.integer({ min: 0, max: 20 }),
    suggestions: fc.integer({ min: 0, max: 200 }),
    accepted: fc.integer({ min: 0, max: 200 }),
    chat: fc.integer({ min: 0, max: 20 }),
  })
  .map(({ unit, daysAgo, measured, active, engaged, suggestions, accepted, chat }): Activity => {
    const at = iso(AS_OF_MS - daysAgo * DAY);
    const attrs: Record<string, AttrValue> = measured
      ? { status: 'measured', activeUsers: active, engagedUsers: engaged, suggestions, acceptances: Math.min(accepted, suggestions), chatOrAgentUsers: chat }
      : { status: 'below-minimum', activeUsers: null, engagedUsers: null, suggestions: null, acceptances: null, chatOrAgentUsers: null, minGroupSize: 5 };
    return { id: `copilot:${unit}:${at.slice(0, 10)}`, source: 'copilot', kind: 'copilot-day', unit, bindingId: COPILOT_BINDING_ID, at, actor: null, url: 'https://x.test/copilot', attrs, rawRef: { key: 'k', index: 0 } };
  });

export type BindingFate = 'ok' | 'failed' | 'removed';

export interface World {
  activities: Activity[];
  /** Fate of each binding id; absent means ok. */
  fates: Record<string, BindingFate>;
}

const BINDING_IDS = listBindings(ORG).map((b) => b.id);

export const arbFates: fc.Arbitrary<Record<string, BindingFate>> = fc.dictionary(
  fc.constantFrom(...BINDING_IDS),
  fc.constantFrom<BindingFate>('failed', 'removed', 'ok'),
  { maxKeys: 4 },
);

/** A person with the same number of pull requests in two pods (a home-pod tie) who reviews in one of them. */
export const arbTie: fc.Arbitrary<Activity[]> = fc
  .tuple(fc.constantFrom('pod:recsys', 'pod:churn-predict'), fc.constantFrom('pod:support-bot', 'pod:personalised-search'), fc.integer({ min: 1, max: 30 }))
  .map(([x, y, daysAgo]) => {
    const t = iso(AS_OF_MS - daysAgo * DAY);
    const gh = (unit: string, kind: 'pull-request' | 'review', n: number, actor: string, extra: Record<string, AttrValue>): Activity => ({
      id: `${kind}:tie:${unit}:${n}`, source: 'github', kind, unit, bindingId: `${unit}/github`, at: t, actor, url: `https://x.test/tie/${n}`,
      attrs: { repo: 'acme/shared', number: n, ...extra }, rawRef: { key: 'k', index: 0 },
    });
    return [
      gh(x, 'pull-request', 1, 'a:tie', { mergedAt: t, state: 'closed' }),
      gh(y, 'pull-request', 2, 'a:tie', { mergedAt: t, state: 'closed' }),
      gh(y, 'pull-request', 3, 'a:other', { mergedAt: t, state: 'closed' }),
      gh(y, 'review', 3, 'a:tie', { prActor: 'a:other', state: 'APPROVED' }),
    ];
  });

export const arbWorld = (max = 50): fc.Arbitrary<World> =>
  fc.record({
    activities: fc
      .tuple(
        fc.uniqueArray(arbActivity, { maxLength: max, selector: (a) => `${a.unit}|${a.id}` }),
        fc.uniqueArray(arbCopilotDay, { maxLength: 16, selector: (a) => a.id }),
        fc.option(arbTie, { nil: [] }),
      )
      .map(([a, b, c]) => [...a, ...b, ...c]),
    fates: arbFates,
  });

/** The org config without the removed bindings. */
export function orgFor(fates: Record<string, BindingFate>, base: OrgConfig = ORG): OrgConfig {
  const org = structuredClone(base);
  for (const [id, fate] of Object.entries(fates)) {
    if (fate !== 'removed') continue;
    if (id === COPILOT_BINDING_ID) {
      if (org.sources.github?.copilot) org.sources.github.copilot.enabled = false;
      continue;
    }
    if (id === MLFLOW_REGISTRY_BINDING_ID) {
      // The registry binding exists while any unit binds a model: removing it unbinds every model.
      for (const u of listUnits(org)) {
        const ml = (u.sources as { mlflow?: { models?: string[] } }).mlflow;
        if (ml) delete ml.models;
      }
      continue;
    }
    const [unit, source] = id.split('/') as [UnitRef, 'jira' | 'github' | 'mlflow'];
    const sourcesOf = (): Record<string, unknown> | undefined => {
      const [kind, uid] = unit.split(':');
      if (kind === 'pod') for (const d of org.domains) for (const p of d.pods) if (p.id === uid) return p.sources as Record<string, unknown>;
      if (kind === 'domain') return org.domains.find((d) => d.id === uid)?.sources as Record<string, unknown>;
      if (kind === 'network') return org.networks.find((n) => n.id === uid)?.sources as Record<string, unknown>;
      if (kind === 'lab') return org.labs.find((l) => l.id === uid)?.sources as Record<string, unknown>;
      if (unit === 'steering') return org.steering?.sources as Record<string, unknown>;
      return undefined;
    };
    const s = sourcesOf();
    if (s !== undefined) delete s[source];
  }
  return org;
}

/** Scores a world: removed bindings leave the config and their activities; failed ones are reported failed. */
export function scoreWorld(w: World, base: OrgConfig = ORG, rubric: Rubric = defaultRubric): UnitScorecard[] {
  const org = orgFor(w.fates, base);
  const live = new Set(listBindings(org).map((b) => b.id));
  const sources: SourceStatus[] = listBindings(org).map((b) =>
    w.fates[b.id] === 'failed'
      ? { source: b.source, bindingId: b.id, status: 'failed' as const, reason: 'HTTP 500' }
      : { source: b.source, bindingId: b.id, status: 'ok' as const },
  );
  const activities = w.activities.filter((a) => live.has(a.bindingId) && w.fates[a.bindingId] !== 'failed');
  return scoreOrganisation({ org, rubric, asOf: AS_OF, activities, sources });
}

export const byUnit = (cards: readonly UnitScorecard[]): Map<string, UnitScorecard> => new Map(cards.map((c) => [c.unit, c]));

/**
 * Problems where `after` scores a unit (or one of its dimensions) higher than `before`: a higher evidence score,
 * a higher level, or (when `newLevelIsRaise`, for hiding, where coverage can only fall) a score and level where
 * before had none. Empty when after is never better.
 */
export function raisedBy(before: readonly UnitScorecard[], after: readonly UnitScorecard[], newLevelIsRaise = true): string[] {
  const b = byUnit(before);
  const out: string[] = [];
  type S = { score?: number; level?: number; evidenceScore?: number };
  const worse = (x: S | undefined, y: S | undefined, xe: number, ye: number): boolean => {
    if (ye > xe + 1e-9) return true;
    if (y?.score === undefined) return false;
    if (x?.score === undefined) return newLevelIsRaise;
    return y.score > x.score + 1e-9 || (y.level ?? 0) > (x.level ?? 0);
  };
  const evOf = (x: S | undefined): number => x?.evidenceScore ?? x?.score ?? 0;
  for (const a of after) {
    const prev = b.get(a.unit);
    const left = prev?.status === 'scored' ? prev : undefined;
    const right = a.status === 'scored' ? a : undefined;
    if (worse(left, right, evOf(prev), evOf(a))) out.push(`${a.unit}: ${left?.score ?? 'none'} (L${left?.level ?? '-'}) → ${right?.score} (L${right?.level})`);
    for (const d of a.dimensions) {
      const pd = prev?.dimensions.find((x) => x.dimensionId === d.dimensionId);
      const l = pd?.status === 'scored' ? pd : undefined;
      const r = d.status === 'scored' ? d : undefined;
      if (worse(l, r, evOf(pd), evOf(d))) out.push(`${a.unit} ${d.dimensionId}: ${l?.score ?? 'none'} (L${l?.level ?? '-'}) → ${r?.score} (L${r?.level})`);
    }
  }
  return out;
}
