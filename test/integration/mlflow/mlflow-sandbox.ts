import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { OrgConfig } from '../../../shared/org/index.js';
import { FaultRegistry } from '../../../shared/sandbox/faults.js';
import { buildMlflowSandbox, type MlflowWorld } from '../../../shared/sandbox/mlflow/index.js';
import { ANCHOR, demoOrgConfig } from '../jira/jira-sandbox.js';

// Starts only the MLflow simulator on a free 127.0.0.1 port.

export { ANCHOR, sync } from '../jira/jira-sandbox.js';
export const CREDENTIALS = {
  RADAR_MLFLOW_USERNAME: 'canary-admin',
  RADAR_MLFLOW_PASSWORD: 'canary-mlflow-password-51d2',
  RADAR_ACTOR_HASH_KEY: 'canary-hash-key',
};

export interface RunningMlflow {
  url: string;
  world: MlflowWorld;
  faults: FaultRegistry;
  org: OrgConfig;
  close(): Promise<void>;
}

export async function startMlflowSandbox(o: { weeks?: number; seed?: number } = {}): Promise<RunningMlflow> {
  const base = await demoOrgConfig();
  const faults = new FaultRegistry();
  const { app, world } = buildMlflowSandbox({ org: base, anchor: ANCHOR, weeks: o.weeks ?? 20, seed: o.seed ?? 7, faults, credentials: CREDENTIALS });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mlflow = base.sources.mlflow;
  if (!mlflow) throw new Error('demo org has no mlflow source');
  const org: OrgConfig = { ...base, sources: { ...base.sources, mlflow: { ...mlflow, baseUrl: url } } };
  return {
    url,
    world,
    faults,
    org,
    close: () =>
      new Promise<void>((done) => {
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        server.close(() => done());
      }),
  };
}
