import { readFileSync } from 'node:fs';
import { listBindings } from '../../../shared/org/index.js';
import type { Binding, OrgConfig } from '../../../shared/org/index.js';
import type { SourceStatus } from '../../../shared/scoring/types.js';
import type { Activity } from '../../../shared/sources/contract.js';
import { buildBigOrg } from './big-org.js';

// Realistic activities for an organisation of any size, tiled from the sync section's real normalised output:
// pod i takes the activities of a template pod with the same sources, re-labelled with its own unit, binding
// and ids (domains likewise); networks, labs and the steering group keep their own.

interface TemplateLine {
  bindingId: string;
  unit: string;
  source: string;
  activities: Activity[];
}

/** A tiled organisation: its config, source statuses, and one JSON array text per binding (the "bytes"). */
export interface TiledOrg {
  org: OrgConfig;
  sources: SourceStatus[];
  /** Yields each binding's activities as JSON text, made on demand so that all texts never sit in memory at once. */
  texts(): Generator<string>;
  /** Yields each binding's activities in turn (the bench writes them to disk one binding at a time). */
  bindings(): Generator<{ bindingId: string; activities: Activity[] }>;
}

/** Reads the sync's activities file and tiles an organisation of `pods` pods from it. */
export function tileOrganisation(file: string, pods: number): TiledOrg {
  const templates = new Map<string, TemplateLine>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const t = JSON.parse(line) as TemplateLine;
    templates.set(t.bindingId, t);
  }
  const unitsOf = (prefix: string) => [...new Set([...templates.values()].filter((t) => t.unit.startsWith(prefix)).map((t) => t.unit))].sort();
  const templatePods = unitsOf('pod:');
  const templateDomains = unitsOf('domain:');
  const org = buildBigOrg({ pods, reposPerPod: 2 });
  const bindings = listBindings(org);

  const templateFor = (b: Binding): TemplateLine | undefined => {
    const direct = templates.get(b.id);
    if (direct) return direct;
    const pool = b.unit.startsWith('pod:') ? templatePods : b.unit.startsWith('domain:') ? templateDomains : [];
    const index = Number(/(\d+)$/.exec(b.unit)?.[1] ?? 0);
    for (let k = 0; k < pool.length; k++) {
      const t = templates.get(`${pool[(index + k) % pool.length] ?? ''}/${b.source}`);
      if (t) return t;
    }
    return undefined;
  };

  function* perBinding(): Generator<{ bindingId: string; activities: Activity[] }> {
    for (const b of bindings) {
      const t = templateFor(b);
      if (!t) continue;
      const suffix = t.bindingId === b.id ? '' : `~${b.unit}`;
      yield { bindingId: b.id, activities: t.activities.map((a) => ({ ...a, id: `${a.id}${suffix}`, unit: b.unit, bindingId: b.id })) };
    }
  }
  function* texts(): Generator<string> {
    for (const b of perBinding()) yield JSON.stringify(b.activities);
  }
  const sources: SourceStatus[] = bindings
    .filter((b) => b.source !== 'copilot')
    .map((b) => ({ source: b.source as SourceStatus['source'], bindingId: b.id, status: 'ok' as const }));
  return { org, sources, texts, bindings: perBinding };
}

/** The config and source statuses of a tiled organisation of `pods` pods, without reading any activities. */
export function tiledConfig(pods: number): { org: OrgConfig; sources: SourceStatus[] } {
  const org = buildBigOrg({ pods, reposPerPod: 2 });
  const sources: SourceStatus[] = listBindings(org)
    .filter((b) => b.source !== 'copilot')
    .map((b) => ({ source: b.source as SourceStatus['source'], bindingId: b.id, status: 'ok' as const }));
  return { org, sources };
}
