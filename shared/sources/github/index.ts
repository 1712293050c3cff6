import type { OrgConfig } from '../../org/index.js';
import type { SourcePlugin } from '../contract.js';
import { actorKeyEnv } from '../http/index.js';
import { collectGithub } from './collect.js';
import type { GithubCollectOptions } from './collect.js';
import { normaliseGithubPage } from './normalise.js';

export { collectGithub } from './collect.js';
export type { GithubCollectOptions } from './collect.js';
export { normaliseGithubPage } from './normalise.js';
export { GithubClient, parseLinkHeader, pathOnly } from './client.js';
export type { GithubClientOptions, GithubResponse } from './client.js';

/** Builds the GitHub source plugin with tuned collection options (tests shorten waits; defaults suit production). */
export function createGithubSource(options: GithubCollectOptions = {}): SourcePlugin {
  return {
    id: 'github',
    credentialEnvNames: (org: OrgConfig) =>
      org.sources.github ? [org.sources.github.auth.tokenEnv, actorKeyEnv(org)] : [],
    collect: (ctx) => collectGithub(ctx, options),
    normalise: normaliseGithubPage,
  };
}

/** The GitHub connector: repos and team repos → pull requests, reviews, commits, deployments, runs, releases. */
export const githubSource: SourcePlugin = createGithubSource();
