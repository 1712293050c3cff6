import { describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../../shared/org/index.js';
import { defaultRubric } from '../../../shared/rubric/index.js';
import { scoreOrganisation } from '../../../shared/scoring/index.js';
import type { SignalResult, SourceStatus, UnitScorecard } from '../../../shared/scoring/index.js';
import type { Activity } from '../../../shared/sources/contract.js';
import { AS_OF, demoOrg } from '../../fixtures/activities/demo-week.js';

// `since` on a unit: windows are clipped to it (no zeros for the weeks before it existed) and a rate is scaled from
// at least four weeks (no quarter's worth extrapolated from a few days).

const hackathon: Activity = {
  id: 'jira:issue:GENLAB-1', source: 'jira', kind: 'issue', unit: 'lab:generative-ai', bindingId: 'lab:generative-ai/jira', at: '2026-11-21T00:00:00.000Z', actor: null,
  url: 'https://x.test/GENLAB-1', rawRef: { key: 'k', index: 0 },
  attrs: { key: 'GENLAB-1', type: 'Task', labels: ['hackathon'], resolvedAt: '2026-11-22T00:00:00.000Z', updatedAt: '2026-11-22T00:00:00.000Z', parentKey: null, statusCategory: 'done' },
};

function events(since: string | undefined): SignalResult {
  const org: OrgConfig = demoOrg();
  org.labs = org.labs.map((l) => (l.id === 'generative-ai' ? { ...l, ...(since ? { since } : {}) } : l));
  const sources: SourceStatus[] = [{ source: 'jira', bindingId: 'lab:generative-ai/jira', status: 'ok' }];
  const card = scoreOrganisation({ org, rubric: defaultRubric, asOf: AS_OF, activities: [hackathon], sources }).find((c) => c.unit === 'lab:generative-ai') as UnitScorecard;
  return card.dimensions.flatMap((d) => d.signals).find((s) => s.signalId === 'jira.lab-events-per-quarter') as SignalResult;
}

describe('since', () => {
  it('scales a lab that started three days ago from four weeks, not from three days', () => {
    // One event: over 28 days → 90/28 = 3.21 a quarter (from 3 days it would have been 30).
    expect(events('2026-11-20')).toMatchObject({ status: 'scored', value: 3.21 });
  });

  it('clips the window to since, so weeks before the unit existed are not counted as empty', () => {
    // Started 45 days ago: the window is 45 days, not the rubric's 90 → 1 × 90/45 = 2 a quarter (not 1).
    expect(events('2026-10-09')).toMatchObject({ value: 2, window: { days: 45 } });
    expect(events(undefined)).toMatchObject({ value: 1 });
  });
});
