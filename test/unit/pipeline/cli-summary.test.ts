import { describe, expect, it } from 'vitest';
import { parseEvery } from '../../../shared/cli/commands/backfill.js';
import { formatRunSummary, progressReporter } from '../../../shared/cli/progress.js';
import type { BindingOutcome, RunRecord } from '../../../shared/storage/ports.js';

const outcome = (bindingId: string, source: string, status: 'ok' | 'failed', requests: number): BindingOutcome => ({
  bindingId, unit: bindingId.split('/')[0] ?? '', source, status, items: 3, requests, pages: 1, durationMs: 10, notes: [],
  ...(status === 'failed' ? { errorClass: 'SourceHttpError', errorCode: 'HTTP_500', message: 'server error (/repos/acme/x/pulls)' } : {}),
});

const run: RunRecord = {
  runId: 'run-2026-11-23T00:00:00.000Z', asOf: '2026-11-23T00:00:00.000Z', kind: 'scheduled', status: 'completed',
  startedAt: '2026-11-23T01:00:00.000Z', rubric: { id: 'radar-default', version: '2026-11' }, unitsScored: 26, requests: 17,
  bindings: [outcome('pod:a/github', 'github', 'ok', 10), outcome('pod:b/github', 'github', 'failed', 2), outcome('pod:a/jira', 'jira', 'ok', 5)],
};

describe('the run summary', () => {
  it('shows units scored, bindings ok and failed per source and requests made', () => {
    const text = formatRunSummary(run);
    expect(text).toContain('26 units scored');
    expect(text).toMatch(/github\s+1\s+1\s+12/);
    expect(text).toMatch(/jira\s+1\s+0\s+5/);
    expect(text).toMatch(/total\s+2\s+1\s+17/);
    expect(text).toContain('pod:b/github: SourceHttpError (HTTP_500)');
  });

  it('counts bindings done, failures and requests in progress lines', () => {
    const lines: string[] = [];
    let now = 0;
    const p = progressReporter((t) => lines.push(t), () => (now += 500));
    p.onBindingDone?.(outcome('pod:a/github', 'github', 'ok', 10), 1, 2);
    p.onBindingDone?.(outcome('pod:b/github', 'github', 'failed', 2), 2, 2);
    expect(lines.at(-1)).toMatch(/^bindings 2\/2 · failed 1 · requests 12 · /);
  });
});

describe('parseEvery', () => {
  it('reads `7d` and `14` as days and rejects anything else', () => {
    expect(parseEvery('7d')).toBe(7);
    expect(parseEvery('14')).toBe(14);
    expect(() => parseEvery('1w')).toThrow(/days/);
    expect(() => parseEvery('0d')).toThrow(/days/);
  });
});
