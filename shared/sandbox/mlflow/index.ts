import type { Hono } from 'hono';
import type { OrgConfig } from '../../org/index.js';
import { DEMO_HISTORY_WEEKS, DEMO_SEED } from '../demo/profile.js';
import type { FaultRegistry, FaultVariables } from '../faults.js';
import { buildMlflowApp } from './app.js';
import { generateMlflowHistory } from './generate.js';
import { MlflowWorld } from './world.js';

export { MlflowWorld, MlflowSandboxDataError } from './world.js';
export type { MlflowRun, MlflowExperiment, MlflowModelVersion, MlflowRegisteredModel, NewRun, RunStatus, ModelStage, KeyValue } from './world.js';
export { generateMlflowHistory } from './generate.js';
export { parseFilter, MlflowFilterError } from './filter.js';

export interface MlflowSandboxOptions {
  org: OrgConfig;
  anchor: Date;
  weeks?: number;
  seed?: number;
  faults: FaultRegistry;
  /** Accepted credentials keyed by environment variable name (the names the org config's `auth` gives). */
  credentials: Record<string, string>;
  /** Skip the demo history (tests that build their own data). */
  empty?: boolean;
}

/** Reads the auth kind and credential names from the org config and returns a checker for Authorization headers. */
export function mlflowAuthChecker(org: OrgConfig, credentials: Record<string, string>): (header: string | undefined) => boolean {
  const auth = org.sources.mlflow?.auth;
  if (!auth || auth.kind === 'none') return () => true;
  if (auth.kind === 'bearer') {
    const token = credentials[auth.tokenEnv];
    return (header) => token !== undefined && header === `Bearer ${token}`;
  }
  const user = credentials[auth.usernameEnv];
  const password = credentials[auth.passwordEnv];
  if (user === undefined || password === undefined) return () => false;
  const expected = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  return (header) => header === expected;
}

/** Builds the MLflow tracking server simulator with the demo organisation's generated history. */
export function buildMlflowSandbox(opts: MlflowSandboxOptions): { app: Hono<{ Variables: FaultVariables }>; world: MlflowWorld } {
  const world = new MlflowWorld();
  if (!opts.empty) generateMlflowHistory(world, opts.org, opts.anchor, opts.weeks ?? DEMO_HISTORY_WEEKS, opts.seed ?? DEMO_SEED);
  const app = buildMlflowApp(world, opts.faults, mlflowAuthChecker(opts.org, opts.credentials));
  return { app, world };
}
