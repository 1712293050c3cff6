import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { loadOrgConfig } from '../org/index.js';
import type { OrgConfig } from '../org/index.js';
import { DEMO_CREDENTIALS } from './demo/credentials.js';
import { DEMO_SEED, demoAnchor } from './demo/profile.js';
import { FaultRegistry } from './faults.js';
import { buildGithubSandbox } from './github/index.js';
import type { GithubWorld, SandboxOptions } from './github/index.js';
import type { CopilotWorld } from './copilot/index.js';

// The three API simulators side by side, on 127.0.0.1: the demo mode's data source and the peer of every
// connector and pipeline test. Ports follow demo-org.yaml (jira 4101, github 4102, mlflow 4103).

export { FaultRegistry, faultMiddleware, parseFaultSpec } from './faults.js';
export type { Fault, FaultRule, SandboxApi } from './faults.js';
export { DEMO_CREDENTIALS } from './demo/credentials.js';
export { buildGithubSandbox } from './github/index.js';
export type { GithubWorld, SandboxOptions } from './github/index.js';

/** Path of the demo organisation's config file. */
export const DEMO_ORG_FILE = fileURLToPath(new URL('./demo-org.yaml', import.meta.url));

/** Loads the demo organisation's config (shared/sandbox/demo-org.yaml). */
export async function loadDemoOrg(): Promise<OrgConfig> {
  return (await loadOrgConfig(DEMO_ORG_FILE)).config;
}

type SandboxFactory = (opts: SandboxOptions) => { app: Hono<never> | Hono; world: unknown };

/**
 * Loads the Jira or MLflow factory when that simulator exists in this tree. The two are built in parallel with
 * this file; a missing one is skipped rather than failing the other two.
 */
async function loadFactory(api: 'jira' | 'mlflow'): Promise<SandboxFactory | undefined> {
  const here = fileURLToPath(new URL(`./${api}/index.ts`, import.meta.url));
  if (!existsSync(here) && !existsSync(here.replace(/\.ts$/, '.js'))) return undefined;
  const spec = `./${api}/index.js`;
  const mod = (await import(spec)) as Record<string, unknown>;
  const name = api === 'jira' ? 'buildJiraSandbox' : 'buildMlflowSandbox';
  return typeof mod[name] === 'function' ? (mod[name] as SandboxFactory) : undefined;
}

export interface StartSandboxesOptions {
  /** Defaults to the demo organisation. */
  org?: OrgConfig;
  /** Jira listens on `port`, GitHub on `port + 1`, MLflow on `port + 2`; default 4101; 0 = three free ports. */
  port?: number;
  /** End of the generated history; default the Monday on or before today. */
  anchor?: Date;
  weeks?: number;
  seed?: number;
  faults?: FaultRegistry;
  /** Accepted credentials keyed by env var name; default DEMO_CREDENTIALS. */
  credentials?: Record<string, string>;
  host?: string;
}

export interface RunningSandboxes {
  urls: { jira: string; github: string; mlflow: string };
  faults: FaultRegistry;
  worlds: { jira?: unknown; github: GithubWorld; mlflow?: unknown; copilot?: CopilotWorld };
  close(): Promise<void>;
}

async function listen(app: { fetch: (req: Request, env?: unknown) => Response | Promise<Response> }, port: number, host: string) {
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host });
    server.once('error', reject);
    server.once('listening', () => {
      const addr = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${addr.port}`,
        close: () =>
          new Promise<void>((done) => {
            // Keep-alive sockets from clients would hold close() open; end them.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Starts the Jira, GitHub and MLflow simulators with the demo history; `close()` stops all of them. */
export async function startSandboxes(opts: StartSandboxesOptions = {}): Promise<RunningSandboxes> {
  const org = opts.org ?? (await loadDemoOrg());
  const faults = opts.faults ?? new FaultRegistry();
  const host = opts.host ?? '127.0.0.1';
  const base = opts.port ?? 4101;
  const factoryOpts: SandboxOptions = {
    org, anchor: opts.anchor ?? demoAnchor(new Date()), seed: opts.seed ?? DEMO_SEED, faults,
    credentials: { ...(opts.credentials ?? DEMO_CREDENTIALS) },
    ...(opts.weeks !== undefined ? { weeks: opts.weeks } : {}),
  };
  const portFor = (offset: number): number => (base === 0 ? 0 : base + offset);
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(closers.splice(0).map((c) => c()));
  };
  try {
    const github = buildGithubSandbox(factoryOpts);
    const gh = await listen(github.app, portFor(1), host);
    closers.push(gh.close);
    const worlds: RunningSandboxes['worlds'] = { github: github.world, ...(github.copilot ? { copilot: github.copilot } : {}) };
    const urls = { jira: '', github: gh.url, mlflow: '' };
    for (const [api, offset] of [['jira', 0], ['mlflow', 2]] as const) {
      const factory = await loadFactory(api);
      if (!factory) continue;
      const built = factory(factoryOpts);
      const running = await listen(built.app as { fetch: (req: Request) => Response | Promise<Response> }, portFor(offset), host);
      closers.push(running.close);
      urls[api] = running.url;
      worlds[api] = built.world;
    }
    return { urls, faults, worlds, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
