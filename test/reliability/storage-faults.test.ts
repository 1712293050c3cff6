import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp } from '../../shared/api/index.js';
import type { OrgConfig } from '../../shared/org/index.js';
import { listBindings } from '../../shared/org/index.js';
import { runScheduled } from '../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../shared/sandbox/index.js';
import type { JiraWorld } from '../../shared/sandbox/jira/world.js';
import type { UnitScorecard } from '../../shared/scoring/types.js';
import { activitiesPrefix, cursorKey, openStores } from '../../shared/storage/index.js';
import type { OpenedStores } from '../../shared/storage/index.js';
import { dumpStores, reliabilityDeps, subsetOrg } from '../helpers/fault-kit.js';
import { startLocalStores } from '../helpers/local-servers.js';
import type { LocalStores } from '../helpers/local-servers.js';
import { startStorageProxy } from '../helpers/storage-proxy.js';
import type { ProxyLogEntry, StorageProxy } from '../helpers/storage-proxy.js';

// Storage faults: a proxy in front of dynalite and s3rver answers a share of calls with DynamoDB 500 /
// ThrottlingException and S3 500 / SlowDown. Writes must retry with backoff until they succeed, and when a write
// fails for good an as-of must be either wholly visible or not at all, and a binding's stored data untouched.

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const AS1 = '2026-11-23T00:00:00.000Z';
const AS2 = '2026-11-24T00:00:00.000Z';
const AS3 = '2026-11-25T00:00:00.000Z';
const AS_FAKE = '2026-11-26T00:00:00.000Z';
const TABLE = 'radar';
const BUCKET = 'radar-data';

let sandboxes: RunningSandboxes;
let org: OrgConfig;
let direct: LocalStores;
let clean: LocalStores;
let dynamoProxy: StorageProxy;
let s3Proxy: StorageProxy;
let faulty: OpenedStores;

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR, weeks: 10 });
  org = subsetOrg(await loadDemoOrg(), sandboxes.urls);
  direct = await startLocalStores({ table: TABLE, bucket: BUCKET });
  clean = await startLocalStores({ table: TABLE, bucket: BUCKET });
  dynamoProxy = await startStorageProxy({ service: 'dynamodb', target: direct.env.RADAR_DYNAMODB_ENDPOINT, seed: 11 });
  s3Proxy = await startStorageProxy({ service: 's3', target: direct.env.RADAR_S3_ENDPOINT, seed: 12 });
  faulty = await openStores(
    { RADAR_DYNAMODB_ENDPOINT: dynamoProxy.endpoint, RADAR_S3_ENDPOINT: s3Proxy.endpoint, RADAR_TABLE: TABLE, RADAR_BUCKET: BUCKET },
    { mode: 'local' },
  );
});

afterAll(async () => {
  await faulty?.close();
  await dynamoProxy?.close();
  await s3Proxy?.close();
  await direct?.close();
  await clean?.close();
  await sandboxes?.close();
});

const env = { ...DEMO_CREDENTIALS };

/** Snapshots, normalised activities and cursors of the org, read from the given stores. */
async function durableState(stores: LocalStores['stores'], asOf: string): Promise<Record<string, string>> {
  const out: Record<string, string> = { snapshots: JSON.stringify(await stores.snapshots.loadAllAt(asOf)) };
  for (const b of listBindings(org)) {
    out[`normalised ${b.id}`] = JSON.stringify(await stores.objects.loadActivities(b.id));
    out[`cursor ${b.id}`] = JSON.stringify(await stores.cursors.loadCursor(b.id));
  }
  return out;
}

/** Groups a proxy log by SDK invocation (all attempts of one command). */
function byInvocation(log: readonly ProxyLogEntry[]): Map<string, ProxyLogEntry[]> {
  const m = new Map<string, ProxyLogEntry[]>();
  for (const e of log) m.set(e.invocation, [...(m.get(e.invocation) ?? []), e]);
  return m;
}

describe('storage under transient faults', () => {
  it('completes a run whose DynamoDB and S3 calls fail transiently, with the same stored state as a clean run', async () => {
    dynamoProxy.setTransientShare(0.3);
    s3Proxy.setTransientShare(0.3);
    const faultedFrom = { dynamodb: dynamoProxy.log.length, s3: s3Proxy.log.length };
    faulty.stores.resetMetrics();
    const { run } = await runScheduled(reliabilityDeps(org, faulty.stores, env), { asOf: AS1 });
    dynamoProxy.setTransientShare(0);
    s3Proxy.setTransientShare(0);
    expect(run.status).toBe('completed');
    expect(run.bindings.filter((b) => b.status !== 'ok')).toEqual([]);

    await runScheduled(reliabilityDeps(org, clean.stores, env), { asOf: AS1 });
    expect(await durableState(direct.stores, AS1)).toEqual(await durableState(clean.stores, AS1));

    const log = [...dynamoProxy.log.slice(faultedFrom.dynamodb), ...s3Proxy.log.slice(faultedFrom.s3)];
    const faults = log.filter((e) => e.fault !== null);
    const kinds = new Set(faults.map((e) => `${e.service}:${e.fault}`));
    expect([...kinds].sort()).toEqual(['dynamodb:internal-error', 'dynamodb:throttling', 's3:internal-error', 's3:slow-down']);
    // Writes among them, not only reads.
    expect(faults.some((e) => e.operation === 'BatchWriteItem' || e.operation === 'PutItem')).toBe(true);
    expect(faults.some((e) => e.operation === 'PutObject')).toBe(true);

    // Every faulted attempt was followed by the next attempt of the same command, which the SDK sent after a
    // back-off pause; each command's last attempt got a real answer from the server.
    const gaps: number[] = [];
    for (const attempts of byInvocation(log).values()) {
      attempts.forEach((a, i) => {
        if (a.fault === null) return;
        const next = attempts[i + 1];
        expect(next, `${a.service} ${a.operation} attempt ${a.attempt} was not retried`).toBeDefined();
        expect(next?.attempt).toBe(a.attempt + 1);
        gaps.push((next?.at ?? 0) - a.at);
      });
      expect(attempts[attempts.length - 1]?.fault).toBeNull();
    }
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    console.log(
      `storage faults: ${faults.length} of ${log.length} storage requests faulted (${[...kinds].join(', ')}); ` +
        `retried after ${Math.min(...gaps)}–${Math.max(...gaps)} ms (mean ${mean.toFixed(0)} ms)`,
    );
    expect(mean).toBeGreaterThan(0);
    const metrics = faulty.stores.metrics();
    expect(metrics.attempts).toBeGreaterThan(metrics.dynamodb + metrics.s3);
  });
});

describe('storage failing for good', () => {
  it('leaves an as-of invisible when its completion marker cannot be written, and a rerun completes it', async () => {
    dynamoProxy.addRule({ operation: 'PutItem', contains: '"S":"ASOF"', kind: 'internal-error' });
    await expect(runScheduled(reliabilityDeps(org, faulty.stores, env), { asOf: AS2 })).rejects.toThrow(/scor|stor/i);
    dynamoProxy.clearRules();

    // The snapshot items of AS2 exist, but nothing reads them: no marker, no pointer.
    const items = await direct.stores.dynamo.queryAll({
      IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': `ASOF#${AS2}` },
    });
    expect(items.length).toBeGreaterThan(0);
    expect(await direct.stores.snapshots.listAsOfs()).toEqual([AS1]);
    expect(await direct.stores.snapshots.loadAllAt(AS2)).toEqual([]);
    expect((await direct.stores.snapshots.loadScorecard('pod:recsys'))?.asOf).toBe(AS1);
    expect((await direct.stores.snapshots.loadUnitHistory('pod:recsys')).map((c) => c.asOf)).toEqual([AS1]);
    const run = await direct.stores.runs.loadRun(`run-${AS2}`);
    expect(run?.status).toBe('failed');
    const api = buildApiApp({ snapshots: direct.stores.snapshots, runs: direct.stores.runs });
    expect(await (await api.request('/api/asofs')).json()).toEqual({ asOfs: [AS1] });

    const rerun = await runScheduled(reliabilityDeps(org, faulty.stores, env), { asOf: AS2 });
    expect(rerun.run.status).toBe('completed');
    await runScheduled(reliabilityDeps(org, clean.stores, env), { asOf: AS2 });
    expect(await direct.stores.snapshots.listAsOfs()).toEqual([AS1, AS2]);
    expect(await durableState(direct.stores, AS2)).toEqual(await durableState(clean.stores, AS2));
  });

  it('shows none of an as-of whose snapshot batch writes failed part-way, and all of it after a rewrite', async () => {
    // 60 units need three BatchWriteItem calls of 25: the first goes through, every attempt of the rest fails.
    const base = await direct.stores.snapshots.loadAllAt(AS1);
    const template = base.find((c) => c.unit === 'pod:recsys');
    if (!template) throw new Error('no pod:recsys card');
    const cards: UnitScorecard[] = Array.from({ length: 60 }, (_, i) => ({
      ...template, asOf: AS_FAKE, unit: `pod:bulk-${String(i).padStart(2, '0')}`, id: `bulk-${String(i).padStart(2, '0')}`,
    }));
    cards.push({ ...template, asOf: AS_FAKE });
    dynamoProxy.addRule({ operation: 'BatchWriteItem', contains: AS_FAKE, after: 1, kind: 'throttling' });
    await expect(faulty.stores.snapshots.saveSnapshots(AS_FAKE, cards, { runId: 'bulk' })).rejects.toThrow();
    dynamoProxy.clearRules();

    const written = await direct.stores.dynamo.queryAll({
      IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': `ASOF#${AS_FAKE}` },
    });
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(cards.length);
    expect(await direct.stores.snapshots.listAsOfs()).toEqual([AS1, AS2]);
    expect(await direct.stores.snapshots.loadAllAt(AS_FAKE)).toEqual([]);
    expect(await direct.stores.snapshots.loadScorecard('pod:bulk-00')).toBeNull();
    expect((await direct.stores.snapshots.loadScorecard('pod:recsys'))?.asOf).toBe(AS2);

    await faulty.stores.snapshots.saveSnapshots(AS_FAKE, cards, { runId: 'bulk' });
    expect(await direct.stores.snapshots.listAsOfs()).toEqual([AS1, AS2, AS_FAKE]);
    expect((await direct.stores.snapshots.loadAllAt(AS_FAKE)).length).toBe(cards.length);
  });

  it('fails only the binding whose normalised data cannot be stored and keeps its previous data and cursor', async () => {
    const target = 'pod:recsys/jira';
    const before = await dumpStores(direct.stores, { table: TABLE, bucket: BUCKET });
    // The binding has something new to store at AS3 (a binding that brings nothing new writes nothing), and every
    // write of its normalised data (its month partitions and their index) fails for good.
    const project = org.domains.flatMap((d) => d.pods).find((p) => `pod:${p.id}/jira` === target)?.sources.jira?.projects?.[0];
    if (project === undefined) throw new Error(`no Jira project for ${target}`);
    (sandboxes.worlds.jira as JiraWorld).addIssue({ projectKey: project, created: new Date('2026-11-24T12:00:00.000Z') });
    s3Proxy.addRule({ operation: 'PutObject', contains: activitiesPrefix(target), kind: 'slow-down' });
    const { run } = await runScheduled(reliabilityDeps(org, faulty.stores, env), { asOf: AS3 });
    s3Proxy.clearRules();
    expect(run.status).toBe('completed');
    const failed = run.bindings.filter((b) => b.status === 'failed');
    expect(failed.map((b) => b.bindingId)).toEqual([target]);
    expect(failed[0]?.errorClass).toBe('StorageError');
    expect(run.unitsScored).toBe((await direct.stores.snapshots.loadAllAt(AS3)).length);

    const after = await dumpStores(direct.stores, { table: TABLE, bucket: BUCKET });
    const normalised = (m: Map<string, Buffer>): Array<[string, string]> =>
      [...m].filter(([k]) => k.startsWith(activitiesPrefix(target))).map(([k, v]) => [k, v.toString('base64')]);
    expect(normalised(before.objects).length).toBeGreaterThan(0);
    expect(normalised(after.objects)).toEqual(normalised(before.objects));
    const ck = cursorKey(target);
    expect(after.items.get(`${ck.PK}|${ck.SK}`)).toBe(before.items.get(`${ck.PK}|${ck.SK}`));
  });
});
