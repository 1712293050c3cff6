import { fc } from '@fast-check/vitest';
import { listBindings, MLFLOW_REGISTRY_BINDING_ID } from '../../../shared/org/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';
import type { SourceStatus } from '../../../shared/scoring/types.js';
import type { Activity, ActivityKind, AttrValue } from '../../../shared/sources/contract.js';

// Random but plausible activities for a few units of the demo org, for the scoring laws.

const AS_OF_MS = Date.parse('2026-11-23T00:00:00.000Z');
const DAY = 86_400_000;
const UNITS = ['pod:recsys', 'pod:churn-predict', 'pod:support-bot', 'domain:customer-engagement', 'network:mlops', 'lab:generative-ai', 'steering'];
const LABELS = [
  'stage:ideation', 'stage:deployment', 'stage:monitoring', 'experiment:ab-test', 'experiment:pilot', 'decision:data', 'feedback',
  'objective', 'shared-resource', 'talk', 'guide', 'training', 'breakthrough', 'standard:model-registry', 'adopts:MLOPSNET-1',
  'hackathon', 'research', 'prototype', 'method-eval', 'adopted-by:recsys', 'priority', 'resource-request', 'governance-review',
];
/** The units of UNITS that bind registered models in the demo org. */
const MODEL_UNITS: ReadonlySet<string> = new Set(['pod:recsys', 'pod:churn-predict', 'pod:support-bot', 'steering']);
const ACTORS = ['a:1', 'a:2', 'a:3', 'a:4', 'a:5'];
const KINDS: ActivityKind[] = ['issue', 'ml-run', 'model-version', 'deployment', 'pull-request', 'review', 'commit', 'workflow-run'];

const iso = (ms: number): string => new Date(ms).toISOString();

export const arbActivity: fc.Arbitrary<Activity> = fc
  .record({
    unit: fc.constantFrom(...UNITS),
    kind: fc.constantFrom(...KINDS),
    n: fc.nat(100_000),
    daysAgo: fc.integer({ min: -5, max: 200 }),
    durationH: fc.integer({ min: 0, max: 2000 }),
    labels: fc.subarray(LABELS, { maxLength: 3 }),
    actor: fc.constantFrom(...ACTORS),
    other: fc.constantFrom(...ACTORS),
    flag: fc.boolean(),
    pick: fc.nat(3),
  })
  .map(({ unit, kind, n, daysAgo, durationH, labels, actor, other, flag, pick }): Activity => {
    const t = AS_OF_MS - daysAgo * DAY;
    const later = flag ? iso(t + durationH * 3_600_000) : null;
    let attrs: Record<string, AttrValue>;
    switch (kind) {
      case 'issue':
        attrs = { key: `K-${n}`, labels, resolvedAt: later, updatedAt: later ?? iso(t), parentKey: flag ? `K-${n % 50}` : null, statusCategory: 'done' };
        break;
      case 'ml-run':
        attrs = { experimentId: '1', status: 'FINISHED', trigger: ['manual', 'schedule', 'monitoring', 'manual'][pick] as string, sourceType: flag ? 'JOB' : 'NOTEBOOK' };
        break;
      case 'model-version':
        attrs = {
          model: `m${pick % 2}`, version: String(n), stage: ['None', 'Production', 'Archived', 'Staging'][pick] as string,
          aliases: flag ? ['challenger'] : pick === 0 ? ['production'] : [], runId: `run${n % 40}`, tags: labels.length > 1 ? ['model_card', 'fairness_eval'] : [],
        };
        break;
      case 'deployment':
        attrs = { repo: `acme/r${pick}`, environment: flag ? 'production' : 'staging', state: ['success', 'failure', 'inactive', 'error'][pick] as string };
        break;
      case 'pull-request':
        attrs = { repo: `acme/r${pick}`, number: n, mergedAt: later, state: 'closed' };
        break;
      case 'review':
        attrs = { repo: `acme/r${pick}`, number: n, prActor: other, state: 'APPROVED' };
        break;
      case 'commit':
        attrs = { repo: `acme/r${pick}` };
        break;
      default:
        attrs = { repo: `acme/r${pick}`, workflow: flag ? 'train' : 'ci', event: ['push', 'schedule', 'pull_request', 'push'][pick] as string, conclusion: 'success' };
    }
    const source = kind === 'issue' ? 'jira' : kind === 'ml-run' || kind === 'model-version' ? 'mlflow' : 'github';
    const id = kind === 'ml-run' ? `mlflow:run:run${n % 40}` : `${kind}:${unit}:${n}`;
    // The versions of models a unit binds come from the organisation's registry binding, as the connector stores them.
    const bindingId = kind === 'model-version' && MODEL_UNITS.has(unit) ? MLFLOW_REGISTRY_BINDING_ID : `${unit}/${source}`;
    return { id, source, kind, unit, bindingId, at: iso(t), actor: kind === 'issue' ? null : actor, url: `https://x.test/${n}`, attrs, rawRef: { key: 'k', index: 0 } };
  });

/** Activities with unique ids (real bindings never repeat an id). */
export const arbActivities = (max = 60): fc.Arbitrary<Activity[]> =>
  fc.uniqueArray(arbActivity, { maxLength: max, selector: (a) => `${a.unit}|${a.id}` });

/** Every binding of the org collected fine this run. */
export function allOk(org: OrgConfig): SourceStatus[] {
  return listBindings(org).map((b) => ({ source: b.source, bindingId: b.id, status: 'ok' as const }));
}
