import type { UnitScorecard } from '../../../shared/scoring/types.js';
import type { Activity } from '../../../shared/sources/contract.js';
import type { RunRecord } from '../../../shared/storage/index.js';

// Small builders for stored shapes. `padBytes` grows a card (through a dimension's motivation text) to test
// DynamoDB's 1 MB query pages and the 350 KB gzip threshold.

export function makeCard(unit: string, asOf: string, opts: { score?: number; padBytes?: number } = {}): UnitScorecard {
  const [kind, id] = unit.includes(':') ? (unit.split(':') as [UnitScorecard['kind'], string]) : [unit as UnitScorecard['kind'], unit];
  return {
    unit,
    kind,
    id,
    name: `Unit ${id}`,
    parent: kind === 'pod' ? 'domain:core' : null,
    asOf,
    rubric: { id: 'default', version: '2026-01' },
    status: 'scored',
    score: opts.score ?? 50,
    level: 3,
    dimensions: [
      {
        dimensionId: 'delivery',
        name: 'Delivery',
        status: 'scored',
        level: 3,
        score: opts.score ?? 50,
        combine: 'mean',
        principles: ['rapid-learning-cycles'],
        signals: [],
        nextSteps: ['merge smaller pull requests'],
        motivation: 'x'.repeat(opts.padBytes ?? 10),
        remediation: 'ship weekly',
      },
    ],
    sources: [{ source: 'github', bindingId: `${unit}/github`, status: 'ok' }],
  };
}

export function makeActivity(n: number, bindingId = 'pod:recsys/github'): Activity {
  return {
    id: `github:pr:acme/reco#${String(n).padStart(4, '0')}`,
    source: 'github',
    kind: 'pull-request',
    unit: 'pod:recsys',
    bindingId,
    at: new Date(Date.UTC(2026, 0, 1) + n * 3_600_000).toISOString(),
    actor: `a:${n.toString(16).padStart(16, '0')}`,
    url: `https://github.example/acme/reco/pull/${n}`,
    attrs: { repo: 'acme/reco', number: n, state: 'closed', draft: false, labels: ['x', 'y'] },
    rawRef: { key: 'raw/github/pod.recsys.github/run-1/000000.json.gz', index: n },
  };
}

export function makeRun(runId: string, startedAt: string, status: RunRecord['status'] = 'completed'): RunRecord {
  return {
    runId,
    asOf: startedAt.slice(0, 10),
    kind: 'scheduled',
    status,
    startedAt,
    ...(status === 'running' ? {} : { finishedAt: startedAt }),
    rubric: { id: 'default', version: '2026-01' },
    bindings: [
      { bindingId: 'pod:recsys/github', unit: 'pod:recsys', source: 'github', status: 'ok', items: 3, requests: 2, pages: 1, durationMs: 5, notes: [] },
    ],
    unitsScored: 1,
    requests: 2,
  };
}
