import type { UnitRef } from '../org/index.js';
import { LABELS } from '../org/conventions.js';
import { labelsOf, strAttr } from './helpers.js';
import { mappedTo } from './jira-common.js';
import type { JiraConcept } from './jira-common.js';
import type { SignalContext } from './types.js';

/**
 * Each actor hash's home pod among the given pods (a domain's): the pod in whose GitHub bindings the actor
 * authored the most pull requests and commits up to the as-of; a tie goes to the pod whose ref sorts first, so
 * config order never matters. Only readable pod bindings count. Used to tell a cross-pod review from an in-pod
 * one without ever knowing who anybody is.
 */
export function homePods(ctx: SignalContext, pods: readonly UnitRef[] = [...ctx.env.units.values()].filter((u) => u.kind === 'pod').map((u) => u.ref)): ReadonlyMap<string, UnitRef> {
  const scope = pods.filter((p) => p.startsWith('pod:')).sort();
  return ctx.env.memo(`home-pods:${scope.join(',')}`, () => {
    const counts = new Map<string, Map<UnitRef, number>>();
    for (const ref of scope) {
      if (ctx.env.source(ref, 'github').state !== 'ok') continue;
      for (const kind of ['pull-request', 'commit'] as const) {
        for (const item of ctx.env.activities.of(ref, kind)) {
          const actor = item.a.actor;
          if (actor === null || item.t > ctx.env.asOfMs) continue;
          let perPod = counts.get(actor);
          if (perPod === undefined) counts.set(actor, (perPod = new Map()));
          perPod.set(ref, (perPod.get(ref) ?? 0) + 1);
        }
      }
    }
    const out = new Map<string, UnitRef>();
    for (const [actor, perPod] of counts) {
      let best: UnitRef | null = null;
      let bestCount = 0;
      for (const [pod, n] of perPod) {
        if (n > bestCount || (n === bestCount && best !== null && pod < best)) {
          best = pod;
          bestCount = n;
        }
      }
      if (best !== null) out.set(actor, best);
    }
    return out;
  });
}

/**
 * Earliest time (epoch ms, up to the as-of) a readable pod's Jira issue carried `adopts:<KEY>`, per issue key.
 * Pods adopting a network or lab breakthrough label their work this way.
 */
export function firstAdoptions(ctx: SignalContext): ReadonlyMap<string, number> {
  return ctx.env.memo('first-adoptions', () => {
    const out = new Map<string, number>();
    for (const u of ctx.env.units.values()) {
      if (u.kind !== 'pod' || ctx.env.source(u.ref, 'jira').state !== 'ok') continue;
      for (const item of ctx.env.activities.of(u.ref, 'issue')) {
        if (item.t > ctx.env.asOfMs) continue;
        for (const l of labelsOf(item.a)) {
          if (!l.startsWith(LABELS.adoptsPrefix)) continue;
          const key = l.slice(LABELS.adoptsPrefix.length);
          const prev = out.get(key);
          if (prev === undefined || item.t < prev) out.set(key, item.t);
        }
      }
    }
    return out;
  });
}

/**
 * Keys of a unit's Jira issues carrying a label (created up to the as-of), e.g. a domain's objective epics; with a
 * concept, also the issues the org's own `conventions.jira` maps to it.
 */
export function issueKeysWithLabel(ctx: SignalContext, unit: UnitRef, label: string, concept?: JiraConcept): ReadonlySet<string> {
  return ctx.env.memo(`keys:${unit}:${label}:${concept ?? ''}`, () => {
    const out = new Set<string>();
    for (const item of ctx.env.activities.of(unit, 'issue')) {
      if (item.t > ctx.env.asOfMs) continue;
      const key = strAttr(item.a, 'key');
      if (key !== null && (labelsOf(item.a).includes(label) || (concept !== undefined && mappedTo(ctx, item, concept)))) out.add(key);
    }
    return out;
  });
}
