import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { Activity } from '../../../shared/sources/contract.js';
import { AS_OF_MS, arbWorld, raisedBy, scoreWorld } from './laws-kit.js';

// Law: evidence is monotone. Adding a good event never lowers any unit's score or level; adding a bad one never
// raises it. A bad event may add coverage (a dimension gets a level at the same or a lower evidence score); that is
// knowing more, not scoring higher. Good events: a successful production deployment of a new commit, a pull request
// merged as soon as it was opened by a new contributor (lead time is a median: a slower pull request can rightly
// lower it), a resolved experiment that drove a decision, a freshly trained model version promoted
// to production. Bad events: a failed production deployment (never restored at the as-of).

const PODS = ['pod:recsys', 'pod:churn-predict', 'pod:support-bot'];
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function event(kind: 'deploy-ok' | 'deploy-failed' | 'pr' | 'experiment' | 'promotion', unit: string, daysAgo: number, n: number): Activity[] {
  const t = AS_OF_MS - daysAgo * DAY;
  const base = { unit, at: iso(t), url: `https://x.test/new/${n}`, rawRef: { key: 'k', index: 0 } };
  switch (kind) {
    case 'deploy-ok':
    case 'deploy-failed':
      return [{ ...base, id: `deployment:new:${n}`, source: 'github', kind: 'deployment', bindingId: `${unit}/github`, actor: 'a:new',
        attrs: { repo: 'acme/r0', environment: 'production', state: kind === 'deploy-ok' ? 'success' : 'failure', sha: `new${n}` } }];
    case 'pr':
      return [{ ...base, id: `pull-request:new:${n}`, source: 'github', kind: 'pull-request', bindingId: `${unit}/github`, actor: 'a:new',
        attrs: { repo: 'acme/r0', number: 900_000 + n, mergedAt: iso(t), state: 'closed' } }];
    case 'experiment':
      // Linked to an objective of its domain, as the objective-linked share asks; the epic is part of the event.
      return [
        { ...base, id: `jira:issue:NEW-${n}`, source: 'jira', kind: 'issue', bindingId: `${unit}/jira`, actor: null,
          attrs: { key: `NEW-${n}`, type: 'Story', labels: ['experiment:ab-test', 'decision:data'], resolvedAt: iso(t), updatedAt: iso(t), parentKey: `OBJ-${n}`, statusCategory: 'done' }, at: iso(t - DAY) },
        { ...base, unit: 'domain:customer-engagement', id: `jira:issue:OBJ-${n}`, source: 'jira', kind: 'issue', bindingId: 'domain:customer-engagement/jira', actor: null,
          attrs: { key: `OBJ-${n}`, type: 'Epic', labels: ['objective'], resolvedAt: null, updatedAt: iso(t), parentKey: null, statusCategory: 'indeterminate' }, at: iso(t - 2 * DAY) },
      ];
    default:
      return [
        { ...base, id: `mlflow:run:newrun${n}`, source: 'mlflow', kind: 'ml-run', bindingId: `${unit}/mlflow`, actor: 'a:new',
          attrs: { experimentId: '1', status: 'FINISHED', trigger: 'schedule', sourceType: 'JOB', runId: `newrun${n}` } },
        { ...base, id: `model-version:new:${n}`, source: 'mlflow', kind: 'model-version', bindingId: `${unit}/mlflow`, actor: 'a:new',
          attrs: { model: 'm0', version: String(900_000 + n), stage: 'None', aliases: ['production'], runId: `newrun${n}`, tags: ['model_card', 'fairness_eval', 'bias_mitigation'] } },
      ];
  }
}

describe('law: evidence is monotone', () => {
  test.prop([arbWorld(), fc.constantFrom('deploy-ok' as const, 'pr' as const, 'experiment' as const, 'promotion' as const), fc.constantFrom(...PODS), fc.integer({ min: 0, max: 60 }), fc.nat(1000)], { numRuns: 60 })(
    'adding a good event never lowers any unit’s or dimension’s score or level',
    (world, kind, unit, daysAgo, n) => {
      const before = scoreWorld(world);
      const after = scoreWorld({ ...world, activities: [...world.activities, ...event(kind, unit, daysAgo, n)] });
      expect(raisedBy(after, before), kind).toEqual([]);
    },
    120_000,
  );

  test.prop([arbWorld(), fc.constantFrom(...PODS), fc.integer({ min: 0, max: 60 }), fc.nat(1000)], { numRuns: 60 })(
    'adding a failed production deployment never raises any unit’s or dimension’s score or level',
    (world, unit, daysAgo, n) => {
      const before = scoreWorld(world);
      const after = scoreWorld({ ...world, activities: [...world.activities, ...event('deploy-failed', unit, daysAgo, n)] });
      expect(raisedBy(before, after, false)).toEqual([]);
    },
    120_000,
  );
});
