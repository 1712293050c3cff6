import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderContentSecurityPolicy } from '../../../dashboard/src/csp.js';
import { serveDashboard } from '../../../shared/api/index.js';
import type { DashboardServer } from '../../../shared/api/index.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import type { LocalStores } from '../../helpers/local-servers.js';

// `radar serve` without --auth answers only this machine: requests naming another host (DNS rebinding) are
// refused, a non-loopback interface is refused without sign-in, and the one CSP is sent.

let local: LocalStores;
let server: DashboardServer;

beforeAll(async () => {
  local = await startLocalStores();
  server = await serveDashboard({ snapshots: local.stores.snapshots, runs: local.stores.runs, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await local?.close();
});

/** GET with an explicit Host header (fetch() does not let a caller set Host). */
function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('radar serve (no sign-in)', () => {
  it('refuses a request whose Host is not loopback with 421, for the API and the app shell', async () => {
    const port = new URL(server.url).port;
    expect((await getWithHost('/api/units/org', 'evil.example')).status).toBe(421);
    expect((await getWithHost('/api/units/org', `evil.example:${port}`)).status).toBe(421);
    expect((await getWithHost('/', `127.0.0.1.evil.example:${port}`)).status).toBe(421);
  });

  it('answers loopback names with the port', async () => {
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await getWithHost('/api/asofs', host)).status, host).toBe(200);
    }
  });

  it('sends the Content-Security-Policy defined in dashboard/src/csp.ts', async () => {
    const res = await fetch(server.url);
    expect(res.headers.get('content-security-policy')).toBe(renderContentSecurityPolicy([]));
  });

  it('says in /config.json that sign-in is off', async () => {
    expect(await (await fetch(new URL('config.json', server.url))).json()).toEqual({ apiBase: '/api', auth: null });
  });

  it('refuses to listen on a non-loopback interface without sign-in', async () => {
    await expect(serveDashboard({ snapshots: local.stores.snapshots, runs: local.stores.runs, port: 0, host: '0.0.0.0' })).rejects.toThrow(/needs sign-in/);
  });
});

describe('radar serve --host', () => {
  it('exits 2 with a clear error for --host 0.0.0.0 without --auth, before opening storage', () => {
    const bin = fileURLToPath(new URL('../../../shared/cli/bin.js', import.meta.url));
    const out = spawnSync(process.execPath, [bin, 'serve', '--host', '0.0.0.0', '--port', '0'], {
      encoding: 'utf8',
      env: { ...process.env, RADAR_DATA_DIR: '/nonexistent/radar-must-not-be-created' },
      timeout: 30_000,
    });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/--host 0\.0\.0\.0 .*without sign-in; add --auth/);
    expect(out.stdout).not.toContain('dashboard http');
  });
});
