import { listBindings } from '../../../shared/org/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';
export { defaultScorer, defaultSources, envCredentialResolver } from '../../../shared/pipeline/index.js';

/** Binding ids of an org, in plan order. */
export function listAllBindingIds(org: OrgConfig): string[] {
  return listBindings(org).map((b) => b.id);
}
