import type { Hono } from 'hono';
import type { OrgConfig } from '../../org/index.js';
import type { FaultRegistry, FaultVariables } from '../faults.js';
import { generateCopilotWorld } from '../copilot/generate.js';
import type { CopilotWorld } from '../copilot/world.js';
import { buildGithubApp } from './app.js';
import { generateGithubWorld } from './generate.js';
import type { GithubWorld } from './world.js';

export { GithubWorld, ghTime, fakeSha } from './world.js';
export type { GhUser, GhPerson, PullRec, ReviewRec, CommitRec, DeploymentRec, StatusRec, RunRec, ReleaseRec, RepoRec, RequestLogEntry } from './world.js';
export { generateGithubWorld } from './generate.js';
export { buildGithubApp } from './app.js';

/** Options shared by the three sandbox factories. */
export interface SandboxOptions {
  org: OrgConfig;
  anchor: Date;
  weeks?: number;
  seed?: number;
  faults: FaultRegistry;
  /** Accepted credentials keyed by environment variable name (the org config's `auth.*Env` names). */
  credentials: Record<string, string>;
}

/** Builds the GitHub REST simulator with the demo organisation's generated history. */
export function buildGithubSandbox(opts: SandboxOptions): { app: Hono<{ Variables: FaultVariables }>; world: GithubWorld; copilot?: CopilotWorld } {
  const tokenEnv = opts.org.sources.github?.auth.tokenEnv ?? 'RADAR_GITHUB_TOKEN';
  const token = opts.credentials[tokenEnv];
  if (!token) throw new Error(`GitHub sandbox needs a token: give credentials.${tokenEnv}`);
  const world = generateGithubWorld(opts.org, opts.anchor, opts.weeks, opts.seed);
  // Copilot usage reports are served when the org config enables them (they are part of the GitHub API).
  if (opts.org.sources.github?.copilot?.enabled !== true) return { app: buildGithubApp(world, { faults: opts.faults, token }), world };
  const copilot = generateCopilotWorld(opts.org, world, opts.anchor, opts.weeks, opts.seed);
  return { app: buildGithubApp(world, { faults: opts.faults, token, copilot }), world, copilot };
}
