import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkOrgConfigText, listBindings, listUnits } from '../../../shared/org/index.js';
import type { Conventions, OrgConfig, Unit } from '../../../shared/org/index.js';
import { createSignalEnvironment, deriveSignals } from '../../../shared/signals/index.js';
import type { SignalValue } from '../../../shared/signals/index.js';
import type { SourceStatus } from '../../../shared/scoring/types.js';
import type { Activity, ActivityKind, AttrValue } from '../../../shared/sources/contract.js';
import type { ConfigProblem } from '../../../shared/kernel/index.js';
import { AS_OF, demoOrg } from '../../fixtures/activities/demo-week.js';

// Every kind of evidence an organisation may map to its own practice (org config `conventions`): a custom mapping
// makes the signal count the item, and the product's default convention still counts without any mapping.

const SOURCE: Record<string, Activity['source']> = { issue: 'jira', 'model-version': 'mlflow', 'ml-run': 'mlflow' };
let seq = 0;
function act(unit: string, kind: ActivityKind, at: string, attrs: Record<string, AttrValue>): Activity {
  const source = SOURCE[kind] ?? 'github';
  const id = `${kind}:${++seq}`;
  return { id, source, kind, unit, bindingId: `${unit}/${source}`, at, actor: null, url: `https://x.test/${id}`, attrs, rawRef: { key: 'k', index: 0 } };
}
/** A Jira issue created on 1 Nov and resolved on 10 Nov 2026 (inside every 28- and 90-day window ending 23 Nov). */
function issue(unit: string, key: string, opts: { type?: string; labels?: string[]; components?: string[]; parentKey?: string } = {}): Activity {
  return act(unit, 'issue', '2026-11-01T00:00:00.000Z', {
    key, type: opts.type ?? 'Story', labels: opts.labels ?? [], components: opts.components ?? [], parentKey: opts.parentKey ?? null,
    statusCategory: 'done', resolvedAt: '2026-11-10T00:00:00.000Z', updatedAt: '2026-11-10T00:00:00.000Z',
  });
}
/** A model version registered on 15 Nov 2026. */
function version(unit: string, opts: { stage?: string; aliases?: string[]; tags?: string[] }): Activity {
  return act(unit, 'model-version', '2026-11-15T00:00:00.000Z', {
    model: 'm', version: String(++seq), stage: opts.stage ?? 'None', aliases: opts.aliases ?? [], tags: opts.tags ?? [], status: 'READY', runId: null,
    updatedAt: '2026-11-15T00:00:00.000Z',
  });
}

function allOk(org: OrgConfig): SourceStatus[] {
  return listBindings(org).map((b) => ({ source: b.source, bindingId: b.id, status: 'ok' as const }));
}

function value(conventions: Conventions | undefined, unitRef: string, signalId: string, activities: Activity[], windowDays = 90): SignalValue {
  const org: OrgConfig = { ...demoOrg(), ...(conventions === undefined ? {} : { conventions }) };
  const env = createSignalEnvironment({ org, asOf: AS_OF, activities, sources: allOk(org) });
  const unit = listUnits(org).find((u) => u.ref === unitRef) as Unit;
  return (deriveSignals(env, unit, [{ id: signalId, windowDays }]).get(signalId) as { value: SignalValue }).value;
}
const count = (v: SignalValue): number => (v.status === 'scored' ? v.evidenceCount : -1);

const R = 'pod:recsys';
const DOMAIN = 'domain:customer-engagement';

describe('org conventions for every kind of Jira evidence', () => {
  const rates: { kind: keyof NonNullable<Conventions['jira']>; unit: string; signal: string; defaultLabel: string }[] = [
    { kind: 'experiment', unit: R, signal: 'jira.experiments-resolved-per-quarter', defaultLabel: 'experiment:ab-test' },
    { kind: 'pilot', unit: R, signal: 'jira.experiments-resolved-per-quarter', defaultLabel: 'experiment:pilot' },
    { kind: 'mvp', unit: R, signal: 'jira.experiments-resolved-per-quarter', defaultLabel: 'experiment:mvp' },
    { kind: 'abTest', unit: R, signal: 'mixed.ab-tests-per-quarter', defaultLabel: 'experiment:ab-test' },
    { kind: 'talk', unit: 'network:mlops', signal: 'jira.talks-guides-per-quarter', defaultLabel: 'talk' },
    { kind: 'training', unit: 'network:mlops', signal: 'jira.training-per-quarter', defaultLabel: 'training' },
    { kind: 'hackathon', unit: 'lab:generative-ai', signal: 'jira.lab-events-per-quarter', defaultLabel: 'hackathon' },
    { kind: 'talk', unit: 'lab:generative-ai', signal: 'jira.lab-events-per-quarter', defaultLabel: 'talk' },
    { kind: 'governanceReview', unit: 'steering', signal: 'jira.governance-reviews-per-quarter', defaultLabel: 'governance-review' },
  ];
  for (const c of rates) {
    it(`counts a custom issue type, label or component mapped to ${c.kind} in ${c.signal} (${c.unit}); the default label still counts`, () => {
      const acts = [
        issue(c.unit, 'X-1', { type: 'Custom Kind' }),
        issue(c.unit, 'X-2', { labels: ['our-label'] }),
        issue(c.unit, 'X-3', { components: ['Our Component'] }),
      ];
      const mapped: Conventions = { jira: { [c.kind]: { issueTypes: ['custom kind'], labels: ['Our-Label'], components: ['our component'] } } };
      expect(count(value(mapped, c.unit, c.signal, acts))).toBe(3);
      expect(count(value(undefined, c.unit, c.signal, acts))).toBe(0);
      expect(count(value(undefined, c.unit, c.signal, [issue(c.unit, 'X-4', { labels: [c.defaultLabel] })]))).toBe(1);
    });
  }

  it('counts feedback work of a mapped issue type in the feedback-to-fix time; the default label still counts', () => {
    const acts = [issue(R, 'X-1', { type: 'Bug Report' })];
    expect(value({ jira: { feedback: { issueTypes: ['Bug Report'] } } }, R, 'jira.feedback-to-fix-days-p50', acts)).toMatchObject({ status: 'scored', value: 9 });
    expect(value(undefined, R, 'jira.feedback-to-fix-days-p50', acts).status).toBe('missing');
    expect(value(undefined, R, 'jira.feedback-to-fix-days-p50', [issue(R, 'X-2', { labels: ['feedback'] })])).toMatchObject({ status: 'scored', value: 9 });
  });

  it('treats a domain epic of a mapped issue type as an objective pod work can link to; the default label still counts', () => {
    const acts = [issue(DOMAIN, 'CEDOM-7', { type: 'Objective' }), issue(R, 'RECO-7', { parentKey: 'CEDOM-7' })];
    const signal = 'jira.objective-linked-share';
    expect(value({ jira: { objective: { issueTypes: ['Objective'] } } }, DOMAIN, signal, acts, 28)).toMatchObject({ status: 'scored', value: 1 });
    expect(value(undefined, DOMAIN, signal, acts, 28)).toMatchObject({ status: 'scored', value: 0 });
    const byLabel = [issue(DOMAIN, 'CEDOM-8', { labels: ['objective'] }), issue(R, 'RECO-8', { parentKey: 'CEDOM-8' })];
    expect(value(undefined, DOMAIN, signal, byLabel, 28)).toMatchObject({ status: 'scored', value: 1 });
  });

  it('counts a standard as adopted from a mapped label or component naming it; the default standard:<id> label still counts', () => {
    const net = 'network:mlops';
    const signal = 'jira.standards-adoption-share';
    // mlops has six member pods and two standards (model-registry, ci-training): one pod adopting one standard → 1/6/2.
    const acts = [issue(R, 'RECO-9', { labels: ['uses-model-registry'] }), issue('pod:churn-predict', 'CHURN-9', { components: ['Standard ci-training'] })];
    const mapped: Conventions = { jira: { standardAdoption: { labels: ['uses-{standard}'], components: ['standard {standard}'] } } };
    expect(value(mapped, net, signal, acts)).toMatchObject({ status: 'scored', value: 0.167, evidenceCount: 2 });
    expect(value(undefined, net, signal, acts)).toMatchObject({ status: 'scored', value: 0 });
    expect(value(undefined, net, signal, [issue(R, 'RECO-10', { labels: ['standard:model-registry'] })])).toMatchObject({ value: 0.083 });
  });
});

describe('org conventions for MLflow evidence', () => {
  const promotions = 'mlflow.model-promotions-per-quarter';
  it('counts versions with a mapped production alias, stage or tag as production; the default alias and stage still count', () => {
    const acts = [version(R, { aliases: ['live'] }), version(R, { stage: 'Serving' }), version(R, { tags: ['deployed'] })];
    const mapped: Conventions = { mlflow: { productionAliases: ['Live'], productionStages: ['serving'], productionTags: ['deployed'] } };
    expect(count(value(mapped, R, promotions, acts))).toBe(3);
    expect(count(value(undefined, R, promotions, acts))).toBe(0);
    expect(count(value(undefined, R, promotions, [version(R, { aliases: ['champion'] }), version(R, { stage: 'Production' })]))).toBe(2);
  });

  it('counts versions with a mapped challenger alias or tag as A/B tests; the default challenger alias still counts', () => {
    const acts = [version(R, { aliases: ['candidate'] }), version(R, { tags: ['ab_test'] })];
    const signal = 'mixed.ab-tests-per-quarter';
    expect(count(value({ mlflow: { challengerAliases: ['candidate'], challengerTags: ['ab_test'] } }, R, signal, acts))).toBe(2);
    expect(count(value(undefined, R, signal, acts))).toBe(0);
    expect(count(value(undefined, R, signal, [version(R, { aliases: ['challenger'] })]))).toBe(1);
  });

  const governance = [
    { key: 'modelCardTags', signal: 'mlflow.model-card-coverage', defaultTag: 'model_card' },
    { key: 'fairnessEvaluationTags', signal: 'mlflow.fairness-eval-coverage', defaultTag: 'fairness_eval' },
    { key: 'biasMitigationTags', signal: 'mlflow.bias-mitigation-coverage', defaultTag: 'bias_mitigation' },
  ] as const;
  for (const g of governance) {
    it(`counts a production version with a tag mapped by ${g.key} in ${g.signal}; the default ${g.defaultTag} tag still counts`, () => {
      const acts = [version('steering', { aliases: ['production'], tags: ['our_tag'] }), version('steering', { aliases: ['production'] })];
      expect(value({ mlflow: { [g.key]: ['OUR_TAG'] } }, 'steering', g.signal, acts)).toMatchObject({ status: 'scored', value: 0.5 });
      expect(value(undefined, 'steering', g.signal, acts)).toMatchObject({ status: 'scored', value: 0 });
      expect(value(undefined, 'steering', g.signal, [version('steering', { aliases: ['production'], tags: [g.defaultTag] })])).toMatchObject({ value: 1 });
    });
  }
});

describe('radar validate checks the conventions', () => {
  const demo = readFileSync(new URL('../../../shared/sandbox/demo-org.yaml', import.meta.url), 'utf8');
  const check = (tail: string): { text: string; problems: ConfigProblem[] } => {
    const text = `${demo}\nconventions:\n${tail}`;
    const r = checkOrgConfigText(text, 'org.yaml');
    return { text, problems: r.ok ? [] : r.problems };
  };
  const lineOf = (text: string, start: string): number => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

  it('rejects an unknown kind with its line and a did-you-mean hint', () => {
    const { text, problems } = check('  jira:\n    hackaton:\n      labels: [hack]\n');
    const p = problems.find((x) => x.path.startsWith('conventions.jira'));
    expect(p?.line).toBe(lineOf(text, '    hackaton'));
    expect(p?.reason).toMatch(/hackathon/);
  });

  it('rejects a name listed twice in one mapping, at the duplicate', () => {
    const { text, problems } = check('  jira:\n    talk:\n      labels:\n        - talk-x\n        - Talk-X\n');
    const p = problems.find((x) => x.path.startsWith('conventions.jira.talk.labels'));
    expect(p).toMatchObject({ file: 'org.yaml', line: lineOf(text, '        - Talk-X'), col: 11 });
    expect(p?.reason).toMatch(/duplicate/);
  });

  it('rejects an empty mapping and a standard-adoption name without {standard}', () => {
    const { text, problems } = check('  jira:\n    governanceReview: {}\n    standardAdoption:\n      labels: [uses-standard]\n  mlflow:\n    modelCardTags: []\n');
    expect(problems.find((x) => x.path === 'conventions.jira.governanceReview')?.line).toBe(lineOf(text, '    governanceReview'));
    expect(problems.find((x) => x.path.startsWith('conventions.jira.standardAdoption.labels'))?.reason).toMatch(/\{standard\}/);
    expect(problems.find((x) => x.path.startsWith('conventions.mlflow.modelCardTags'))?.line).toBe(lineOf(text, '    modelCardTags'));
  });

  it('accepts a full vocabulary of mappings', () => {
    const { problems } = check(
      [
        '  jira:',
        ...['experiment', 'abTest', 'pilot', 'mvp', 'feedback', 'objective', 'talk', 'training', 'hackathon', 'governanceReview'].map((k) => `    ${k}: { issueTypes: [${k}-type], labels: [${k}-label], components: [${k}-component] }`),
        '    standardAdoption: { labels: ["uses-{standard}"], components: ["std {standard}"] }',
        '  github: { productionEnvironments: [live] }',
        '  mlflow:',
        ...['productionAliases', 'productionStages', 'productionTags', 'challengerAliases', 'challengerTags', 'modelCardTags', 'fairnessEvaluationTags', 'biasMitigationTags'].map((k) => `    ${k}: [${k}-x]`),
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
  });
});
