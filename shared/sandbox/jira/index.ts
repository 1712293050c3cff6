import type { Hono } from 'hono';
import { listUnits, type OrgConfig } from '../../org/index.js';
import { DEMO_HISTORY_WEEKS, DEMO_SEED } from '../demo/profile.js';
import type { FaultRegistry, FaultVariables } from '../faults.js';
import { buildJiraApp } from './app.js';
import { generateJiraHistory } from './generate.js';
import { JiraWorld } from './world.js';

export { JiraWorld, SandboxDataError, jiraTimestamp, JIRA_STATUSES, JIRA_ISSUE_TYPES } from './world.js';
export type { JiraIssue, JiraPerson, JiraHistory, JiraStatusName, JiraIssueTypeName, NewIssue } from './world.js';
export { parseJql, JqlError, UnboundedJqlError } from './jql.js';
export { generateJiraHistory } from './generate.js';

export interface SandboxOptions {
  org: OrgConfig;
  /** End of the generated history (see demoAnchor). */
  anchor: Date;
  weeks?: number;
  seed?: number;
  faults: FaultRegistry;
  /** Accepted credentials keyed by environment variable name (the names the org config's `auth` gives). */
  credentials: Record<string, string>;
  /** Skip the demo history (tests that build their own data). */
  empty?: boolean;
}

/** Reads the Basic credentials the org config names and returns a checker for Authorization headers. */
export function jiraAuthChecker(org: OrgConfig, credentials: Record<string, string>): (header: string | undefined) => boolean {
  const auth = org.sources.jira?.auth;
  if (!auth) return () => true;
  const email = credentials[auth.emailEnv];
  const token = credentials[auth.tokenEnv];
  if (email === undefined || token === undefined) return () => false;
  const expected = `Basic ${Buffer.from(`${email}:${token}`, 'utf8').toString('base64')}`;
  return (header) => header === expected;
}

/** Builds the Jira Cloud simulator with the demo organisation's generated history; its clock starts at `anchor`. */
export function buildJiraSandbox(opts: SandboxOptions): { app: Hono<{ Variables: FaultVariables }>; world: JiraWorld } {
  const world = new JiraWorld(() => opts.anchor);
  if (!opts.empty) generateJiraHistory(world, opts.org, opts.anchor, opts.weeks ?? DEMO_HISTORY_WEEKS, opts.seed ?? DEMO_SEED);
  else for (const u of listUnits(opts.org)) for (const k of u.sources.jira?.projects ?? []) world.addProject(k, k, u.ref);
  const app = buildJiraApp(world, opts.faults, jiraAuthChecker(opts.org, opts.credentials));
  return { app, world };
}
