import { describe, expect, it } from 'vitest';
import { defaultRubric } from '../../../shared/rubric/index.js';
import { scoreOrganisation } from '../../../shared/scoring/index.js';
import type { SignalResult, SourceStatus, UnitScorecard } from '../../../shared/scoring/index.js';
import { AS_OF, DEMO_WEEK, demoOrg, demoWeekSources } from '../../fixtures/activities/demo-week.js';

// A failing source carries its last good data forward, marked stale with its age, for up to two weeks.

function score(lastSuccessAt: string | undefined): UnitScorecard {
  const sources: SourceStatus[] = demoWeekSources().map((s) =>
    s.bindingId === 'pod:recsys/github' ? { ...s, status: 'failed', reason: 'HTTP 500', ...(lastSuccessAt ? { lastSuccessAt } : {}) } : s,
  );
  const cards = scoreOrganisation({ org: demoOrg(), rubric: defaultRubric, asOf: AS_OF, activities: DEMO_WEEK, sources });
  return cards.find((c) => c.unit === 'pod:recsys') as UnitScorecard;
}
const deploys = (c: UnitScorecard): SignalResult => c.dimensions.flatMap((d) => d.signals).find((s) => s.signalId === 'github.deploys-per-week') as SignalResult;

describe('stale carry-forward', () => {
  it('keeps a failing binding’s last good data (a week old) and marks the signals that read it stale', () => {
    const ok = scoreOrganisation({ org: demoOrg(), rubric: defaultRubric, asOf: AS_OF, activities: DEMO_WEEK, sources: demoWeekSources() }).find((c) => c.unit === 'pod:recsys') as UnitScorecard;
    const stale = score('2026-11-16T00:00:00.000Z');
    expect(deploys(stale)).toMatchObject({ status: 'scored', value: deploys(ok).value, stale: true, staleSince: '2026-11-16T00:00:00.000Z' });
    expect(deploys(ok).stale).toBeUndefined();
    expect(stale.score).toBe(ok.score);
  });

  it('treats data older than two weeks, or a binding that never succeeded, as missing', () => {
    expect(deploys(score('2026-10-01T00:00:00.000Z'))).toMatchObject({ status: 'missing' });
    expect(deploys(score(undefined))).toMatchObject({ status: 'missing' });
  });
});
