import { silentLogger } from '../../shared/kernel/index.js';
import type { OrgConfig } from '../../shared/org/index.js';
import { backfill, defaultScorer, envCredentialResolver } from '../../shared/pipeline/index.js';
import { defaultSources } from '../../shared/sources/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../shared/sandbox/index.js';
import type { Stores } from '../../shared/storage/ports.js';

// Real scored data for the dashboard tests: the demo organisation's history served by the sandboxes, collected by
// the real connectors and scored by the real engine through the pipeline's backfill, written to the given stores.

/** The demo org with its base URLs pointed at running sandboxes. */
function pointAt(org: OrgConfig, urls: { jira: string; github: string; mlflow: string }): OrgConfig {
  const s = org.sources;
  return {
    ...org,
    sources: {
      ...(s.jira ? { jira: { ...s.jira, baseUrl: urls.jira } } : {}),
      ...(s.github ? { github: { ...s.github, baseUrl: urls.github } } : {}),
      ...(s.mlflow ? { mlflow: { ...s.mlflow, baseUrl: urls.mlflow } } : {}),
    },
  };
}

/** Backfills `weeks` weekly snapshots of the whole demo org ending at `anchor` into the stores; returns the as-ofs. */
export async function seedScoredDemo(stores: Stores, opts: { anchor: Date; weeks: number }): Promise<string[]> {
  const sandboxes = await startSandboxes({ port: 0, anchor: opts.anchor });
  try {
    const org = pointAt(await loadDemoOrg(), sandboxes.urls);
    const from = new Date(opts.anchor.getTime() - (opts.weeks - 1) * 7 * 86_400_000).toISOString();
    const result = await backfill(
      { org, stores, scorer: defaultScorer(), sources: defaultSources(), credentials: envCredentialResolver({ ...DEMO_CREDENTIALS }), logger: silentLogger },
      { from, to: opts.anchor.toISOString(), everyDays: 7 },
    );
    return result.scored;
  } finally {
    await sandboxes.close();
  }
}
