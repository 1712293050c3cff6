import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../../shared/org/index.js';
import { runScheduled } from '../../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../../shared/sandbox/index.js';
import type { UnitScorecard } from '../../../shared/scoring/index.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import { pipelineDeps } from './helpers.js';

// The scoring laws on the demo organisation, end to end: the sandboxes, real connectors, scoring and storage.
// Each variant of the config runs once at the same as-of into fresh stores (a fresh data directory).

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const AS_OF = ANCHOR.toISOString();
let sandboxes: RunningSandboxes;
let demo: OrgConfig;
let baseline: Map<string, UnitScorecard>;
/** Bindings that failed in the last scoreDemo run (a comparison of two configs needs both complete). */
let lastFailed: string[] = [];
let baselineFailed: string[] = [];

function pointed(org: OrgConfig): OrgConfig {
  const s = org.sources;
  const urls = sandboxes.urls;
  return {
    ...org,
    sources: {
      ...s,
      ...(s.jira ? { jira: { ...s.jira, baseUrl: urls.jira } } : {}),
      ...(s.github ? { github: { ...s.github, baseUrl: urls.github } } : {}),
      ...(s.mlflow ? { mlflow: { ...s.mlflow, baseUrl: urls.mlflow } } : {}),
    },
  };
}

async function scoreDemo(org: OrgConfig): Promise<Map<string, UnitScorecard>> {
  const local = await startLocalStores();
  try {
    const { run } = await runScheduled(pipelineDeps(org, local.stores, { ...DEMO_CREDENTIALS }), { asOf: AS_OF });
    lastFailed = run.bindings.filter((b) => b.status !== 'ok').map((b) => `${b.bindingId}: ${b.errorClass ?? ''} ${b.message ?? ''}`);
    const cards = await local.stores.snapshots.loadAllAt(AS_OF);
    return new Map(cards.map((c) => [c.unit, c]));
  } finally {
    await local.close();
  }
}

const ev = (c: UnitScorecard | undefined): number => c?.evidenceScore ?? c?.score ?? 0;
function notHigher(before: Map<string, UnitScorecard>, after: Map<string, UnitScorecard>, units: string[]): string[] {
  const out: string[] = [];
  for (const u of units) {
    const b = before.get(u);
    const a = after.get(u);
    if (ev(a) > ev(b) + 1e-9) out.push(`${u} evidence ${ev(b)} → ${ev(a)}`);
    if (a?.status === 'scored' && (b?.status !== 'scored' || (a.level ?? 0) > (b.level ?? 0) || (a.score ?? 0) > (b.score ?? 0))) {
      out.push(`${u} ${b?.score ?? 'none'} L${b?.level ?? '-'} → ${a.score} L${a.level}`);
    }
  }
  return out;
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR });
  demo = pointed(await loadDemoOrg());
  baseline = await scoreDemo(demo);
  baselineFailed = lastFailed;
}, 600_000);
afterAll(async () => {
  await sandboxes.close();
});

describe('scoring laws on the demo organisation', () => {
  it('never gives a pod, its domain or the organisation more for removing the pod’s MLflow binding', async () => {
    const org = structuredClone(demo);
    const domain = org.domains[0]!;
    const pod = domain.pods.find((p) => p.sources.mlflow !== undefined)!;
    delete pod.sources.mlflow;
    const after = await scoreDemo(org);
    expect(notHigher(baseline, after, [`pod:${pod.id}`, `domain:${domain.id}`, 'org'])).toEqual([]);
  }, 300_000);

  it('never gives a pod, its domain or the organisation more when its GitHub binding points at a missing repository', async () => {
    const org = structuredClone(demo);
    const domain = org.domains[1]!;
    const pod = domain.pods[0]!;
    pod.sources.github = { ...pod.sources.github!, repos: ['acme/does-not-exist'] };
    const after = await scoreDemo(org);
    expect(notHigher(baseline, after, [`pod:${pod.id}`, `domain:${domain.id}`, 'org'])).toEqual([]);
  }, 300_000);

  it('gives identical scores for every unit when the order of domains and pods is reversed', async () => {
    const org = structuredClone(demo);
    org.domains = org.domains.reverse().map((d) => ({ ...d, pods: d.pods.reverse() }));
    const after = await scoreDemo(org);
    expect(baselineFailed).toEqual([]);
    expect(lastFailed).toEqual([]);
    for (const [unit, card] of baseline) {
      const other = after.get(unit);
      expect({ unit, score: other?.score, level: other?.level, evidence: other?.evidenceScore }).toEqual({ unit, score: card.score, level: card.level, evidence: card.evidenceScore });
    }
  }, 300_000);

  it('makes every dimension scoring 90 or more level 5 and keeps every share signal within [0, 1]', () => {
    const problems: string[] = [];
    for (const card of baseline.values()) {
      for (const d of card.dimensions) {
        if (d.score !== undefined && d.score >= 90 && d.level !== 5) problems.push(`${card.unit} ${d.dimensionId} ${d.score} L${d.level}`);
        for (const s of d.signals) {
          const share = s.unit === 'ratio' || s.unit.startsWith('share of');
          if (share && s.value !== undefined && (s.value < 0 || s.value > 1)) problems.push(`${card.unit} ${s.signalId} ${s.value}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('ranks non-empty top moves for pod:recsys by expected gain, every gain above 0', () => {
    const moves = baseline.get('pod:recsys')?.topMoves ?? [];
    expect(moves.length).toBeGreaterThan(0);
    for (let i = 1; i < moves.length; i++) expect(moves[i - 1]!.expectedGain).toBeGreaterThanOrEqual(moves[i]!.expectedGain);
    expect(moves.every((m) => m.expectedGain > 0)).toBe(true);
  });
});
