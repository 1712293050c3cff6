import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { silentLogger } from '../../../shared/kernel/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';
import { defaultScorer, defaultSources, envCredentialResolver, listAllBindingIds } from './deps-kit.js';
import type { PipelineDeps } from '../../../shared/pipeline/index.js';
import type { Stores } from '../../../shared/storage/ports.js';

export { listAllBindingIds };

/** A small slice of the demo org (two pods of one domain and the domain), pointed at running sandboxes. */
export function smallOrg(demo: OrgConfig, urls: { jira: string; github: string; mlflow: string }): OrgConfig {
  const domain = demo.domains[0];
  if (!domain) throw new Error('demo org has no domain');
  const s = demo.sources;
  return {
    ...demo,
    settings: { ...demo.settings, maxConcurrency: 3 },
    sources: {
      ...(s.jira ? { jira: { ...s.jira, baseUrl: urls.jira } } : {}),
      ...(s.github ? { github: { ...s.github, baseUrl: urls.github } } : {}),
      ...(s.mlflow ? { mlflow: { ...s.mlflow, baseUrl: urls.mlflow } } : {}),
    },
    domains: [{ ...domain, pods: domain.pods.slice(0, 2) }],
    networks: [],
    labs: [],
    steering: undefined,
  };
}

/** Writes an org config YAML to a temp dir (for the CLI child process). */
export function writeOrgFile(org: OrgConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'radar-pipeline-'));
  const file = join(dir, 'org.yaml');
  const { steering: _s, ...rest } = org;
  writeFileSync(file, stringify(rest));
  return file;
}

/** Deps over the given stores, the real connectors and scorer, credentials from `env`. */
export function pipelineDeps(org: OrgConfig, stores: Stores, env: Record<string, string>): PipelineDeps {
  return { org, stores, scorer: defaultScorer(), sources: defaultSources(), credentials: envCredentialResolver(env), logger: silentLogger };
}

/** Everything a snapshot comparison needs: every card at the as-of and every binding's normalised activities. */
export async function storedState(stores: Stores, org: OrgConfig, asOf: string): Promise<{ snapshots: string; normalised: string }> {
  const cards = await stores.snapshots.loadAllAt(asOf);
  const acts: Record<string, unknown> = {};
  for (const id of listAllBindingIds(org)) acts[id] = await stores.objects.loadActivities(id);
  return { snapshots: JSON.stringify(cards), normalised: JSON.stringify(acts) };
}
