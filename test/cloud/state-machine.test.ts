import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/kernel/index.js';
import { listBindings } from '../../shared/org/index.js';
import type { OrgConfig } from '../../shared/org/index.js';
import { openLocalPipeline, runScheduled } from '../../shared/pipeline/index.js';
import { defaultSources } from '../../shared/sources/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../shared/sandbox/index.js';
import { startLocalStores } from '../helpers/local-servers.js';
import { smallOrg, writeOrgFile } from '../integration/pipeline/helpers.js';
import { startCloudRig } from './lib/harness.js';
import type { CloudRig } from './lib/harness.js';
import { executeLocally, mapState } from './lib/local-sfn.js';
import { synthesiseTemplate } from './lib/template.js';

// The synthesised state machine executed: Plan → Distributed Map (ItemSelector, MaxConcurrencyPath, retries,
// tolerated failure) → Score, run by aws-local-stepfunctions with every Task bound to the real handler of
// functions/ (AWS mode, against dynalite, s3rver and the sandboxes).

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const AS_OF = ANCHOR.toISOString();

let sandboxes: RunningSandboxes;
let rig: CloudRig;
let definition: Record<string, unknown>;
let baseOrg: OrgConfig;

/** The org with a given settings.maxConcurrency. */
const withConcurrency = (n: number): OrgConfig => ({ ...baseOrg, settings: { ...baseOrg.settings, maxConcurrency: n } });

/** A cold start of every function on the given org YAML, then one execution of the definition. */
async function execute(org: OrgConfig, asOf: string, collectFault?: (input: { task: { bindingId: string } }, attempt: number) => void) {
  await rig.uploadOrg(org);
  const h = await rig.loadHandlers();
  const attempts = new Map<string, number>();
  return executeLocally(
    definition,
    {
      plan: h.plan,
      collect: async (input) => {
        const i = input as { task: { bindingId: string } };
        const n = (attempts.get(i.task.bindingId) ?? 0) + 1;
        attempts.set(i.task.bindingId, n);
        collectFault?.(i, n);
        return h.collect(input);
      },
      score: h.score,
      scorePod: h['score-pod'],
      scoreRollups: h['score-rollups'],
    },
    { asOf },
    { retryIntervalMs: 0 },
  );
}

beforeAll(async () => {
  const template = synthesiseTemplate();
  definition = template.stateMachineDefinition();
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR });
  baseOrg = smallOrg(await loadDemoOrg(), sandboxes.urls);
  rig = await startCloudRig(template);
}, 240_000);

afterAll(async () => {
  await rig?.close();
  await sandboxes?.close();
});

describe('the synthesised state machine, executed', () => {
  it('takes the Map concurrency from the plan (MaxConcurrencyPath), not from a deploy-time constant', () => {
    const map = mapState(definition);
    expect(map.MaxConcurrencyPath).toBe('$.maxConcurrency');
    expect(map.MaxConcurrency).toBeUndefined();
    expect(map.ItemSelector).toEqual({ 'runId.$': '$.runId', 'asOf.$': '$.asOf', 'task.$': '$$.Map.Item.Value' });
    expect(map.ToleratedFailurePercentage).toBe(50);
  });

  it('stores the same snapshots as `radar run` (the shared pipeline) for the same as-of', async () => {
    const run = await execute(withConcurrency(3), AS_OF);
    expect(run.status, run.error).toBe('succeeded');
    expect(run.scored).toBe(true);
    const fromStateMachine = await rig.local.stores.snapshots.loadAllAt(AS_OF);
    expect(fromStateMachine.length).toBeGreaterThan(0);

    // `radar run --config org.yaml --as-of …`: the same org YAML, its own fresh stores, the CLI's pipeline.
    const cliStores = await startLocalStores();
    const pipeline = await openLocalPipeline({
      configFile: writeOrgFile(withConcurrency(3)),
      env: { ...cliStores.env, ...DEMO_CREDENTIALS },
      logger: silentLogger,
      sources: defaultSources(),
    });
    try {
      await runScheduled(pipeline.deps, { asOf: AS_OF });
      const fromCli = await cliStores.stores.snapshots.loadAllAt(AS_OF);
      expect(fromStateMachine).toEqual(fromCli);
      // The CLI writes the same top-level prefixes the IAM test finds the collect role allowed to write.
      const written = new Set((await cliStores.stores.objects.listKeys('')).map((k) => k.split('/')[0]));
      expect([...written].sort()).toEqual(['normalised', 'raw', 'runs']);
    } finally {
      await pipeline.close();
      await cliStores.close();
    }
  });

  it('runs as many collect items at once as the org YAML settings.maxConcurrency says', async () => {
    const bindings = listBindings(baseOrg).length;
    expect(bindings).toBeGreaterThan(5);
    const two = await execute(withConcurrency(2), '2026-11-24T00:00:00.000Z');
    const five = await execute(withConcurrency(5), '2026-11-25T00:00:00.000Z');
    expect([two.status, five.status]).toEqual(['succeeded', 'succeeded']);
    expect(two.peakConcurrency).toBe(2);
    expect(five.peakConcurrency).toBe(5);
  });

  it('retries a throttled collect item (Lambda.TooManyRequestsException) and completes the run', async () => {
    let throttled = '';
    const run = await execute(withConcurrency(3), '2026-11-26T00:00:00.000Z', (input, attempt) => {
      if (throttled === '' || throttled === input.task.bindingId) {
        throttled = input.task.bindingId;
        if (attempt === 1) {
          const e = new Error('Rate exceeded');
          e.name = 'Lambda.TooManyRequestsException';
          throw e;
        }
      }
    });
    expect(run.status, run.error).toBe('succeeded');
    expect(run.invocations).toBe(listBindings(baseOrg).length + 1);
    expect(run.failedItems).toEqual([]);
    const record = await rig.local.stores.runs.loadRun('run-2026-11-26T00:00:00.000Z');
    expect(record?.bindings.every((b) => b.status === 'ok')).toBe(true);
  });

  it('still scores when a third of the collect items crash, within ToleratedFailurePercentage', async () => {
    const ids = listBindings(baseOrg).map((b) => b.id).sort();
    const crashing = new Set(ids.filter((_, i) => i % 3 === 0));
    const run = await execute(withConcurrency(3), '2026-11-27T00:00:00.000Z', (input) => {
      if (crashing.has(input.task.bindingId)) throw new Error('Runtime.ExitError');
    });
    expect(run.status, run.error).toBe('succeeded');
    expect(run.failedItems).toEqual([...crashing].sort());
    expect(run.scored).toBe(true);
    const record = await rig.local.stores.runs.loadRun('run-2026-11-27T00:00:00.000Z');
    expect(record?.status).toBe('completed');
    const missing = record?.bindings.filter((b) => b.errorClass === 'MissingOutcomeError').map((b) => b.bindingId).sort();
    expect(missing).toEqual([...crashing].sort());
    expect((await rig.local.stores.snapshots.loadAllAt('2026-11-27T00:00:00.000Z')).length).toBeGreaterThan(0);
  });

  it('fails the run before scoring when more items crash than ToleratedFailurePercentage allows', async () => {
    const ids = listBindings(baseOrg).map((b) => b.id).sort();
    const crashing = new Set(ids.filter((_, i) => i % 3 !== 0));
    const run = await execute(withConcurrency(3), '2026-11-28T00:00:00.000Z', (input) => {
      if (crashing.has(input.task.bindingId)) throw new Error('Runtime.ExitError');
    });
    expect(run.status).toBe('failed');
    expect(run.error).toBe('States.ExceedToleratedFailureThreshold');
    expect(run.scored).toBe(false);
    expect(await rig.local.stores.snapshots.listAsOfs()).not.toContain('2026-11-28T00:00:00.000Z');
  });
});
