import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { listBindings, loadOrgConfig } from '../../../shared/org/index.js';
import type { Binding, OrgConfig } from '../../../shared/org/index.js';
import type { CopilotWorld } from '../../../shared/sandbox/copilot/index.js';
import { FaultRegistry } from '../../../shared/sandbox/faults.js';
import { buildGithubSandbox } from '../../../shared/sandbox/github/index.js';
import type { GithubWorld } from '../../../shared/sandbox/github/index.js';

// Starts the GitHub simulator (with its Copilot report routes) on a free 127.0.0.1 port for the Copilot tests.

export const TEST_TOKEN = 'ghp_canaryCopilotTokenForTests000000001';
export const ANCHOR = new Date('2026-11-23T00:00:00Z');

export interface RunningCopilot {
  url: string;
  github: GithubWorld;
  copilot: CopilotWorld;
  faults: FaultRegistry;
  org: OrgConfig;
  binding: Binding;
  close(): Promise<void>;
}

/** Loads the demo org, optionally adjusting its Copilot settings. */
export async function demoOrg(minGroupSize?: number): Promise<OrgConfig> {
  const base = (await loadOrgConfig(new URL('../../../shared/sandbox/demo-org.yaml', import.meta.url).pathname)).config;
  const gh = base.sources.github!;
  return { ...base, sources: { ...base.sources, github: { ...gh, copilot: { enabled: true, minGroupSize: minGroupSize ?? gh.copilot?.minGroupSize ?? 5 } } } };
}

export async function startCopilotSandbox(o: { weeks?: number; minGroupSize?: number } = {}): Promise<RunningCopilot> {
  const base = await demoOrg(o.minGroupSize);
  const faults = new FaultRegistry();
  const built = buildGithubSandbox({ org: base, anchor: ANCHOR, weeks: o.weeks ?? 8, seed: 7, faults, credentials: { RADAR_GITHUB_TOKEN: TEST_TOKEN } });
  if (!built.copilot) throw new Error('the sandbox did not build a Copilot world');
  const server = serve({ fetch: built.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const org: OrgConfig = { ...base, sources: { ...base.sources, github: { ...base.sources.github!, baseUrl: url } } };
  const binding = listBindings(org).find((b) => b.source === 'copilot');
  if (!binding) throw new Error('no copilot binding');
  return {
    url, github: built.world, copilot: built.copilot, faults, org, binding,
    close: () => new Promise<void>((done) => {
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      server.close(() => done());
    }),
  };
}
