import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUnits } from '../../shared/org/index.js';
import type { OrgConfig } from '../../shared/org/index.js';
import { startSandboxes } from '../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../shared/sandbox/index.js';
import { buildBigOrg, pointOrgAt } from '../bench/lib/big-org.js';
import { startCloudRig } from './lib/harness.js';
import { executeLocally } from './lib/local-sfn.js';
import type { LocalExecution } from './lib/local-sfn.js';
import { synthesiseTemplate } from './lib/template.js';

// The synthesised state machine's scoring fan-out, executed: a generated 200-pod organisation (a short history, so
// collecting it stays quick) run once with the single Score task (fanOutAbovePods above 200) and once fanned out
// (one score-pod item per pod in the Distributed Map, then score-rollups), each on fresh stores, every Task bound to
// the real handler of functions/ in AWS mode. Both must store the same snapshots, byte for byte.

const PODS = 200;
const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const AS_OF = ANCHOR.toISOString();

let definition: Record<string, unknown>;
let sandboxes: RunningSandboxes;
let org: OrgConfig;

/** One execution on fresh stores; returns what the state machine did and the as-of's snapshots as stored JSON. */
async function executeOnFreshStores(fanOutAbovePods: number): Promise<{ run: LocalExecution; snapshots: string; pods: number }> {
  const rig = await startCloudRig(synthesised);
  try {
    await rig.uploadOrg({ ...org, settings: { ...org.settings, scoring: { fanOutAbovePods } } });
    const h = await rig.loadHandlers();
    const run = await executeLocally(
      definition,
      { plan: h.plan, collect: h.collect, score: h.score, scorePod: h['score-pod'], scoreRollups: h['score-rollups'] },
      { asOf: AS_OF },
      { retryIntervalMs: 0 },
    );
    const cards = await rig.local.stores.snapshots.loadAllAt(AS_OF);
    return { run, snapshots: JSON.stringify(cards), pods: cards.filter((c) => c.unit.startsWith('pod:')).length };
  } finally {
    await rig.close();
  }
}

let synthesised: ReturnType<typeof synthesiseTemplate>;

beforeAll(async () => {
  synthesised = synthesiseTemplate();
  definition = synthesised.stateMachineDefinition();
  const base = buildBigOrg({ pods: PODS, reposPerPod: 1, maxConcurrency: 8, historyDays: 30 });
  sandboxes = await startSandboxes({ org: base, port: 0, anchor: ANCHOR, weeks: 2 });
  // Two full collections of the same organisation: lift the GitHub sandbox's hourly budget (not what is tested here).
  sandboxes.worlds.github.rateBudget = { ...sandboxes.worlds.github.rateBudget, limit: 100_000_000 };
  org = pointOrgAt(base, sandboxes.urls);
}, 240_000);

afterAll(async () => {
  await sandboxes?.close();
});

describe('the synthesised state machine, scoring fanned out', () => {
  it(`scores a ${PODS}-pod organisation through the score-pod Map and rollups with the same snapshots as the single Score task`, async () => {
    expect(listUnits(org).filter((u) => u.kind === 'pod')).toHaveLength(PODS);
    const single = await executeOnFreshStores(PODS + 1);
    expect(single.run.status, single.run.error).toBe('succeeded');
    expect(single.run.scoring).toBe('single');
    expect(single.run.failedItems).toEqual([]);
    expect(single.pods).toBe(PODS);

    const fanned = await executeOnFreshStores(PODS - 50);
    expect(fanned.run.status, fanned.run.error).toBe('succeeded');
    expect(fanned.run.scoring).toBe('fan-out');
    expect(fanned.run.podInvocations).toBe(PODS);
    // The pod Map honours the plan's concurrency (settings.maxConcurrency) like the collect Map.
    expect(fanned.run.peakPodConcurrency).toBe(8);
    expect(fanned.snapshots).toBe(single.snapshots);
  }, 1_200_000);
});
