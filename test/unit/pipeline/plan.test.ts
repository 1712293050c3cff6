import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listBindings, orgConfigSchema } from '../../../shared/org/index.js';
import { backfillSteps, normaliseAsOf, parseCollectEvent, planRun, scheduledRunId } from '../../../shared/pipeline/index.js';

const org = orgConfigSchema.parse(parse(readFileSync(new URL('../../../shared/sandbox/demo-org.yaml', import.meta.url), 'utf8')));

describe('planRun', () => {
  it('plans one task per unit × source binding of the org, in binding order', () => {
    const plan = planRun(org, '2026-11-23');
    expect(plan.tasks.map((t) => t.bindingId)).toEqual(listBindings(org).map((b) => b.id));
    expect(plan.tasks).toHaveLength(67); // 65 unit × source bindings, org/mlflow and org/copilot
    expect(plan.tasks[0]).toEqual({ bindingId: 'pod:recsys/jira', unit: 'pod:recsys', source: 'jira' });
  });

  it('derives the run id from the as-of alone so a rerun of the same as-of is the same run', () => {
    expect(planRun(org, '2026-11-23').runId).toBe(planRun(org, '2026-11-23T00:00:00Z').runId);
    expect(scheduledRunId('2026-11-23')).toBe('run-2026-11-23T00:00:00.000Z');
  });

  it('rejects an as-of that is not an ISO date', () => {
    expect(() => normaliseAsOf('next tuesday')).toThrow(/not an ISO-8601/);
    expect(() => normaliseAsOf('2026-13-45')).toThrow(/not an ISO-8601/);
  });
});

describe('parseCollectEvent', () => {
  it('reads a flat Distributed Map item', () => {
    const e = parseCollectEvent({ runId: 'run-x', asOf: '2026-11-23T00:00:00Z', bindingId: 'pod:recsys/github', unit: 'pod:recsys', source: 'github' });
    expect(e).toEqual({ runId: 'run-x', asOf: '2026-11-23T00:00:00.000Z', task: { bindingId: 'pod:recsys/github', unit: 'pod:recsys', source: 'github' } });
  });

  it('reads an item whose task is nested', () => {
    const e = parseCollectEvent({ runId: 'run-x', asOf: '2026-11-23', task: { bindingId: 'lab:genai/jira', unit: 'lab:genai', source: 'jira' } });
    expect(e.task.bindingId).toBe('lab:genai/jira');
  });

  it('names the missing field of a malformed item', () => {
    expect(() => parseCollectEvent({ runId: 'run-x', bindingId: 'a/b', unit: 'pod:a', source: 'github' })).toThrow(/collect event/);
    expect(() => parseCollectEvent({ runId: 'run-x', asOf: '2026-11-23', bindingId: 'a/b', unit: 'pod:a', source: 'gitlab' })).toThrow(/collect event/);
  });
});

describe('backfillSteps', () => {
  it('steps back from `to` every N days and lists the as-ofs oldest first', () => {
    expect(backfillSteps('2026-11-01', '2026-11-23', 7)).toEqual([
      '2026-11-02T00:00:00.000Z',
      '2026-11-09T00:00:00.000Z',
      '2026-11-16T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
  });

  it('gives 26 weekly steps for a 25-week range', () => {
    expect(backfillSteps('2026-06-01', '2026-11-23', 7)).toHaveLength(26);
  });

  it('refuses a range whose start is after its end', () => {
    expect(() => backfillSteps('2026-12-01', '2026-11-23', 7)).toThrow(/from is after to/);
  });
});
