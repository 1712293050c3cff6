import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/kernel/index.js';
import { openStores, rawPageKey } from '../../../shared/storage/index.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import { makeActivity, makeCard, makeRun } from './fixtures.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'radar-embedded-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('embedded storage mode', () => {
  it('starts dynalite and s3rver on 127.0.0.1 when no endpoint is set', async () => {
    const opened = await openStores({ RADAR_DATA_DIR: tempDataDir() }, { mode: 'local' });
    cleanups.push(() => opened.close());
    expect(opened.endpoints.dynamodb).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(opened.endpoints.s3).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(opened.table).toBe('radar');
    expect(opened.bucket).toBe('radar-data');
  });

  it('keeps snapshots, runs, cursors and objects across a restart on the same data directory', async () => {
    const env = { RADAR_DATA_DIR: tempDataDir(), RADAR_TABLE: 'radar-restart', RADAR_BUCKET: 'radar-restart' };
    const card = makeCard('pod:persist', '2026-01-05');
    const run = makeRun('run-persist', '2026-01-05T06:00:00.000Z');
    const key = rawPageKey('github', 'pod:persist/github', 'run-persist', 0);

    const first = await openStores(env, { mode: 'local' });
    await first.stores.snapshots.saveSnapshots('2026-01-05', [card], { runId: run.runId });
    await first.stores.runs.saveRun(run);
    await first.stores.cursors.saveCursor('pod:persist/github', { page: 4 }, '2026-01-05');
    await first.stores.objects.putRawPage(key, { page: 0 });
    await first.stores.objects.saveActivities('pod:persist/github', [makeActivity(1, 'pod:persist/github')]);
    await first.close();

    const second = await openStores(env, { mode: 'local' });
    cleanups.push(() => second.close());
    expect(second.endpoints.dynamodb).not.toBe('');
    expect(await second.stores.snapshots.loadScorecard('pod:persist')).toEqual(card);
    expect(await second.stores.runs.listRuns()).toEqual([run]);
    expect(await second.stores.cursors.loadCursor('pod:persist/github')).toEqual({ cursor: { page: 4 }, asOf: '2026-01-05' });
    expect(await second.stores.objects.getRawPage(key)).toEqual({ page: 0 });
    expect(await second.stores.objects.loadActivities('pod:persist/github')).toEqual([makeActivity(1, 'pod:persist/github')]);
  });

  it('uses the servers named by RADAR_*_ENDPOINT instead of starting its own', async () => {
    const local = await startLocalStores({ table: 'shared-table', bucket: 'shared-bucket' });
    cleanups.push(() => local.close());
    await local.stores.cursors.saveCursor('pod:shared/jira', { startAt: 50 }, '2026-02-02');

    const opened = await openStores({ ...local.env, RADAR_DATA_DIR: tempDataDir() }, { mode: 'local' });
    cleanups.push(() => opened.close());
    expect(opened.endpoints).toEqual({ dynamodb: local.env.RADAR_DYNAMODB_ENDPOINT, s3: local.env.RADAR_S3_ENDPOINT });
    expect(opened.dataDir).toBeNull();
    expect(await opened.stores.cursors.loadCursor('pod:shared/jira')).toEqual({ cursor: { startAt: 50 }, asOf: '2026-02-02' });
  });

  it('counts storage calls per service and operation, starting after bootstrap', async () => {
    const local = await startLocalStores();
    cleanups.push(() => local.close());
    expect(local.stores.metrics()).toEqual({ calls: {}, dynamodb: 0, s3: 0, attempts: 0, putBytes: {} });
    await local.stores.cursors.saveCursor('pod:count/github', {}, '2026-01-01');
    await local.stores.cursors.loadCursor('pod:count/github');
    await local.stores.objects.loadActivities('pod:count/github');
    const counts = local.stores.metrics();
    // A binding with nothing stored: its partition index, then the single object of the older layout, are looked for.
    expect(counts.calls).toEqual({ 'dynamodb.PutItem': 1, 'dynamodb.GetItem': 1, 's3.GetObject': 2 });
    expect(counts.dynamodb).toBe(2);
    expect(counts.s3).toBe(2);
  });

  it('rejects an endpoint variable that is not an http URL, naming the variable', async () => {
    const err = await openStores({ RADAR_DYNAMODB_ENDPOINT: 'localhost:8000' }, { mode: 'local', inMemory: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]?.path).toBe('RADAR_DYNAMODB_ENDPOINT');
  });
});

describe('embedded storage data directory ownership', () => {
  async function holdDataDir(dataDir: string): Promise<{ endpoints: { dynamodb: string; s3: string }; stop(): Promise<void> }> {
    const child = spawn(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', fileURLToPath(new URL('./hold-data-dir.ts', import.meta.url))], {
      env: { ...process.env, RADAR_DATA_DIR: dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    return {
      endpoints: JSON.parse(line) as { dynamodb: string; s3: string },
      stop: async () => {
        child.stdin.end();
        await exited;
      },
    };
  }

  it('attaches to the servers of another live process that owns the data directory instead of opening it twice', async () => {
    const dataDir = tempDataDir();
    const holder = await holdDataDir(dataDir);
    cleanups.push(() => holder.stop());
    const opened = await openStores({ RADAR_DATA_DIR: dataDir }, { mode: 'local' });
    cleanups.push(() => opened.close());
    expect(opened.endpoints).toEqual(holder.endpoints);
    expect(await opened.stores.cursors.loadCursor('pod:child/github')).toEqual({ cursor: { from: 'child' }, asOf: '2026-03-03' });
  });

  it('takes over a data directory whose lock was left by a process that no longer runs', async () => {
    const dataDir = tempDataDir();
    const holder = await holdDataDir(dataDir);
    await holder.stop();
    // A crash leaves the lock behind; simulate it with the (now dead) holder's lock contents.
    writeFileSync(join(dataDir, 'radar.lock'), JSON.stringify({ pid: 2 ** 22 + 7, ...holder.endpoints }));
    const opened = await openStores({ RADAR_DATA_DIR: dataDir }, { mode: 'local' });
    cleanups.push(() => opened.close());
    expect(opened.endpoints).not.toEqual(holder.endpoints);
    expect(await opened.stores.cursors.loadCursor('pod:child/github')).toEqual({ cursor: { from: 'child' }, asOf: '2026-03-03' });
    expect(JSON.parse(readFileSync(join(dataDir, 'radar.lock'), 'utf8'))).toMatchObject({ pid: process.pid, ...opened.endpoints });
  });
});
