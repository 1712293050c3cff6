import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUnits } from '../../shared/org/index.js';
import type { OrgConfig } from '../../shared/org/index.js';
import { loadDemoOrg, startSandboxes } from '../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../shared/sandbox/index.js';
import { runRadar, subsetOrg, writeOrgYaml } from '../helpers/fault-kit.js';
import type { CliResult } from '../helpers/fault-kit.js';
import { apiTexts, findLeaks, secretForms, storedTexts } from '../helpers/fault-scan.js';
import type { Scanned } from '../helpers/fault-scan.js';
import { startLocalStores } from '../helpers/local-servers.js';
import type { LocalStores } from '../helpers/local-servers.js';

// Secret canary: the sandboxes accept only freshly drawn CANARY-… credentials, and `radar run` (a child process,
// verbose and debug logging on) runs with them: once cleanly, once with wrong credentials and vendors that echo
// the credential in their error bodies, once with a credential missing. Then every log line, run record, stored
// item and object (gzip opened), API response and `radar explain` output is searched for every canary, as is,
// base64 (alone and as Basic `user:secret`) and URL-encoded. None may appear anywhere.

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const hex = randomBytes(8).toString('hex');
const CANARY: Record<string, string> = {
  RADAR_JIRA_EMAIL: `CANARY-${hex}-jira-user`,
  RADAR_JIRA_TOKEN: `CANARY-${hex}-jira-token`,
  RADAR_GITHUB_TOKEN: `CANARY-${hex}-github-token`,
  RADAR_MLFLOW_USERNAME: `CANARY-${hex}-mlflow-user`,
  RADAR_MLFLOW_PASSWORD: `CANARY-${hex}-mlflow-password`,
  RADAR_ACTOR_HASH_KEY: `CANARY-${hex}-actor-key`,
};
const WRONG = { RADAR_JIRA_TOKEN: `CANARY-${hex}-wrong-jira-token`, RADAR_MLFLOW_PASSWORD: `CANARY-${hex}-wrong-mlflow-password` };

let sandboxes: RunningSandboxes;
let local: LocalStores;
let org: OrgConfig;
let config: string;
const outputs: Scanned[] = [];

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR, weeks: 8, credentials: { ...CANARY } });
  local = await startLocalStores();
  org = subsetOrg(await loadDemoOrg(), sandboxes.urls, { copilot: true });
  config = writeOrgYaml(org);
});

afterAll(async () => {
  await local?.close();
  await sandboxes?.close();
});

async function radar(label: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const res = await runRadar(args, { ...env, ...local.env, RADAR_DEBUG: '1', RADAR_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'radar-canary-')), '.radar') });
  outputs.push({ where: `${label} stdout`, text: res.stdout }, { where: `${label} stderr`, text: res.stderr });
  return res;
}

describe('secret canary', () => {
  it('collects with the canary credentials the sandboxes accept', async () => {
    const res = await radar('run 1', ['run', '--config', config, '--as-of', '2026-11-23', '--verbose'], CANARY);
    expect(res.code, res.stderr).toBe(0);
    const runs = await local.stores.runs.listRuns(10);
    expect(runs[0]?.bindings.filter((b) => b.status !== 'ok')).toEqual([]);
  });

  it('records failures from wrong credentials and vendors that echo the credential', async () => {
    // Vendors sometimes quote what they were sent: an MLflow proxy echoing the Authorization header and the
    // password, GitHub a validation message with the token.
    const basic = Buffer.from(`${CANARY.RADAR_MLFLOW_USERNAME}:${CANARY.RADAR_MLFLOW_PASSWORD}`).toString('base64');
    sandboxes.faults.add({
      api: 'mlflow', path: 'runs/search',
      fault: { kind: 'status', status: 400, body: JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: `bad request from Basic ${basic} (password ${CANARY.RADAR_MLFLOW_PASSWORD})` }) },
    });
    sandboxes.faults.add({
      api: 'github', path: '/graphql',
      fault: { kind: 'status', status: 422, body: JSON.stringify({ message: `Validation Failed: token ${CANARY.RADAR_GITHUB_TOKEN} is not allowed here`, documentation_url: 'https://docs.github.com/rest' }) },
    });
    try {
      const res = await radar('run 2', ['run', '--config', config, '--as-of', '2026-11-24', '--verbose'], { ...CANARY, RADAR_JIRA_TOKEN: WRONG.RADAR_JIRA_TOKEN });
      expect(res.code, res.stderr).toBe(0);
    } finally {
      sandboxes.faults.clear();
    }
    const res3 = await radar('run 3', ['run', '--config', config, '--as-of', '2026-11-25', '--verbose'], { ...CANARY, RADAR_MLFLOW_PASSWORD: WRONG.RADAR_MLFLOW_PASSWORD, RADAR_GITHUB_TOKEN: '' });
    expect(res3.code, res3.stderr).toBe(0);

    const runs = await local.stores.runs.listRuns(10);
    const failed = runs.flatMap((r) => r.bindings.filter((b) => b.status === 'failed'));
    const codes = new Set(failed.map((b) => b.errorCode));
    // The failure paths really ran: 401s, the echoing 400/422 bodies, and the missing credential.
    for (const code of ['HTTP_401', 'HTTP_400', 'HTTP_422', 'CREDENTIAL_MISSING']) expect(codes, [...codes].join(',')).toContain(code);
    expect(failed.every((b) => (b.message ?? '').length > 0)).toBe(true);
    console.log(`failure reasons recorded:\n${[...new Map(failed.map((b) => [b.errorCode, `  ${b.bindingId}: ${b.errorCode} ${b.message ?? ''}`])).values()].join('\n')}`);
  });

  it('finds no canary in any log, run record, stored item or object, API response or explain output', async () => {
    await radar('explain org', ['explain', 'org', '--json'], CANARY);
    await radar('explain pod', ['explain', 'pod:recsys'], CANARY);
    const stored = await storedTexts(local.stores, { table: local.env.RADAR_TABLE, bucket: local.env.RADAR_BUCKET });
    const api = await apiTexts(local.stores, listUnits(org).map((u) => u.ref));
    const needles = secretForms({ ...CANARY, ...WRONG }, [
      [CANARY.RADAR_JIRA_EMAIL ?? '', CANARY.RADAR_JIRA_TOKEN ?? ''],
      [CANARY.RADAR_JIRA_EMAIL ?? '', WRONG.RADAR_JIRA_TOKEN],
      [CANARY.RADAR_MLFLOW_USERNAME ?? '', CANARY.RADAR_MLFLOW_PASSWORD ?? ''],
      [CANARY.RADAR_MLFLOW_USERNAME ?? '', WRONG.RADAR_MLFLOW_PASSWORD],
    ]);
    const all = [...outputs, ...stored, ...api];
    console.log(
      `secret canary: ${needles.length} needle forms searched in ${outputs.length} CLI streams ` +
        `(${outputs.reduce((n, o) => n + o.text.length, 0)} chars), ${stored.length} stored items/objects, ${api.length} API responses`,
    );
    expect(stored.length).toBeGreaterThan(50);
    // Control: the search does find a canary where one is (Basic auth form, as the echoing vendor sent it).
    const basic = Buffer.from(`${CANARY.RADAR_MLFLOW_USERNAME}:${CANARY.RADAR_MLFLOW_PASSWORD}`).toString('base64');
    expect(findLeaks([{ where: 'control', text: `Authorization: Basic ${basic}` }], needles)).not.toEqual([]);
    expect(findLeaks(all, needles)).toEqual([]);
  });
});
