import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../shared/sources/contract.js';
import { evidenceLabel } from '../../../shared/signals/helpers.js';

const activity = (kind: Activity['kind'], id: string, at: string, attrs: Activity['attrs']): Activity => ({
  id, source: 'github', kind, unit: 'pod:recsys', bindingId: 'pod:recsys/github', at, actor: 'hash-of-a-person', url: 'https://github.com/x', attrs, rawRef: { key: 'k', index: 0 },
});

describe('evidence labels', () => {
  it('tells apart deployments of one repo to one environment by their id and day, and shows no person', () => {
    const a = activity('deployment', 'github:deployment:acme/recsys/4000064', '2026-11-14T14:05:17.000Z', { repo: 'acme/recsys', environment: 'production' });
    const b = activity('deployment', 'github:deployment:acme/recsys/4000071', '2026-11-16T09:00:00.000Z', { repo: 'acme/recsys', environment: 'production' });
    expect(evidenceLabel(a)).toBe('acme/recsys → production #4000064, 2026-11-14');
    expect(evidenceLabel(b)).not.toBe(evidenceLabel(a));
    expect(evidenceLabel(a)).not.toContain('hash-of-a-person');
  });

  it('tells apart runs of one workflow by their id and day', () => {
    const a = activity('workflow-run', 'github:run:acme/recsys/900001', '2026-11-14T14:05:17.000Z', { repo: 'acme/recsys', workflow: 'ci' });
    const b = activity('workflow-run', 'github:run:acme/recsys/900002', '2026-11-14T15:00:00.000Z', { repo: 'acme/recsys', workflow: 'ci' });
    expect(evidenceLabel(a)).toBe('acme/recsys ci #900001, 2026-11-14');
    expect(evidenceLabel(b)).not.toBe(evidenceLabel(a));
  });

  it('names a Copilot day by its team and day', () => {
    const a = { ...activity('copilot-day', 'copilot:day:pod:recsys:2026-11-14', '2026-11-14T12:00:00.000Z', { team: 'recsys', day: '2026-11-14' }), source: 'copilot' as const, actor: null };
    expect(evidenceLabel(a)).toBe('Copilot recsys 2026-11-14');
  });

  it('names a commit by repo and short sha and a release by repo and tag', () => {
    expect(evidenceLabel(activity('commit', 'github:commit:acme/recsys@0123456789abcdef', '2026-11-14T12:00:00.000Z', { repo: 'acme/recsys' }))).toBe('acme/recsys@0123456');
    expect(evidenceLabel(activity('release', 'github:release:acme/recsys/77', '2026-11-14T12:00:00.000Z', { repo: 'acme/recsys', tag: 'v1.4.0', prerelease: false }))).toBe('acme/recsys v1.4.0');
  });
});
