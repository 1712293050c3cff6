import { listBindings } from '../../../shared/org/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';
export { defaultScorer, envCredentialResolver } from '../../../shared/pipeline/index.js';
export { defaultSources } from '../../../shared/sources/index.js';

/** Binding ids of an org, in plan order. */
export function listAllBindingIds(org: OrgConfig): string[] {
  return listBindings(org).map((b) => b.id);
}
