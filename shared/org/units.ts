import type { OrgConfig, UnitSources } from './schema.js';

/** The six kinds of unit the product scores. */
export type UnitKind = 'pod' | 'domain' | 'network' | 'lab' | 'steering' | 'org';
/** A unit's name: `pod:recsys`, `domain:customer-engagement`, `network:nlp`, `lab:genai`, `steering`, `org`. */
export type UnitRef = string;
export type SourceId = 'jira' | 'github' | 'mlflow' | 'copilot';

/** One unit of the model with its place in the structure. */
export interface Unit {
  ref: UnitRef;
  kind: UnitKind;
  id: string;
  name: string;
  /** For pods: their domain. */
  parent: UnitRef | null;
  /** Member units: a domain's pods, a network's member pods, the org's domains/networks/labs/steering. */
  members: UnitRef[];
  sources: UnitSources;
}

/** One unit × source binding: the unit of collection, of failure isolation and of cursors. */
export interface Binding {
  /** e.g. `pod:recsys/github` */
  id: string;
  unit: UnitRef;
  source: SourceId;
}

/** Id of the organisation-level Copilot usage binding (one per org; its reports are mapped to pods by team). */
export const COPILOT_BINDING_ID = 'org/copilot';

/**
 * Id of the organisation-level MLflow model registry binding: one paginated registered-models/search a run reads
 * every bound model's aliases with (an alias move changes no timestamp, so the registry is read daily), handing each
 * unit the versions of the models it binds. The units' own MLflow bindings then read experiments and runs only.
 */
export const MLFLOW_REGISTRY_BINDING_ID = 'org/mlflow';

/** True when the unit binds registered models (their versions then come from the registry binding). */
export function bindsModels(unit: Pick<Unit, 'sources'>): boolean {
  return (unit.sources.mlflow?.models?.length ?? 0) > 0;
}

/**
 * Every registered model the org config binds, each with the units that bind it (sorted), in name order. A model may
 * be bound by several units (a pod owns it, the steering group governs it).
 */
export function boundModels(org: OrgConfig): Map<string, UnitRef[]> {
  const out = new Map<string, UnitRef[]>();
  for (const u of listUnits(org)) {
    for (const m of u.sources.mlflow?.models ?? []) {
      const list = out.get(m) ?? [];
      if (!list.includes(u.ref)) list.push(u.ref);
      out.set(m, list);
    }
  }
  for (const list of out.values()) list.sort();
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Builds a unit ref from kind and id (`steering` and `org` have no id part). */
export function unitRef(kind: UnitKind, id?: string): UnitRef {
  return kind === 'steering' || kind === 'org' ? kind : `${kind}:${id ?? ''}`;
}

/** Parses `pod:recsys`, `steering` or `org`; returns null when the text is not a unit ref. */
export function parseUnitRef(ref: string): { kind: UnitKind; id: string } | null {
  if (ref === 'steering' || ref === 'org') return { kind: ref, id: ref };
  const m = /^(pod|domain|network|lab):([a-z][a-z0-9-]*)$/.exec(ref);
  return m ? { kind: m[1] as UnitKind, id: m[2] as string } : null;
}

/** Lists every unit of the organisation in a stable order: pods, domains, networks, labs, steering, org. */
export function listUnits(org: OrgConfig): Unit[] {
  const pods: Unit[] = [];
  const domains: Unit[] = [];
  for (const d of org.domains) {
    const domainRef = unitRef('domain', d.id);
    for (const p of d.pods) {
      pods.push({ ref: unitRef('pod', p.id), kind: 'pod', id: p.id, name: p.name, parent: domainRef, members: [], sources: p.sources });
    }
    domains.push({
      ref: domainRef, kind: 'domain', id: d.id, name: d.name, parent: 'org',
      members: d.pods.map((p) => unitRef('pod', p.id)), sources: d.sources,
    });
  }
  const networks: Unit[] = org.networks.map((n) => ({
    ref: unitRef('network', n.id), kind: 'network', id: n.id, name: n.name, parent: 'org',
    members: n.members.map((m) => unitRef('pod', m)), sources: n.sources,
  }));
  const labs: Unit[] = org.labs.map((l) => ({
    ref: unitRef('lab', l.id), kind: 'lab', id: l.id, name: l.name, parent: 'org', members: [], sources: l.sources,
  }));
  const steering: Unit[] = org.steering
    ? [{ ref: 'steering', kind: 'steering', id: 'steering', name: org.steering.name, parent: 'org', members: [], sources: org.steering.sources }]
    : [];
  const orgUnit: Unit = {
    ref: 'org', kind: 'org', id: org.organisation.id, name: org.organisation.name, parent: null,
    members: [...domains, ...networks, ...labs, ...steering].map((u) => u.ref), sources: {},
  };
  return [...pods, ...domains, ...networks, ...labs, ...steering, orgUnit];
}

/** Lists every unit × source binding configured, in the order of listUnits. */
export function listBindings(org: OrgConfig): Binding[] {
  const out: Binding[] = [];
  const units = listUnits(org);
  for (const u of units) {
    for (const source of ['jira', 'github', 'mlflow'] as const) {
      if (u.sources[source] !== undefined) out.push({ id: `${u.ref}/${source}`, unit: u.ref, source });
    }
  }
  // The MLflow model registry is read once per organisation for every bound model (see MLFLOW_REGISTRY_BINDING_ID).
  // A unit that binds models has an MLflow binding itself, so this also means the org has MLflow bindings.
  if (org.sources.mlflow !== undefined && units.some(bindsModels)) {
    out.push({ id: MLFLOW_REGISTRY_BINDING_ID, unit: 'org', source: 'mlflow' });
  }
  // Copilot usage reports exist per organisation only, so they are one org-level binding, last in the order.
  if (org.sources.github?.copilot?.enabled === true) out.push({ id: COPILOT_BINDING_ID, unit: 'org', source: 'copilot' });
  return out;
}

/** The `since` date (YYYY-MM-DD) of a unit in the config, when it has one. */
export function sinceOf(org: OrgConfig, unit: Pick<Unit, 'kind' | 'id'>): string | undefined {
  switch (unit.kind) {
    case 'pod':
      for (const d of org.domains) for (const p of d.pods) if (p.id === unit.id) return p.since;
      return undefined;
    case 'domain':
      return org.domains.find((d) => d.id === unit.id)?.since;
    case 'network':
      return org.networks.find((n) => n.id === unit.id)?.since;
    case 'lab':
      return org.labs.find((l) => l.id === unit.id)?.since;
    case 'steering':
      return org.steering?.since;
    default:
      return undefined;
  }
}
