import { describe, expect, it } from 'vitest';
import { dynamoItemBytes, scoringFigures } from '../../bench/capacity.js';
import { LIMITS, PRICES, memoryNeededMb, modelCapacity, modelSize, orgAt, renderCapacityMarkdown, replaceMarkedRegion } from '../../bench/lib/capacity-model.js';
import type { CapacityInputs } from '../../bench/lib/capacity-model.js';
import { renderCapacityRegion } from '../../bench/lib/capacity-readme.js';

// The capacity model's arithmetic on hand-made inputs: linear scaling, the limit that binds first, and cost sums.

function inputs(over: Partial<CapacityInputs> = {}): CapacityInputs {
  const calls = { s3Puts: 2, s3Gets: 3, dynamoWrites: 1, dynamoReads: 2 };
  return {
    sample: { repos: 100, bindings: { github: 10, jira: 10, mlflow: 10 } },
    requestsPerBinding: { full: { github: 30, jira: 4, mlflow: 5 }, incremental: { github: 10, jira: 1, mlflow: 2 } },
    // 1 REST point per repo on a reconcile day, nothing daily (304s are free).
    githubPoints: { full: { rest: 100, graphql: 50 }, incremental: { rest: 0, graphql: 0 } },
    jiraObjectsPerBindingDaily: 0,
    collectSeconds: { full: 0.01, incremental: 0.001 },
    plan: { secondsPerBinding: 0, bytesPerTask: 1 },
    scoring: { msPerPod: 1, baseRssMb: 2000, rssPerPodMb: 1, fanOut: null },
    storage: {
      rawFullBytesPerBinding: { github: 7000, jira: 700, mlflow: 70 },
      rawIncrementalBytesPerBinding: { github: 10, jira: 0, mlflow: 0 },
      normalisedBytesPerBinding: { github: 3500, jira: 350, mlflow: 35 },
      activityDays: 70,
      snapshotItemsPerUnit: 1,
      snapshotItemBytes: 2048,
      summary: null,
      otherItemsPerBinding: 1,
      otherItemBytes: 100,
    },
    calls: { daily: calls, full: { ...calls, s3Puts: 20 } },
    settings: { reposPerPod: 5, maxConcurrency: 8, reconcileEveryDays: 7, runWindowHours: 6, rawRetentionDays: 90, memoryMb: { plan: 512, collect: 1024, score: 2048 } },
    ...over,
  };
}

describe('capacity model', () => {
  it('shapes the organisation like the bench org: units, bindings per source and repos from the pod count', () => {
    expect(orgAt(10, 5)).toEqual({ pods: 10, repos: 50, units: 19, bindings: { jira: 19, github: 18, mlflow: 13 } });
  });

  it('scales GitHub requests with repos and Jira requests with bindings, linearly', () => {
    const a = modelSize(inputs(), 200);
    // 10 requests per binding × 10 bindings over 100 repos = 1 request per repo; 200 pods × 5 repos.
    expect(a.requests.daily.github).toBeCloseTo(1000, 9);
    expect(a.requests.reconcileDay.github).toBeCloseTo(3000, 9);
    expect(a.requests.daily.jira).toBe(orgAt(200, 5).bindings.jira);
    const b = modelSize(inputs(), 400);
    expect(b.requests.daily.github / a.requests.daily.github).toBeCloseTo(2, 9);
    expect(b.points.githubRest.reconcileDay / a.points.githubRest.reconcileDay).toBeCloseTo(2, 9);
  });

  it('switches the binding limit from Score memory to GitHub REST points at the size the arithmetic predicts', () => {
    // Memory headroom 10,240 ÷ (2,000 + p) falls below GitHub's 30,000 ÷ 5p once p > 12,000,000 ÷ 4,240 ≈ 2,830.2.
    expect(modelSize(inputs(), 2830).binding.id).toBe('score-memory');
    expect(modelSize(inputs(), 2831).binding.id).toBe('github-rest');
    const big = modelSize(inputs(), 5000).binding;
    expect(big.id).toBe('github-rest');
    expect(big.headroom).toBeCloseTo(30_000 / 25_000, 9);
  });

  it('reports a limit exceeded (headroom below 1) when one Score task needs more than 10 GB', () => {
    const row = modelSize(inputs({ githubPoints: { full: { rest: 0, graphql: 0 }, incremental: { rest: 0, graphql: 0 } } }), 9000);
    expect(row.binding.id).toBe('score-memory');
    expect(row.binding.used).toBe(11_000);
    expect(row.binding.headroom).toBeCloseTo(LIMITS.lambdaMaxMemoryMb / 11_000, 9);
    expect(row.binding.headroom).toBeLessThan(1);
  });

  it('sizes Score memory by the pods of one fan-out item above the threshold, and adds its Map transitions', () => {
    const fan = inputs({ scoring: { msPerPod: 1, baseRssMb: 2000, rssPerPodMb: 1, fanOut: { podsPerItem: 100, abovePods: 500 } } });
    const below = modelSize(fan, 500);
    expect(below.lambda.scoreItems).toBe(0);
    expect(below.lambda.score.memoryMb).toBe(memoryNeededMb(2500));
    const above = modelSize(fan, 5000);
    expect(above.lambda.scoreItems).toBe(50);
    expect(above.lambda.score.memoryMb).toBe(memoryNeededMb(2100));
    expect(above.stepFunctionsTransitions.daily).toBe(5 + 2 * above.bindings + 2 * 50);
    expect(below.stepFunctionsTransitions.daily).toBe(3 + 2 * below.bindings);
  });

  it('rounds the memory a function needs up to 64 MB steps, never below 128 MB', () => {
    expect(memoryNeededMb(10)).toBe(128);
    expect(memoryNeededMb(129)).toBe(192);
    expect(memoryNeededMb(2048)).toBe(2048);
  });

  it('sums the monthly cost from its parts, with Lambda and Step Functions priced per run day', () => {
    const row = modelSize(inputs(), 200);
    const parts = Object.values(row.cost.monthBreakdown).reduce((n, v) => n + v, 0);
    expect(row.cost.monthUsd).toBeCloseTo(parts, 12);
    expect(row.cost.monthBreakdown.stepFunctions).toBeCloseTo((30 * row.stepFunctionsTransitions.daily * PRICES.stepFunctionsPerThousandTransitions) / 1000, 12);
    const invocations = row.lambda.plan.invocations + row.lambda.collect.invocations + row.lambda.score.invocations;
    const dailyGbs = row.lambda.plan.gbSeconds + row.lambda.collect.gbSeconds + row.lambda.score.gbSeconds;
    const lambdaMonth = 30 * ((6 / 7) * dailyGbs + (1 / 7) * row.lambda.reconcileDayGbSeconds) * PRICES.lambdaArmPerGbSecond + 30 * (invocations / 1e6) * PRICES.lambdaPerMillionRequests;
    expect(row.cost.monthBreakdown.lambda).toBeCloseTo(lambdaMonth, 12);
    expect(row.cost.reconcileDayUsd).toBeGreaterThan(row.cost.dailyRunUsd);
  });

  it('accumulates raw bytes within their retention and normalised bytes over the whole year', () => {
    const row = modelSize(inputs(), 10);
    const b = orgAt(10, 5).bindings;
    const rawPerDay = (7000 * b.github + 700 * b.jira + 70 * b.mlflow) / 70 + 10 * b.github + (7000 * b.github) / 7;
    const normPerDay = (3500 * b.github + 350 * b.jira + 35 * b.mlflow) / 70;
    expect(row.storage.rawBytesPerDay).toBeCloseTo(rawPerDay, 9);
    expect(row.storage.normalisedBytesPerDay).toBeCloseTo(normPerDay, 9);
    expect(row.storage.s3BytesAfterYear).toBeCloseTo(rawPerDay * 90 + normPerDay * 365, 6);
  });

  it('checks the summary state limit (4 items of 350 KB) only when summary items were measured, growing with pods', () => {
    expect(modelSize(inputs(), 5000).limits.some((l) => l.id === 'summary-item')).toBe(false);
    const withSummary = inputs({ storage: { ...inputs().storage, summary: { items: 3, baseBytes: 0, bytesPerPod: 400 } } });
    const row = modelSize(withSummary, 5000);
    expect(row.storage.summaryItemBytes).toBe(2_000_000);
    expect(row.binding.id).toBe('summary-item');
    expect(row.binding.headroom).toBeCloseTo((4 * 350 * 1024) / 2_000_000, 9);
  });

  it('renders one Markdown row per size naming the binding limit', () => {
    const md = renderCapacityMarkdown(modelCapacity(inputs(), [10, 5000]));
    const rows = md.split('\n').slice(2);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\| 10 \(50, 50\)/);
    expect(rows[1]).toContain('GitHub REST points');
  });

  it('replaces only the text between the markers and refuses a file without them', () => {
    const text = 'a\n<!-- s -->\nold\n<!-- e -->\nb';
    expect(replaceMarkedRegion(text, '<!-- s -->', '<!-- e -->', 'new')).toBe('a\n<!-- s -->\nnew\n<!-- e -->\nb');
    expect(() => replaceMarkedRegion('no markers', '<!-- s -->', '<!-- e -->', 'x')).toThrow(/not found/);
  });

  it('sizes a DynamoDB item by attribute names plus values, maps and lists with their overhead', () => {
    expect(dynamoItemBytes({ PK: { S: 'UNIT#a' } })).toBe(8);
    expect(dynamoItemBytes({ n: { N: '1234' } })).toBe(1 + 3);
    expect(dynamoItemBytes({ m: { M: { ab: { S: 'xyz' } } } })).toBe(1 + 3 + 1 + 2 + 3);
    expect(dynamoItemBytes({ l: { L: [{ BOOL: true }, { NULL: true }] } })).toBe(1 + 3 + 2 + 2);
  });
});

describe('capacity inputs from the scoring section', () => {
  const mb = 2 ** 20;

  it('fits peak RSS as a base plus a slope per pod over the measured sizes, and takes time per pod from the largest', () => {
    const detail = { sizes: [
      { pods: 100, parseMs: 50, scoreMs: 50, peakRss: 500 * mb },
      { pods: 500, parseMs: 300, scoreMs: 200, peakRss: 1700 * mb },
      { pods: 1000, parseMs: 1500, scoreMs: 500, peakRss: 3200 * mb },
    ] };
    const { value, fallback } = scoringFigures(detail, { seconds: 9, units: 1 });
    expect(value.rssPerPodMb).toBeCloseTo(3, 9);
    expect(value.baseRssMb).toBeCloseTo(200, 9);
    expect(value.msPerPod).toBeCloseTo(2, 9);
    expect(value.fanOut).toBeNull();
    expect(fallback).toMatch(/one Score task/);
  });

  it('reads the fan-out setting when the scoring section reports one', () => {
    const detail = { sizes: [{ pods: 10, parseMs: 1, scoreMs: 1, baseRss: 100 * mb, peakRss: 120 * mb }], fanOut: { podsPerItem: 50, abovePods: 500 } };
    const { value, fallback } = scoringFigures(detail, { seconds: 9, units: 1 });
    expect(value.fanOut).toEqual({ podsPerItem: 50, abovePods: 500 });
    expect(value.rssPerPodMb).toBeCloseTo(2, 9);
    expect(fallback).toBeNull();
  });

  it('falls back to the sync score step and says so when the scoring section is absent', () => {
    const { value, fallback } = scoringFigures(undefined, { seconds: 3, units: 60 });
    expect(value.msPerPod).toBeCloseTo(50, 9);
    expect(value.rssPerPodMb).toBe(0);
    expect(fallback).toMatch(/scoring section absent/);
  });
});

describe('README capacity region', () => {
  it('names each size’s binding limit with the other exceeded limits, or the next closest one', () => {
    const i = inputs();
    const region = renderCapacityRegion(i, modelCapacity(i, [10, 9000]), { generatedAt: '2026-12-01T00:00:00Z', fallbacks: ['x absent'] });
    expect(region).toMatch(/^- 10 pods: Score Lambda memory \(one task\): [^\n]*; next: GitHub REST points/m);
    expect(region).toMatch(/^- 9,000 pods: GitHub REST points[^\n]*\(exceeded\); also exceeded: Score Lambda memory/m);
    expect(region).toContain('Fallbacks in this run: x absent.');
  });
});
