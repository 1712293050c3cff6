import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { loadOrgConfig } from '../../../shared/org/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';
import { FaultRegistry } from '../../../shared/sandbox/faults.js';
import { buildGithubSandbox } from '../../../shared/sandbox/github/index.js';
import type { GithubWorld } from '../../../shared/sandbox/github/index.js';

// Starts only the GitHub simulator on a free 127.0.0.1 port (the connector tests need nothing else).

export const TEST_TOKEN = 'ghp_canaryTokenForTests0000000000000001';
export const ANCHOR = new Date('2026-11-23T00:00:00Z');

let demoOrg: OrgConfig | undefined;
export async function demoOrgConfig(): Promise<OrgConfig> {
  demoOrg ??= (await loadOrgConfig(new URL('../../../shared/sandbox/demo-org.yaml', import.meta.url).pathname)).config;
  return demoOrg;
}

export interface RunningGithub {
  url: string;
  world: GithubWorld;
  faults: FaultRegistry;
  org: OrgConfig;
  close(): Promise<void>;
}

export async function startGithubSandbox(o: { weeks?: number; seed?: number } = {}): Promise<RunningGithub> {
  const base = await demoOrgConfig();
  const faults = new FaultRegistry();
  const { app, world } = buildGithubSandbox({
    org: base, anchor: ANCHOR, weeks: o.weeks ?? 12, seed: o.seed ?? 7, faults, credentials: { RADAR_GITHUB_TOKEN: TEST_TOKEN },
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const org: OrgConfig = { ...base, sources: { ...base.sources, github: { ...base.sources.github!, baseUrl: url } } };
  return {
    url, world, faults, org,
    close: () => new Promise<void>((done) => {
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      server.close(() => done());
    }),
  };
}
