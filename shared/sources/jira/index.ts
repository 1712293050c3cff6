import type { OrgConfig } from '../../org/index.js';
import type { SourcePlugin } from '../contract.js';
import { actorKeyEnv } from '../http/index.js';
import { collectJira, type JiraCollectOptions } from './collect.js';
import { normaliseJiraPage } from './normalise.js';

export { collectJira, baseJql, jqlDate, encodeIds, decodeIds } from './collect.js';
export type { JiraCursor, JiraCollectOptions } from './collect.js';
export { normaliseJiraPage, jiraTimeToIso } from './normalise.js';

/** Names of the environment variables the Jira connector reads: the API user, its token, and the actor-hash key. */
export function jiraCredentialEnvNames(org: OrgConfig): string[] {
  const auth = org.sources.jira?.auth;
  const names = auth ? [auth.emailEnv, auth.tokenEnv] : [];
  // Raw pages are pseudonymised with the same key the pipeline hashes actors with (its fallback name too).
  names.push(actorKeyEnv(org));
  return names;
}

/** Builds the Jira source plugin; options tune HTTP timeouts and retry budgets (tests use small values). */
export function createJiraSource(opts: JiraCollectOptions = {}): SourcePlugin {
  return {
    id: 'jira',
    credentialEnvNames: jiraCredentialEnvNames,
    collect: (ctx) => collectJira(ctx, opts),
    normalise: normaliseJiraPage,
  };
}

/** The Jira Cloud connector with default HTTP settings. */
export const jiraSource: SourcePlugin = createJiraSource();
