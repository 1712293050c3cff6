import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, FaultRegistry, startSandboxes } from '../../../shared/sandbox/index.js';

const BIN = fileURLToPath(new URL('../../../shared/cli/bin.js', import.meta.url));
const GH_TOKEN = DEMO_CREDENTIALS.RADAR_GITHUB_TOKEN as string;

describe('startSandboxes', () => {
  it('serves the demo GitHub history on a free port with the demo token and closes cleanly', async () => {
    const faults = new FaultRegistry();
    const running = await startSandboxes({ port: 0, anchor: new Date('2026-11-23T00:00:00Z'), weeks: 4, faults });
    try {
      expect(running.faults).toBe(faults);
      expect(running.urls.github).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${running.urls.github}/orgs/acme/repos?per_page=100`, { headers: { authorization: `Bearer ${GH_TOKEN}` } });
      expect(res.status).toBe(200);
      const repos = (await res.json()) as Array<{ full_name: string }>;
      expect(repos.map((r) => r.full_name).sort()).toEqual([...running.worlds.github.repos.keys()].sort());
      expect(faults.requests.github).toBe(1);
    } finally {
      await running.close();
    }
    await expect(fetch(`${running.urls.github}/rate_limit`)).rejects.toThrow();
  });

  it('starts each simulator that exists on its own port', async () => {
    const running = await startSandboxes({ port: 0, weeks: 2 });
    try {
      const urls = Object.values(running.urls).filter((u) => u !== '');
      expect(new Set(urls).size).toBe(urls.length);
      expect(urls.length).toBeGreaterThanOrEqual(1);
    } finally {
      await running.close();
    }
  });
});

describe('radar sandbox', () => {
  it('prints one URL line per API and the demo credentials, then stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    const credentialLines = Object.entries(DEMO_CREDENTIALS).map(([k, v]) => `${k}=${v}`);
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (credentialLines.every((l) => out.includes(l))) resolve();
      });
      child.once('exit', (code) => reject(new Error(`radar sandbox exited early with ${code}`)));
    });
    const lines = out.trim().split('\n');
    const urlLines = lines.filter((l) => /^(jira|github|mlflow) /.test(l));
    expect(urlLines.every((l) => /^(jira|github|mlflow) http:\/\/127\.0\.0\.1:\d+$/.test(l))).toBe(true);
    expect(urlLines.map((l) => l.split(' ')[0])).toContain('github');
    expect(lines.slice(urlLines.length)).toEqual(credentialLines);
    const github = urlLines.find((l) => l.startsWith('github '))?.split(' ')[1] as string;
    const res = await fetch(`${github}/repos/acme/recsys`, { headers: { authorization: `Bearer ${GH_TOKEN}` } });
    expect(res.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
