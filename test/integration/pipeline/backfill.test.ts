import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../../shared/org/index.js';
import { backfill } from '../../../shared/pipeline/index.js';
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
});
