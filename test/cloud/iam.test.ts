import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../shared/org/index.js';
import type { RunPlan } from '../../shared/pipeline/index.js';
import { loadDemoOrg, startSandboxes } from '../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../shared/sandbox/index.js';
import { smallOrg } from '../integration/pipeline/helpers.js';
import { apiEvent, CUSTOM_RUBRIC_VERSION, startCloudRig } from './lib/harness.js';
import type { CloudRig } from './lib/harness.js';
import { evaluateIam } from './lib/iam-evaluator.js';
import type { PolicyStatement } from './lib/iam-evaluator.js';
import { recordSdkCalls } from './lib/sdk-recorder.js';
import type { RecordedCall } from './lib/sdk-recorder.js';
import { synthesiseTemplate } from './lib/template.js';
import type { FunctionName, ResolvedTemplate } from './lib/template.js';

// IAM proven without a cloud: the real handlers run one whole scheduled run (plan → every binding's collect →
// score → an API read), then a second run of the same org with the score step fanned out (score-pod per pod →
// score-rollups; settings.scoring.fanOutAbovePods set to 1), against dynalite, s3rver and the sandboxes, every AWS SDK call they make is recorded as
// IAM sees it, and each is evaluated against the policies of that function's role in the synthesised template.

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const FAN_OUT_AS_OF = '2026-11-24T00:00:00.000Z';

let template: ResolvedTemplate;
let sandboxes: RunningSandboxes;
let rig: CloudRig;
let org: OrgConfig;
let calls: RecordedCall[];
let plan: RunPlan;
let fanOutPlan: RunPlan;
let stopRecording: () => void;

/** Every recorded call the role would not allow, as `function: action resource (decision)`. */
function denials(recorded: readonly RecordedCall[], statementsOf: (fn: FunctionName) => PolicyStatement[]): string[] {
  const out: string[] = [];
  for (const call of recorded) {
    for (const request of call.requests) {
      const d = evaluateIam(statementsOf(call.fn), request);
      if (d.decision !== 'allow') {
        const ctx = Object.keys(request.context).length > 0 ? ` ${JSON.stringify(request.context)}` : '';
        out.push(`${call.fn}: ${request.action} ${request.resource}${ctx} (${d.decision}) in ${call.operation}`);
      }
    }
  }
  return [...new Set(out)];
}

beforeAll(async () => {
  template = synthesiseTemplate();
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR });
  // The org names a custom rubric next to it, so the rubric read in Lambda is part of what IAM must allow.
  org = { ...smallOrg(await loadDemoOrg(), sandboxes.urls), rubric: 'rubric.yaml' };
  rig = await startCloudRig(template);
  await rig.uploadOrg(org);
  const recorder = recordSdkCalls(template.keySchema());
  calls = recorder.calls;
  stopRecording = recorder.stop;

  const handlers = await rig.loadHandlers();
  plan = (await handlers.plan({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', time: ANCHOR.toISOString(), detail: {} })) as RunPlan;
  for (const task of plan.tasks) await handlers.collect({ runId: plan.runId, asOf: plan.asOf, task });
  await handlers.score({ runId: plan.runId, asOf: plan.asOf });
  const res = (await handlers.api(apiEvent('/api/units/org', rig.token))) as { statusCode: number };
  if (res.statusCode !== 200) throw new Error(`api answered ${res.statusCode}`);

  // The same org above the fan-out threshold: the state machine's other scoring branch, function by function.
  await rig.uploadOrg({ ...org, settings: { ...org.settings, scoring: { fanOutAbovePods: 1 } } });
  const fanned = await rig.loadHandlers();
  fanOutPlan = (await fanned.plan({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', time: FAN_OUT_AS_OF, detail: {} })) as RunPlan;
  if (!fanOutPlan.scoring.fanOut) throw new Error('the plan did not fan the score step out');
  for (const task of fanOutPlan.tasks) await fanned.collect({ runId: fanOutPlan.runId, asOf: fanOutPlan.asOf, task });
  for (const pod of fanOutPlan.scoring.pods) await fanned['score-pod']({ runId: fanOutPlan.runId, asOf: fanOutPlan.asOf, pod });
  await fanned['score-rollups']({ runId: fanOutPlan.runId, asOf: fanOutPlan.asOf });
}, 240_000);

afterAll(async () => {
  stopRecording?.();
  await rig?.close();
  await sandboxes?.close();
});

describe('the synthesised roles against the calls a real run makes', () => {
  it('records calls from every function of a whole scheduled run, with the custom rubric in use', async () => {
    const byFn = new Set(calls.map((c) => c.fn));
    expect([...byFn].sort()).toEqual(['api', 'collect', 'plan', 'score', 'score-pod', 'score-rollups']);
    const ops = new Set(calls.map((c) => `${c.fn} ${c.operation}`));
    for (const op of ['collect s3.PutObject', 'collect secretsmanager.GetSecretValue', 'score s3.ListObjectsV2', 'score dynamodb.BatchWriteItem', 'plan s3.GetObject']) {
      expect(ops, op).toContain(op);
    }
    const run = await rig.local.stores.runs.loadRun(plan.runId);
    expect(run?.status).toBe('completed');
    expect(run?.rubric.version).toBe(CUSTOM_RUBRIC_VERSION);
    expect(run?.bindings.filter((b) => b.status !== 'ok').map((b) => `${b.bindingId}: ${b.message ?? ''}`)).toEqual([]);
  });

  it('runs the fanned-out score path too: one score-pod per pod writing pending cards, then score-rollups saving the as-of', async () => {
    expect(fanOutPlan.scoring.pods.length).toBeGreaterThan(1);
    const ops = new Set(calls.map((c) => `${c.fn} ${c.operation}`));
    for (const op of ['score-pod s3.GetObject', 'score-pod dynamodb.BatchWriteItem', 'score-rollups dynamodb.Query', 'score-rollups dynamodb.BatchWriteItem']) {
      expect(ops, op).toContain(op);
    }
    const run = await rig.local.stores.runs.loadRun(fanOutPlan.runId);
    expect(run?.status).toBe('completed');
    const units = await rig.local.stores.snapshots.loadAllAt(fanOutPlan.asOf);
    expect(units.filter((u) => u.unit.startsWith('pod:')).map((u) => u.unit).sort()).toEqual([...fanOutPlan.scoring.pods].sort());
  });

  it('allows every call each handler made under its own role', () => {
    expect(denials(calls, (fn) => template.statementsOf(fn))).toEqual([]);
  });

  it('lets each function write only the top-level S3 prefixes it wrote in the run, and those are raw/, normalised/ and runs/', () => {
    const written = new Map<string, Set<string>>();
    for (const c of calls) {
      for (const r of c.requests) {
        if (r.action !== 's3:PutObject') continue;
        const prefix = r.resource.split(':::')[1]?.split('/')[1] ?? '';
        written.set(prefix, (written.get(prefix) ?? new Set()).add(c.fn));
      }
    }
    expect(Object.fromEntries([...written].map(([p, fns]) => [p, [...fns].sort()]))).toEqual({
      raw: ['collect'], normalised: ['collect'], runs: ['collect'],
    });
  });

  it('fails naming the call, the resource and the function when the collect role loses s3:PutObject on the outcome prefix', () => {
    const outcomePrefix = `arn:aws:s3:::${rig.bucket}/runs/*/outcomes/*`;
    const withoutOutcomeWrite = (fn: FunctionName): PolicyStatement[] =>
      template.statementsOf(fn).flatMap((s) => {
        // The mutation: drop s3:PutObject on the outcome prefix from collect's statements, keep everything else.
        if (fn !== 'collect' || !JSON.stringify(s.Resource).includes(outcomePrefix)) return [s];
        const actions = (Array.isArray(s.Action) ? s.Action : [s.Action ?? '']).filter((a) => a !== 's3:PutObject');
        return actions.length > 0 ? [{ ...s, Action: actions }] : [];
      });
    const denied = denials(calls, withoutOutcomeWrite);
    expect(denied.length).toBeGreaterThan(0);
    for (const line of denied) expect(line).toMatch(new RegExp(`^collect: s3:PutObject arn:aws:s3:::${rig.bucket}/runs/[^/ ]+/outcomes/[^ ]+ \\(implicit-deny\\) in s3\\.PutObject$`));
    expect(denied).toHaveLength(plan.tasks.length + fanOutPlan.tasks.length);
  });

  it('keeps plan, collect and score-pod from writing any snapshot, marker or latest pointer (dynamodb:LeadingKeys)', () => {
    const tableArn = `arn:aws:dynamodb:eu-west-1:111122223333:table/${rig.table}`;
    for (const fn of ['plan', 'collect'] as const) {
      for (const [action, pk] of [['dynamodb:PutItem', 'UNIT#pod:recsys'], ['dynamodb:BatchWriteItem', 'UNIT#org'], ['dynamodb:PutItem', 'ASOF'], ['dynamodb:UpdateItem', 'LATEST']] as const) {
        const d = evaluateIam(template.statementsOf(fn), { action, resource: tableArn, context: { 'dynamodb:LeadingKeys': [pk] } });
        expect(d.decision, `${fn} ${action} ${pk}`).toBe('implicit-deny');
      }
    }
    // A batch that mixes an allowed run-log key with a snapshot key is denied as a whole (ForAllValues).
    const mixed = evaluateIam(template.statementsOf('plan'), {
      action: 'dynamodb:BatchWriteItem', resource: tableArn, context: { 'dynamodb:LeadingKeys': ['RUN#run-x', 'UNIT#org'] },
    });
    expect(mixed.decision).toBe('implicit-deny');
    // A score-pod item writes its pending card and nothing a reader sees: no snapshot, marker, pointer or run record.
    for (const [action, pk] of [['dynamodb:BatchWriteItem', 'UNIT#pod:recsys'], ['dynamodb:PutItem', 'ASOF'], ['dynamodb:UpdateItem', 'LATEST'], ['dynamodb:PutItem', 'RUN#run-x'], ['dynamodb:BatchWriteItem', 'RUNS']] as const) {
      const d = evaluateIam(template.statementsOf('score-pod'), { action, resource: tableArn, context: { 'dynamodb:LeadingKeys': [pk] } });
      expect(d.decision, `score-pod ${action} ${pk}`).toBe('implicit-deny');
    }
    const pending = evaluateIam(template.statementsOf('score-pod'), {
      action: 'dynamodb:BatchWriteItem', resource: tableArn, context: { 'dynamodb:LeadingKeys': [`PENDING#${fanOutPlan.runId}#${fanOutPlan.asOf}`] },
    });
    expect(pending.decision).toBe('allow');
    const rollups = evaluateIam(template.statementsOf('score-rollups'), {
      action: 'dynamodb:BatchWriteItem', resource: tableArn, context: { 'dynamodb:LeadingKeys': ['UNIT#org'] },
    });
    expect(rollups.decision).toBe('allow');
    const score = evaluateIam(template.statementsOf('score'), {
      action: 'dynamodb:BatchWriteItem', resource: tableArn, context: { 'dynamodb:LeadingKeys': ['UNIT#org'] },
    });
    expect(score.decision).toBe('allow');
  });
});
