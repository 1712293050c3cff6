import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkOrgConfigText } from '../../../shared/org/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';
import { defaultRubric } from '../../../shared/rubric/index.js';
import { scoreOrganisation } from '../../../shared/scoring/index.js';
import type { SignalResult, UnitScorecard } from '../../../shared/scoring/index.js';
import type { Activity } from '../../../shared/sources/contract.js';
import { AS_OF, demoOrg, demoWeekSources } from '../../fixtures/activities/demo-week.js';

// The org's own conventions: a custom Jira issue type, label or component, a production environment or a model
// alias mapped to the evidence the rubric reads. Defaults stay as they are.

const issue = (key: string, type: string, labels: string[], components: string[] = []): Activity => ({
  id: `jira:issue:${key}`, source: 'jira', kind: 'issue', unit: 'pod:recsys', bindingId: 'pod:recsys/jira', at: '2026-11-01T00:00:00.000Z', actor: null,
  url: `https://x.test/${key}`, rawRef: { key: 'k', index: 0 },
  attrs: { key, type, labels, components, resolvedAt: '2026-11-10T00:00:00.000Z', updatedAt: '2026-11-10T00:00:00.000Z', parentKey: null, statusCategory: 'done' },
});
const deploy = (n: number, environment: string): Activity => ({
  id: `deployment:${n}`, source: 'github', kind: 'deployment', unit: 'pod:recsys', bindingId: 'pod:recsys/github', at: `2026-11-${10 + n}T00:00:00.000Z`, actor: 'a:1',
  url: `https://x.test/d${n}`, rawRef: { key: 'k', index: 0 }, attrs: { repo: 'acme/recsys', environment, state: 'success' },
});
const ACTS = [issue('RECO-90', 'Experiment', []), issue('RECO-91', 'Story', ['exp']), issue('RECO-92', 'Story', [], ['Pilots']), deploy(1, 'live'), deploy(2, 'live')];

function signal(org: OrgConfig, id: string): SignalResult {
  const cards = scoreOrganisation({ org, rubric: defaultRubric, asOf: AS_OF, activities: ACTS, sources: demoWeekSources() });
  const card = cards.find((c) => c.unit === 'pod:recsys') as UnitScorecard;
  return card.dimensions.flatMap((d) => d.signals).find((s) => s.signalId === id) as SignalResult;
}

describe('org conventions', () => {
  it('counts issues of a mapped Jira issue type, label or component as experiments; without the mapping they are not', () => {
    const plain = demoOrg();
    const mapped: OrgConfig = { ...plain, conventions: { jira: { experiment: { issueTypes: ['experiment'], labels: ['exp'], components: ['pilots'] } } } };
    // 3 experiments resolved in the 90-day window → 3 per quarter; none under the default label conventions.
    expect(signal(mapped, 'jira.experiments-resolved-per-quarter')).toMatchObject({ status: 'scored', value: 3, evidenceCount: 3 });
    expect(signal(plain, 'jira.experiments-resolved-per-quarter')).toMatchObject({ status: 'scored', value: 0 });
  });

  it('counts deployments to a mapped GitHub environment as production', () => {
    const plain = demoOrg();
    const mapped: OrgConfig = { ...plain, conventions: { github: { productionEnvironments: ['Live'] } } };
    expect(signal(mapped, 'github.deploys-per-week')).toMatchObject({ value: 0.5, evidenceCount: 2 });
    expect(signal(plain, 'github.deploys-per-week')).toMatchObject({ value: 0 });
  });

  it('rejects an empty mapping with the file, line and column of the offending key', () => {
    const text = `${readFileSync(new URL('../../../shared/sandbox/demo-org.yaml', import.meta.url), 'utf8')}\nconventions:\n  jira:\n    experiment: {}\n`;
    const r = checkOrgConfigText(text, 'org.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const p = r.problems.find((x) => x.path.startsWith('conventions.jira.experiment'));
      expect(p).toMatchObject({ file: 'org.yaml' });
      expect(p?.line).toBe(text.split('\n').findIndex((l) => l.startsWith('    experiment')) + 1);
      expect(p?.reason).toMatch(/issueTypes/);
    }
  });
});
