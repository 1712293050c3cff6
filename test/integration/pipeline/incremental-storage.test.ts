import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../../shared/org/index.js';
import { listBindings } from '../../../shared/org/index.js';
import { runScheduled } from '../../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../../shared/sandbox/index.js';
import type { JiraWorld } from '../../../shared/sandbox/jira/world.js';
import { activitiesIndexKey, activitiesPartitionKey, activitiesPrefix } from '../../../shared/storage/index.js';
import { dumpStores } from '../../helpers/fault-kit.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import type { LocalStores } from '../../helpers/local-servers.js';
import { pipelineDeps, smallOrg } from './helpers.js';

// Incremental storage over dynalite + s3rver and the sandboxes: the next day's run of an organisation whose
// sources served nothing new writes no normalised bytes at all, and a change in one month rewrites that month's
// partition (and the index, for a new id) of that one binding, nothing else.

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const DAY_MS = 86_400_000;
const asOf = (days: number): string => new Date(ANCHOR.getTime() + days * DAY_MS).toISOString();
const env = { ...DEMO_CREDENTIALS };

let sandboxes: RunningSandboxes;
let org: OrgConfig;
let local: LocalStores;

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR, weeks: 12 });
  org = smallOrg(await loadDemoOrg(), sandboxes.urls);
  local = await startLocalStores();
});
afterAll(async () => {
  await local?.close();
  await sandboxes?.close();
});

/** Every object under normalised/, key → bytes (base64). */
async function normalisedObjects(): Promise<Map<string, string>> {
  const dump = await dumpStores(local.stores, { table: local.env.RADAR_TABLE, bucket: local.env.RADAR_BUCKET });
  return new Map([...dump.objects].filter(([k]) => k.startsWith('normalised/')).map(([k, v]) => [k, v.toString('base64')]));
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k)).sort();
}

describe('incremental storage of normalised activities', () => {
  it('writes 0 normalised bytes on the next run when the sources served nothing new, and only the touched month after a change', async () => {
    const deps = pipelineDeps(org, local.stores, env);
    const first = await runScheduled(deps, { asOf: asOf(0) });
    expect(first.run.bindings.filter((b) => b.status !== 'ok')).toEqual([]);
    const afterFirst = await normalisedObjects();
    // Twelve weeks of history: every binding with data spans several month partitions.
    const jiraBinding = listBindings(org).find((b) => b.source === 'jira');
    if (!jiraBinding) throw new Error('no jira binding in the test org');
    const jiraMonths = [...afterFirst.keys()].filter((k) => k.startsWith(activitiesPrefix(jiraBinding.id)) && k.endsWith('.jsonl.gz'));
    expect(jiraMonths.length).toBeGreaterThanOrEqual(3);

    // The next day: nothing new in any source.
    local.stores.resetMetrics();
    const second = await runScheduled(deps, { asOf: asOf(1) });
    expect(second.run.bindings.filter((b) => b.status !== 'ok')).toEqual([]);
    const m = local.stores.metrics();
    expect(m.putBytes.normalised ?? 0).toBe(0);
    expect(m.putBytes.raw ?? 0).toBeGreaterThan(0); // the run did collect (raw pages stored), it only stored no new activities
    expect(changed(afterFirst, await normalisedObjects())).toEqual([]);

    // One new Jira issue in November: that binding's November partition and its index (a new id) change, nothing else.
    const pod = org.domains.flatMap((d) => d.pods).find((p) => `pod:${p.id}/jira` === jiraBinding.id);
    const project = pod?.sources.jira?.projects?.[0];
    if (project === undefined) throw new Error(`no Jira project for ${jiraBinding.id}`);
    (sandboxes.worlds.jira as JiraWorld).addIssue({ projectKey: project, created: new Date(ANCHOR.getTime() + 1.5 * DAY_MS) });
    const beforeChange = await normalisedObjects();
    local.stores.resetMetrics();
    const third = await runScheduled(deps, { asOf: asOf(2) });
    expect(third.run.bindings.filter((b) => b.status !== 'ok')).toEqual([]);
    expect(changed(beforeChange, await normalisedObjects())).toEqual([activitiesPartitionKey(jiraBinding.id, '2026-11'), activitiesIndexKey(jiraBinding.id)].sort());
    expect(local.stores.metrics().putBytes.normalised ?? 0).toBeGreaterThan(0);
  });
});
