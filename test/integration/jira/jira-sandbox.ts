import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { actorHasher } from '../../../shared/kernel/index.js';
import { listBindings, loadOrgConfig, type Binding, type OrgConfig } from '../../../shared/org/index.js';
import { FaultRegistry } from '../../../shared/sandbox/faults.js';
import { buildJiraSandbox, type JiraWorld } from '../../../shared/sandbox/jira/index.js';
import type { Activity, CollectContext, CollectOutcome, Cursor, RawPage, SourcePlugin } from '../../../shared/sources/contract.js';

// Starts only the Jira simulator on a free 127.0.0.1 port, and runs the connector against it the way the
// pipeline does (onPage → normalise at once), keeping pages and activities for assertions.

export const ANCHOR = new Date('2026-11-23T00:00:00Z');
export const CREDENTIALS = {
  RADAR_JIRA_EMAIL: 'canary-user@example.test',
  RADAR_JIRA_TOKEN: 'canary-jira-token-7f3a9c',
  RADAR_ACTOR_HASH_KEY: 'canary-hash-key',
};

let demoOrg: OrgConfig | undefined;
export async function demoOrgConfig(): Promise<OrgConfig> {
  demoOrg ??= (await loadOrgConfig(new URL('../../../shared/sandbox/demo-org.yaml', import.meta.url).pathname)).config;
  return demoOrg;
}

export interface RunningJira {
  url: string;
  world: JiraWorld;
  faults: FaultRegistry;
  org: OrgConfig;
  close(): Promise<void>;
}

export async function startJiraSandbox(o: { weeks?: number; seed?: number } = {}): Promise<RunningJira> {
  const base = await demoOrgConfig();
  const faults = new FaultRegistry();
  const { app, world } = buildJiraSandbox({ org: base, anchor: ANCHOR, weeks: o.weeks ?? 30, seed: o.seed ?? 7, faults, credentials: CREDENTIALS });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const jira = base.sources.jira;
  if (!jira) throw new Error('demo org has no jira source');
  const org: OrgConfig = { ...base, sources: { ...base.sources, jira: { ...jira, baseUrl: url } } };
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

export function bindingOf(org: OrgConfig, id: string): Binding {
  const b = listBindings(org).find((x) => x.id === id);
  if (!b) throw new Error(`no binding ${id}`);
  return b;
}

export interface SyncResult {
  outcome: CollectOutcome;
  pages: RawPage[];
  activities: Activity[];
}

/** Runs one collection and normalises each page as it arrives, as the pipeline does. */
export async function sync(
  plugin: SourcePlugin,
  org: OrgConfig,
  bindingId: string,
  o: { cursor?: Cursor | null; asOf?: string; since?: string; credentials?: Record<string, string>; sink?: { pages: RawPage[]; activities: Activity[] }; fetch?: typeof fetch } = {},
): Promise<SyncResult> {
  const binding = bindingOf(org, bindingId);
  const pages: RawPage[] = o.sink?.pages ?? [];
  const activities: Activity[] = o.sink?.activities ?? [];
  const hashActor = actorHasher('test-key');
  const baseUrl = org.sources[binding.source === 'copilot' ? 'github' : binding.source]?.baseUrl ?? '';
  const ctx: CollectContext = {
    binding,
    org,
    credentials: o.credentials ?? CREDENTIALS,
    cursor: o.cursor ?? null,
    asOf: o.asOf ?? ANCHOR.toISOString(),
    since: o.since ?? new Date(ANCHOR.getTime() - 400 * 86_400_000).toISOString(),
    ...(o.fetch ? { fetch: o.fetch } : {}),
    onPage: async (page) => {
      pages.push(page);
      activities.push(...plugin.normalise(page, { binding, rawKey: `raw/${page.seq}`, hashActor, baseUrl }));
    },
  };
  const outcome = await plugin.collect(ctx);
  return { outcome, pages, activities };
}
