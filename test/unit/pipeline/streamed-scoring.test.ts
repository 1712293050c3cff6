import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listBindings } from '../../../shared/org/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';
import { scoringPlan } from '../../../shared/pipeline/plan.js';
import { scoreStreamed } from '../../../shared/pipeline/score-units.js';
import type { PipelineDeps } from '../../../shared/pipeline/types.js';
import { defaultScorer } from '../../../shared/pipeline/wiring.js';
import { defaultRubric } from '../../../shared/rubric/index.js';
import type { Rubric } from '../../../shared/rubric/index.js';
import { scoreOrganisation, scoringLookbackDays, scoringWindow } from '../../../shared/scoring/index.js';
import type { SourceStatus } from '../../../shared/scoring/types.js';
import type { Activity } from '../../../shared/sources/contract.js';
import type { ActivityWindow, ObjectStore, Stores } from '../../../shared/storage/ports.js';
import { AS_OF, DEMO_WEEK, demoOrg, demoWeekSources } from '../../fixtures/activities/demo-week.js';
import { arbWorld, orgFor } from '../scoring/laws-kit.js';

interface Load {
  bindingId: string;
  window: ActivityWindow | undefined;
}

/** An ObjectStore over activities grouped by binding that honours windows and records every load. */
function memoryObjects(activities: readonly Activity[]): { objects: ObjectStore; loads: Load[] } {
  const byBinding = new Map<string, Activity[]>();
  for (const a of activities) {
    const list = byBinding.get(a.bindingId) ?? [];
    list.push(structuredClone(a));
    byBinding.set(a.bindingId, list);
  }
  const loads: Load[] = [];
  const objects: ObjectStore = {
    putRawPage: () => Promise.reject(new Error('not used')),
    getRawPage: () => Promise.reject(new Error('not used')),
    saveActivities: () => Promise.reject(new Error('not used')),
    updateActivities: () => Promise.reject(new Error('not used')),
    listKeys: () => Promise.resolve([]),
    loadActivities(bindingId, window) {
      loads.push({ bindingId, window });
      const from = window?.from === undefined ? -Infinity : Date.parse(window.from);
      const to = window?.to === undefined ? Infinity : Date.parse(window.to);
      const list = (byBinding.get(bindingId) ?? []).filter((a) => Date.parse(a.at) >= from && Date.parse(a.at) <= to);
      return Promise.resolve(structuredClone(list));
    },
  };
  return { objects, loads };
}

function depsOver(org: OrgConfig, objects: ObjectStore): PipelineDeps {
  return { org, stores: { objects } as unknown as Stores, scorer: defaultScorer() } as unknown as PipelineDeps;
}

async function both(org: OrgConfig, activities: readonly Activity[], sources: SourceStatus[]): Promise<{ whole: string; streamed: string; loads: Load[] }> {
  const live = activities.filter((a) => Date.parse(a.at) <= Date.parse(AS_OF));
  const whole = JSON.stringify(scoreOrganisation({ org, rubric: defaultRubric, asOf: AS_OF, activities: live, sources }));
  const { objects, loads } = memoryObjects(activities);
  const streamed = JSON.stringify(await scoreStreamed(depsOver(org, objects), { asOf: AS_OF, sources }));
  return { whole, streamed, loads };
}

describe('scoring unit by unit from windowed reads', () => {
  it('gives byte-identical scorecards to the whole-organisation scoring on the demo week', async () => {
    const { whole, streamed } = await both(demoOrg(), DEMO_WEEK, demoWeekSources());
    expect(streamed).toBe(whole);
    expect(whole.length).toBeGreaterThan(10_000);
  });

  it('gives byte-identical scorecards on random demo-org histories with failed and removed bindings', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld(80), async (w) => {
        const org = orgFor(w.fates, demoOrg());
        const live = new Set(listBindings(org).map((b) => b.id));
        const sources: SourceStatus[] = listBindings(org).map((b) =>
          w.fates[b.id] === 'failed' ? { source: b.source, bindingId: b.id, status: 'failed', reason: 'HTTP 500' } : { source: b.source, bindingId: b.id, status: 'ok' },
        );
        const activities = w.activities.filter((a) => live.has(a.bindingId) && w.fates[a.bindingId] !== 'failed');
        const { whole, streamed } = await both(org, activities, sources);
        expect(streamed).toBe(whole);
      }),
      { numRuns: 50 },
    );
  }, 60_000);

  it('reads every binding only within the window the rubric and history horizon give', async () => {
    const org = demoOrg();
    const { loads } = await both(org, DEMO_WEEK, demoWeekSources());
    const window = scoringWindow(defaultRubric, org, AS_OF);
    expect(loads.length).toBeGreaterThan(0);
    for (const l of loads) expect(l.window).toEqual(window);
  });

  it('reads a steering group only its own bindings, and every binding from storage once while the organisation fits the cache', async () => {
    const org = demoOrg();
    const { loads } = await both(org, DEMO_WEEK, demoWeekSources());
    const steering = loads.filter((l) => l.bindingId.startsWith('steering/'));
    expect(steering.length).toBe(listBindings(org).filter((b) => b.unit === 'steering').length);
    // The domain, the networks and the organisation re-read pods' bindings; the score step's binding cache serves
    // those from memory, so the demo org's pod bindings are each read once.
    const perBinding = new Map<string, number>();
    for (const l of loads) perBinding.set(l.bindingId, (perBinding.get(l.bindingId) ?? 0) + 1);
    expect(perBinding.get('pod:recsys/jira')).toBe(1);
    expect(Math.max(...perBinding.values())).toBe(1);
  });

  it('with a short history horizon, asks the store for nothing older than the rubric’s longest window', async () => {
    const org: OrgConfig = { ...demoOrg(), settings: { ...demoOrg().settings, historyDays: 7 } };
    const lookback = scoringLookbackDays(defaultRubric, org);
    const old = DEMO_WEEK.find((a) => a.kind === 'deployment') as Activity;
    const ancient: Activity = { ...old, id: `${old.id}:ancient`, at: new Date(Date.parse(AS_OF) - (lookback + 1) * 86_400_000).toISOString() };
    const { loads } = await both(org, [...DEMO_WEEK, ancient], demoWeekSources());
    expect(loads.every((l) => l.window?.from !== undefined && Date.parse(l.window.from) > Date.parse(ancient.at))).toBe(true);
  });
});

describe('scoringLookbackDays', () => {
  const settings = (historyDays: number): Pick<OrgConfig, 'settings'> => ({ settings: { ...demoOrg().settings, historyDays } });

  it('is the rubric’s longest signal window when the history horizon is shorter', () => {
    const longest = Math.max(...defaultRubric.signals.map((s) => s.windowDays));
    expect(scoringLookbackDays(defaultRubric, settings(7))).toBe(longest);
  });

  it('follows a rubric whose signal window is longer', () => {
    const rubric: Pick<Rubric, 'signals'> = { signals: [...defaultRubric.signals, { ...(defaultRubric.signals[0] as Rubric['signals'][number]), windowDays: 500 }] };
    expect(scoringLookbackDays(rubric, settings(7))).toBe(500);
  });

  it('reaches back to the history horizon that signals reading before their window need', () => {
    expect(scoringLookbackDays(defaultRubric, settings(400))).toBe(400);
  });
});

describe('scoringPlan', () => {
  const withFanOut = (n: number | undefined): OrgConfig => {
    const org = demoOrg();
    return { ...org, settings: { ...org.settings, ...(n === undefined ? {} : { scoring: { fanOutAbovePods: n } }) } };
  };
  const pods = (org: OrgConfig): string[] => org.domains.flatMap((d) => d.pods.map((p) => `pod:${p.id}`));

  it('keeps one score task at or below settings.scoring.fanOutAbovePods (default 150)', () => {
    const org = withFanOut(undefined);
    expect(scoringPlan(org)).toEqual({ fanOut: false, pods: [] });
    expect(scoringPlan(withFanOut(pods(org).length))).toEqual({ fanOut: false, pods: [] });
  });

  it('fans out one item per pod, in listUnits order, above the setting', () => {
    const org = withFanOut(pods(demoOrg()).length - 1);
    expect(scoringPlan(org)).toEqual({ fanOut: true, pods: pods(org) });
  });
});
