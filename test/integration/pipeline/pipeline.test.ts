import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../../shared/org/index.js';
import { planRun, runScheduled, handlePlan, handleCollect, handleScore, schedulerEvent } from '../../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../../shared/sandbox/index.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import type { LocalStores } from '../../helpers/local-servers.js';
import { pipelineDeps, smallOrg, storedState } from './helpers.js';

// The pipeline end to end over real servers: the sandboxes (Jira, GitHub, MLflow simulators) and dynalite +
// s3rver, with the real connectors and scoring engine.

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const AS_OF = ANCHOR.toISOString();
const env = { ...DEMO_CREDENTIALS };

let sandboxes: RunningSandboxes;
let org: OrgConfig;

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR });
  org = smallOrg(await loadDemoOrg(), sandboxes.urls);
});
afterAll(async () => {
  await sandboxes.close();
});

describe('a scheduled run', () => {
  let local: LocalStores;
  beforeAll(async () => {
    local = await startLocalStores();
  });
  afterAll(async () => {
    await local.close();
  });

  it('scores every unit and leaves byte-identical snapshots and normalised data when rerun with the same as-of', async () => {
    const deps = pipelineDeps(org, local.stores, env);
    const first = await runScheduled(deps, { asOf: AS_OF });
    const okSources = new Set(first.run.bindings.filter((b) => b.status === 'ok').map((b) => b.source));
    expect(okSources.has('github')).toBe(true);
    expect(okSources.has('jira')).toBe(true);
    expect(first.run.status).toBe('completed');
    expect(first.run.unitsScored).toBe(4); // two pods, their domain, the organisation
    const before = await storedState(local.stores, org, AS_OF);
    expect(before.normalised.length).toBeGreaterThan(1000);

    const second = await runScheduled(deps, { asOf: AS_OF });
    expect(second.run.runId).toBe(first.run.runId);
    const after = await storedState(local.stores, org, AS_OF);
    expect(after.snapshots).toBe(before.snapshots);
    expect(after.normalised).toBe(before.normalised);
  });

  it('marks a binding whose API answers 500 as failed while every unit is scored and its stored data stays intact', async () => {
    const deps = pipelineDeps(org, local.stores, env);
    const victim = planRun(org, AS_OF).tasks.find((t) => t.source === 'github' && t.unit.startsWith('pod:'));
    if (!victim) throw new Error('no github pod binding in the test org');
    const dataBefore = JSON.stringify(await local.stores.objects.loadActivities(victim.bindingId));
    const cursorBefore = JSON.stringify(await local.stores.cursors.loadCursor(victim.bindingId));
    const previousSnapshot = JSON.stringify(await local.stores.snapshots.loadScorecard(victim.unit, AS_OF));

    sandboxes.faults.add({ api: 'github', path: /.*/, fault: { kind: 'status', status: 500 } });
    try {
      const later = new Date(ANCHOR.getTime() + 86_400_000).toISOString();
      const { run } = await runScheduled(deps, { asOf: later });
      const failed = run.bindings.filter((b) => b.status === 'failed');
      expect(failed.map((b) => b.source)).toContain('github');
      expect(failed.find((b) => b.bindingId === victim.bindingId)?.errorClass).toMatch(/Error$/);
      expect(run.status).toBe('completed');
      expect(run.unitsScored).toBe(4);
      const card = await local.stores.snapshots.loadScorecard(victim.unit, later);
      expect(card?.sources.find((s) => s.bindingId === victim.bindingId)?.status).toBe('failed');
    } finally {
      sandboxes.faults.clear();
    }
    expect(JSON.stringify(await local.stores.objects.loadActivities(victim.bindingId))).toBe(dataBefore);
    expect(JSON.stringify(await local.stores.cursors.loadCursor(victim.bindingId))).toBe(cursorBefore);
    expect(JSON.stringify(await local.stores.snapshots.loadScorecard(victim.unit, AS_OF))).toBe(previousSnapshot);
  });

  it('fails a binding whose pages are malformed without touching its stored activities', async () => {
    const deps = pipelineDeps(org, local.stores, env);
    const jiraBinding = planRun(org, AS_OF).tasks.find((t) => t.source === 'jira');
    if (!jiraBinding) throw new Error('no jira binding');
    const before = JSON.stringify(await local.stores.objects.loadActivities(jiraBinding.bindingId));
    sandboxes.faults.add({ api: 'jira', path: /.*/, fault: { kind: 'malformed-json' } });
    try {
      const outcome = await handleCollect(deps, { runId: 'run-malformed', asOf: AS_OF, ...jiraBinding });
      expect(outcome.status).toBe('failed');
    } finally {
      sandboxes.faults.clear();
    }
    expect(JSON.stringify(await local.stores.objects.loadActivities(jiraBinding.bindingId))).toBe(before);
  });

  it('fails a binding with a reason naming the missing credential variable and not its value', async () => {
    const { RADAR_GITHUB_TOKEN: _t, ...withoutGithub } = env;
    const deps = pipelineDeps(org, local.stores, withoutGithub);
    const task = planRun(org, AS_OF).tasks.find((t) => t.source === 'github');
    if (!task) throw new Error('no github binding');
    const outcome = await handleCollect(deps, { runId: 'run-nocred', asOf: AS_OF, ...task });
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toContain('RADAR_GITHUB_TOKEN');
    for (const value of Object.values(env)) expect(JSON.stringify(outcome)).not.toContain(value);
  });
});

describe('the handler path and the local runner', () => {
  it('produce the same snapshots from separate stores', async () => {
    const a = await startLocalStores();
    const b = await startLocalStores();
    try {
      await runScheduled(pipelineDeps(org, a.stores, env), { asOf: AS_OF });
      // The Step Functions path, step by step: Scheduler event → plan → one Map item per task → score.
      const deps = pipelineDeps(org, b.stores, env);
      const plan = await handlePlan(deps, schedulerEvent(AS_OF));
      for (const task of plan.tasks) await handleCollect(deps, { runId: plan.runId, asOf: plan.asOf, ...task }, { remainingMs: 900_000 });
      const run = await handleScore(deps, { runId: plan.runId, asOf: plan.asOf });
      expect(run.status).toBe('completed');
      const sa = await storedState(a.stores, org, AS_OF);
      const sb = await storedState(b.stores, org, AS_OF);
      expect(sb.snapshots).toBe(sa.snapshots);
      expect(sb.normalised).toBe(sa.normalised);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
