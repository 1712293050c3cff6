import type { OrgConfig } from '../../org/index.js';
import type { SourcePlugin } from '../contract.js';
import { actorKeyEnv } from '../http/index.js';
import { collectMlflow, type MlflowCollectOptions } from './collect.js';
import { normaliseMlflowPage } from './normalise.js';

export { collectMlflow } from './collect.js';
export { collectMlflowRegistry, quote, registryVersionId, registryVersionIdPrefix } from './registry.js';
export type { MlflowRegistryCursor } from './registry.js';
export type { MlflowCursor, MlflowCollectOptions } from './collect.js';
export { normaliseMlflowPage } from './normalise.js';

/** Names of the environment variables the MLflow connector reads: its auth (if any) and the actor-hash key. */
export function mlflowCredentialEnvNames(org: OrgConfig): string[] {
  const auth = org.sources.mlflow?.auth;
  const names = !auth || auth.kind === 'none' ? [] : auth.kind === 'bearer' ? [auth.tokenEnv] : [auth.usernameEnv, auth.passwordEnv];
  // Raw pages are pseudonymised with the same key the pipeline hashes actors with (its fallback name too).
  names.push(actorKeyEnv(org));
  return names;
}

/** Builds the MLflow source plugin; options tune HTTP timeouts and retry budgets (tests use small values). */
export function createMlflowSource(opts: MlflowCollectOptions = {}): SourcePlugin {
  return {
    id: 'mlflow',
    credentialEnvNames: mlflowCredentialEnvNames,
    collect: (ctx) => collectMlflow(ctx, opts),
    normalise: normaliseMlflowPage,
  };
}

/** The MLflow tracking connector with default HTTP settings. */
export const mlflowSource: SourcePlugin = createMlflowSource();
