import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../../shared/org/index.js';
import { runScheduled } from '../../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../../shared/sandbox/index.js';
import type { SignalResult } from '../../../shared/scoring/index.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import { pipelineDeps, smallOrg } from './helpers.js';

// An organisation's own Jira convention over real HTTP: the Jira sandbox serves issues with their issue type, the
// connector passes it on as `attrs.type`, and a config mapping that type to "experiment" scores experiments from it.

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const AS_OF = ANCHOR.toISOString();
let sandboxes: RunningSandboxes;
let org: OrgConfig;

async function experiments(config: OrgConfig): Promise<SignalResult | undefined> {
  const local = await startLocalStores();
  try {
    await runScheduled(pipelineDeps(config, local.stores, { ...DEMO_CREDENTIALS }), { asOf: AS_OF });
    const card = await local.stores.snapshots.loadScorecard('pod:recsys', AS_OF);
    return card?.dimensions.flatMap((d) => d.signals).find((s) => s.signalId === 'jira.experiments-resolved-per-quarter');
  } finally {
    await local.close();
  }
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR });
  org = smallOrg(await loadDemoOrg(), sandboxes.urls);
}, 300_000);
afterAll(async () => {
  await sandboxes.close();
});

describe('org conventions over real HTTP', () => {
  it('scores experiments from a Jira issue type the config maps to "experiment"', async () => {
    const plain = await experiments(org);
    const mapped = await experiments({ ...org, conventions: { jira: { experiment: { issueTypes: ['Story'] } } } });
    expect(plain?.status).toBe('scored');
    expect(mapped?.status).toBe('scored');
    // Every resolved Story now counts as an experiment, on top of the issues labelled experiment:*.
    expect(mapped?.evidenceCount ?? 0).toBeGreaterThan(plain?.evidenceCount ?? 0);
    expect(mapped?.value ?? 0).toBeGreaterThan(plain?.value ?? 0);
  }, 600_000);
});
