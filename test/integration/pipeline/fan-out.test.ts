import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUnits } from '../../../shared/org/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';
import { activitiesAsOf, buildSourceStatuses, loadAllActivities, loadBindingOutcomes, runScheduled } from '../../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../../shared/sandbox/index.js';
import { canonicalJson } from '../../../shared/storage/encoding.js';
import type { Stores } from '../../../shared/storage/ports.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import type { LocalStores } from '../../helpers/local-servers.js';
import { pipelineDeps } from './helpers.js';

// The score step on the whole demo organisation over dynalite + s3rver: unit by unit from windowed reads, and fanned
// out (one item per pod writing a pending card, then the rollups), against the whole-organisation scorer.

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const AS_OF = ANCHOR.toISOString();
const env = { ...DEMO_CREDENTIALS };

let sandboxes: RunningSandboxes;
let demo: OrgConfig;
let single: LocalStores;
let fanned: LocalStores;

/** The whole demo org pointed at the sandboxes, fanning the score step out above `fanOutAbovePods` pods. */
function demoAt(fanOutAbovePods: number): OrgConfig {
  const s = demo.sources;
  const urls = sandboxes.urls;
  return {
    ...demo,
    settings: { ...demo.settings, maxConcurrency: 4, scoring: { fanOutAbovePods } },
    sources: {
      ...(s.jira ? { jira: { ...s.jira, baseUrl: urls.jira } } : {}),
      ...(s.github ? { github: { ...s.github, baseUrl: urls.github } } : {}),
      ...(s.mlflow ? { mlflow: { ...s.mlflow, baseUrl: urls.mlflow } } : {}),
    },
  };
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR });
  demo = await loadDemoOrg();
  single = await startLocalStores();
  fanned = await startLocalStores();
}, 120_000);
afterAll(async () => {
  await single?.close();
  await fanned?.close();
  await sandboxes?.close();
});

/** Stores whose pending-card writes fail for one pod (its score item crashes). */
function failingPodStores(stores: Stores, pod: string): Stores {
  const pending = stores.pending;
  if (pending === undefined) throw new Error('no pending store');
  return {
    ...stores,
    pending: {
      savePending: (runId, asOf, cards) => (cards.some((c) => c.unit === pod) ? Promise.reject(new Error('item crashed')) : pending.savePending(runId, asOf, cards)),
      loadPending: (runId, asOf) => pending.loadPending(runId, asOf),
    },
  };
}

describe('the score step on the demo organisation', () => {
  it('saves byte-identical scorecards unit by unit as the whole-organisation scorer gives', async () => {
    const org = demoAt(1000);
    const deps = pipelineDeps(org, single.stores, env);
    const { plan, run } = await runScheduled(deps, { asOf: AS_OF });
    expect(plan.scoring.fanOut).toBe(false);
    expect(run.status).toBe('completed');
    const sources = await buildSourceStatuses(deps, await loadBindingOutcomes(deps, run.runId), AS_OF);
    const whole = deps.scorer.score({ org, asOf: AS_OF, activities: activitiesAsOf(await loadAllActivities(deps), AS_OF), sources });
    const saved = await single.stores.snapshots.loadAllAt(AS_OF);
    const byUnit = new Map(saved.map((c) => [c.unit, c]));
    expect(whole.length).toBe(listUnits(org).length);
    // The store keeps canonical JSON (sorted keys): compare both sides in that form.
    expect(canonicalJson(whole.map((c) => byUnit.get(c.unit)))).toBe(canonicalJson(whole));
  }, 240_000);

  it('fans out above settings.scoring.fanOutAbovePods and saves the same snapshots as the single score task', async () => {
    const org = demoAt(1);
    const { plan, run } = await runScheduled(pipelineDeps(org, fanned.stores, env), { asOf: AS_OF });
    expect(plan.scoring).toEqual({ fanOut: true, pods: listUnits(org).filter((u) => u.kind === 'pod').map((u) => u.ref) });
    expect(run.status).toBe('completed');
    expect(JSON.stringify(await fanned.stores.snapshots.loadAllAt(AS_OF))).toBe(JSON.stringify(await single.stores.snapshots.loadAllAt(AS_OF)));
  }, 240_000);

  it('gives the same snapshots when a fanned-out run is rerun for the same as-of (idempotent)', async () => {
    const before = JSON.stringify(await fanned.stores.snapshots.loadAllAt(AS_OF));
    const { run } = await runScheduled(pipelineDeps(demoAt(1), fanned.stores, env), { asOf: AS_OF });
    expect(run.status).toBe('completed');
    expect(JSON.stringify(await fanned.stores.snapshots.loadAllAt(AS_OF))).toBe(before);
  }, 240_000);

  it('fails the run with a record naming the pod when one pod item fails, and leaves the as-of invisible', async () => {
    const asOf = '2026-11-24T00:00:00.000Z';
    const org = demoAt(1);
    const pod = listUnits(org).find((u) => u.kind === 'pod')?.ref as string;
    await expect(runScheduled(pipelineDeps(org, failingPodStores(fanned.stores, pod), env), { asOf })).rejects.toThrow(/scoring or storing the snapshot failed/);
    const record = await fanned.stores.runs.loadRun(`run-${asOf}`);
    expect(record?.status).toBe('failed');
    expect(record?.message).toContain('PodCardsMissingError');
    expect(record?.message).toContain(pod);
    expect(await fanned.stores.snapshots.listAsOfs()).not.toContain(asOf);
    // The rerun, with the item working again, completes the as-of.
    const rerun = await runScheduled(pipelineDeps(org, fanned.stores, env), { asOf });
    expect(rerun.run.status).toBe('completed');
    expect(await fanned.stores.snapshots.listAsOfs()).toContain(asOf);
  }, 240_000);
});
