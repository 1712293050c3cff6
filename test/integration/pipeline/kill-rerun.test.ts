import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../../shared/org/index.js';
import { runScheduled } from '../../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../../shared/sandbox/index.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import { pipelineDeps, smallOrg, storedState, writeOrgFile } from './helpers.js';

// A run killed with SIGKILL part-way (the CLI as a child process against the same stores) and then rerun must end
// in the same stored snapshots and normalised data as a run that was never interrupted.

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const AS_OF = ANCHOR.toISOString();
const BIN = fileURLToPath(new URL('../../../shared/cli/bin.js', import.meta.url));

let sandboxes: RunningSandboxes;
let org: OrgConfig;

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR });
  org = smallOrg(await loadDemoOrg(), sandboxes.urls);
});
afterAll(async () => {
  await sandboxes.close();
});

function runCli(args: string[], env: Record<string, string>, killAfter?: RegExp): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // NODE_OPTIONS carries the legacy-provider flag so bin.js runs in this process and SIGKILL hits the real worker.
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env, NODE_OPTIONS: '--openssl-legacy-provider', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (killAfter && killAfter.test(stderr) && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('a run killed mid-way', () => {
  it('ends, once rerun, in the same snapshots and normalised data as an uninterrupted run', async () => {
    const killed = await startLocalStores();
    const clean = await startLocalStores();
    try {
      const config = writeOrgFile(org);
      const env = { ...DEMO_CREDENTIALS, ...killed.env };
      const first = await runCli(['run', '--config', config, '--as-of', AS_OF], env, /bindings 2\/\d+/);
      expect(first.signal).toBe('SIGKILL');
      expect(await killed.stores.snapshots.listAsOfs()).toEqual([]);

      const rerun = await runCli(['run', '--config', config, '--as-of', AS_OF], env);
      expect(rerun.code).toBe(0);

      await runScheduled(pipelineDeps(org, clean.stores, { ...DEMO_CREDENTIALS }), { asOf: AS_OF });
      const a = await storedState(killed.stores, org, AS_OF);
      const b = await storedState(clean.stores, org, AS_OF);
      expect(a.snapshots).toBe(b.snapshots);
      expect(a.normalised).toBe(b.normalised);
    } finally {
      await killed.close();
      await clean.close();
    }
  });
});
