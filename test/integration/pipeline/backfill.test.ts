import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../../shared/org/index.js';
import { backfill, defaultScorer, rescoreHistory } from '../../../shared/pipeline/index.js';
import { builtInRubrics } from '../../../shared/rubric/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../../shared/sandbox/index.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import type { LocalStores } from '../../helpers/local-servers.js';
import { pipelineDeps, smallOrg, storedState } from './helpers.js';

// Backfill: one collection, then one snapshot per step scored from the stored history.

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const FROM = '2026-11-09';
const TO = ANCHOR.toISOString();

let sandboxes: RunningSandboxes;
let local: LocalStores;
let org: OrgConfig;

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR });
  org = smallOrg(await loadDemoOrg(), sandboxes.urls);
  local = await startLocalStores();
});
afterAll(async () => {
  await local.close();
  await sandboxes.close();
});

describe('backfill', () => {
  it('writes one complete snapshot per step and records a backfill run', async () => {
    const result = await backfill(pipelineDeps(org, local.stores, { ...DEMO_CREDENTIALS }), { from: FROM, to: TO, everyDays: 7 });
    expect(result.scored).toEqual(['2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z']);
    expect(await local.stores.snapshots.listAsOfs()).toEqual(result.scored);
    expect(result.run?.kind).toBe('backfill');
    expect(result.run?.status).toBe('completed');
    expect(result.run?.bindings.every((b) => b.status === 'ok')).toBe(true);
  });

  it('scores earlier steps from less history than later ones', async () => {
    const early = await local.stores.snapshots.loadScorecard('pod:recsys', '2026-11-09T00:00:00.000Z');
    const late = await local.stores.snapshots.loadScorecard('pod:recsys', TO);
    expect(early?.asOf).toBe('2026-11-09T00:00:00.000Z');
    expect(JSON.stringify(early?.dimensions)).not.toBe(JSON.stringify(late?.dimensions));
  });

  it('rewrites identical snapshots when rerun, and skips existing steps when asked', async () => {
    const before = await Promise.all(['2026-11-09T00:00:00.000Z', TO].map((a) => storedState(local.stores, org, a)));
    const deps = pipelineDeps(org, local.stores, { ...DEMO_CREDENTIALS });
    await backfill(deps, { from: FROM, to: TO, everyDays: 7 });
    const after = await Promise.all(['2026-11-09T00:00:00.000Z', TO].map((a) => storedState(local.stores, org, a)));
    expect(after).toEqual(before);
    const skipped = await backfill(deps, { from: FROM, to: TO, everyDays: 7, skipExisting: true });
    expect(skipped).toEqual({ run: null, scored: [], skipped: ['2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'] });
  });

  it('re-scores stored history under the current rubric with --rescore, without collecting', async () => {
    // History scored under rubric 2026-11 (as snapshots written before the change were) …
    const old = { ...pipelineDeps(org, local.stores, { ...DEMO_CREDENTIALS }), scorer: defaultScorer(builtInRubrics()[0]) };
    await rescoreHistory(old);
    const before = await local.stores.snapshots.loadAllAt(TO);
    expect(new Set(before.map((c) => c.rubric.version))).toEqual(new Set(['2026-11']));
    // … is re-scored under the default (2026-12) so the trend compares like with like; no request is made.
    const result = await rescoreHistory(pipelineDeps(org, local.stores, { ...DEMO_CREDENTIALS }));
    expect(result.scored).toEqual(await local.stores.snapshots.listAsOfs());
    expect(result.run.requests).toBe(0);
    const after = await local.stores.snapshots.loadAllAt(TO);
    expect(new Set(after.map((c) => c.rubric.version))).toEqual(new Set(['2026-12']));
    expect(after.find((c) => c.unit === 'pod:recsys')?.coverage).toBeGreaterThan(0);
  }, 300_000);
});
