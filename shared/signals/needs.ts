import { bindsModels, COPILOT_BINDING_ID, listBindings, MLFLOW_REGISTRY_BINDING_ID } from '../org/index.js';
import type { Binding, OrgConfig, Unit, UnitRef } from '../org/index.js';
import { LABELS } from '../org/conventions.js';
import type { Activity, ActivityKind } from '../sources/contract.js';
import { labelsOf } from './helpers.js';

/**
 * One binding a unit's scoring reads, and which of its activities: all of them, or only some kinds, only those of
 * one unit (the organisation's Copilot binding holds every pod's days), or only Jira issues that adopt a
 * breakthrough (`adopts:<KEY>`, the org-wide fact networks need from every pod).
 */
export interface ActivityNeed {
  bindingId: string;
  kinds?: readonly ActivityKind[];
  unit?: UnitRef;
  adoptionsOnly?: boolean;
}

/** True when the need keeps this activity. */
export function keepsActivity(need: ActivityNeed, a: Activity): boolean {
  if (need.kinds !== undefined && !need.kinds.includes(a.kind)) return false;
  if (need.unit !== undefined && a.unit !== need.unit) return false;
  if (need.adoptionsOnly === true) return a.kind === 'issue' && labelsOf(a).some((l) => l.startsWith(LABELS.adoptsPrefix));
  return true;
}

const MODEL_VERSIONS: readonly ActivityKind[] = ['model-version'];
const POD_JIRA_FOR_ROLLUPS: readonly ActivityKind[] = ['issue'];
const POD_GITHUB_FOR_DOMAINS: readonly ActivityKind[] = ['pull-request', 'commit', 'review'];
const POD_GITHUB_FOR_ORG: readonly ActivityKind[] = ['deployment'];

/**
 * Every binding (at most once) whose activities scoring `unit` reads, from what the signal functions read: a unit's
 * own bindings; its model versions in the organisation's MLflow registry binding; a pod's Copilot days; a domain's member pods' issues (objective links) and GitHub work (home pods,
 * shared repos, cross-pod reviews); a network's member pods' issues (standards) and every pod's adoption issues
 * (breakthrough transfer); the organisation's pods' deployments (deploys per pod) and its Copilot binding.
 * Scoring a unit from exactly these gives the card it gets from the whole organisation's activities
 * (test/unit/scoring/streamed-scoring.test.ts proves it on the demo organisation).
 */
export function activityNeeds(org: OrgConfig, unit: Unit, units: readonly Unit[], bindings: readonly Binding[] = listBindings(org)): ActivityNeed[] {
  const needs = new Map<string, ActivityNeed>();
  const add = (need: ActivityNeed): void => {
    if (!needs.has(need.bindingId)) needs.set(need.bindingId, need);
  };
  const ids = new Set(bindings.map((b) => b.id));
  const bindingOf = (ref: UnitRef, source: string): string | undefined => (ids.has(`${ref}/${source}`) ? `${ref}/${source}` : undefined);
  // The organisation's registry binding holds every unit's model versions: each unit reads its own share of it.
  for (const b of bindings) if (b.unit === unit.ref && b.id !== MLFLOW_REGISTRY_BINDING_ID) add({ bindingId: b.id });
  if (bindsModels(unit) && ids.has(MLFLOW_REGISTRY_BINDING_ID)) {
    add({ bindingId: MLFLOW_REGISTRY_BINDING_ID, kinds: MODEL_VERSIONS, unit: unit.ref });
  }
  const pods = units.filter((u) => u.kind === 'pod').map((u) => u.ref);
  const copilot = bindings.some((b) => b.id === COPILOT_BINDING_ID);
  switch (unit.kind) {
    case 'pod':
      if (copilot) add({ bindingId: COPILOT_BINDING_ID, kinds: ['copilot-day'], unit: unit.ref });
      break;
    case 'domain':
      for (const m of unit.members) {
        const jira = bindingOf(m, 'jira');
        const github = bindingOf(m, 'github');
        if (jira !== undefined) add({ bindingId: jira, kinds: POD_JIRA_FOR_ROLLUPS });
        if (github !== undefined) add({ bindingId: github, kinds: POD_GITHUB_FOR_DOMAINS });
      }
      break;
    case 'network': {
      for (const m of unit.members) {
        const jira = bindingOf(m, 'jira');
        if (jira !== undefined) add({ bindingId: jira, kinds: POD_JIRA_FOR_ROLLUPS });
      }
      for (const p of pods) {
        const jira = bindingOf(p, 'jira');
        if (jira !== undefined) add({ bindingId: jira, kinds: POD_JIRA_FOR_ROLLUPS, adoptionsOnly: true });
      }
      break;
    }
    case 'org':
      for (const p of pods) {
        const github = bindingOf(p, 'github');
        if (github !== undefined) add({ bindingId: github, kinds: POD_GITHUB_FOR_ORG });
      }
      break;
    default:
      break;
  }
  return [...needs.values()];
}
