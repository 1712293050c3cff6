import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoAnchor } from '../../shared/sandbox/demo/profile.js';
import { runCapacityModel, renderCapacity } from './capacity.js';
import type { CapacityRow } from './capacity.js';
import { runColdStartBench } from './cold-start.js';
import { measureBundle, measureRender, seedSnapshots } from './dashboard.js';
import { figure, renderMarkdown, renderTable, since } from './lib/figures.js';
import type { Figure } from './lib/figures.js';
import { runScoringBench } from './scoring.js';
import { runStorageBench } from './storage.js';
import { runSyncBench } from './sync.js';
import type { SyncResult } from './sync.js';

// `npm run bench`: every figure of issue 10 measured side by side in one run on this machine, printed as a table
// and written to bench-results.json. Sizes can be changed with BENCH_* variables (defaults fit ~5 min on 2 cores).

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const num = (name: string, dflt: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
};
const SHAPE = {
  pods: num('BENCH_PODS', 40),
  reposPerPod: num('BENCH_REPOS_PER_POD', 2),
  weeks: num('BENCH_WEEKS', 52),
  scoringSizes: (process.env.BENCH_SCORING_SIZES ?? '100,1000').split(',').map(Number).filter((n) => n > 0),
  dashboardPods: num('BENCH_DASHBOARD_PODS', 200),
  dashboardWeeks: num('BENCH_DASHBOARD_WEEKS', 156),
};

// The embedded S3 server writes every object to a temp directory; on tmpfs that costs what S3 would, not a disk.
if (existsSync('/dev/shm') && process.env.TMPDIR === undefined) process.env.TMPDIR = '/dev/shm';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const figures: Figure[] = [];
const details: Record<string, unknown> = {};
const errors: Array<{ section: string; message: string }> = [];
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

// BENCH_ONLY=dashboard,storage runs only the named sections (by the word after the number) plus what they need
// (sync, whose activities and stores the others read); unset, every section runs. The dashboard seeds its own
// store (BENCH_DASHBOARD_PODS × BENCH_DASHBOARD_WEEKS) from tiled sync activities, so a small sync is enough for it:
// `BENCH_ONLY=dashboard BENCH_PODS=4 BENCH_WEEKS=26 npm run bench` measures the 200 × 156 render after a ~30 s sync.
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
const wanted = (name: string): boolean => ONLY.length === 0 || name.endsWith(' sync') || ONLY.some((o) => name.endsWith(` ${o}`));

async function section<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (!wanted(name)) return undefined;
  log(`== ${name}`);
  const t = performance.now();
  try {
    const out = await fn();
    log(`   done in ${(since(t) / 1000).toFixed(1)} s`);
    return out;
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    errors.push({ section: name, message });
    figures.push(figure(name, 'section failed', 0, '', 1, 'min', message.slice(0, 200)));
    log(`   FAILED: ${message}`);
    return undefined;
  }
}

const started = performance.now();
const work = mkdtempSync(join(tmpdir(), 'radar-bench-'));
const activitiesFile = join(work, 'activities.jsonl');
const anchor = demoAnchor(new Date());
let sync: SyncResult | undefined;
let capacity: CapacityRow[] = [];
let scoringDetail: Record<string, unknown> | undefined;
let dash: Awaited<ReturnType<typeof seedSnapshots>> | undefined;
try {
  await section('5 cold start', async () => {
    const r = await runColdStartBench(ROOT);
    figures.push(...r.figures);
    details.coldStart = r.detail;
  });

  sync = await section('1 sync', async () => {
    const r = await runSyncBench({ pods: SHAPE.pods, reposPerPod: SHAPE.reposPerPod, weeks: SHAPE.weeks, anchor }, log, activitiesFile);
    figures.push(...r.figures);
    details.sync = r.detail;
    return r;
  });

  if (sync) {
    const asOf = sync.asOf;
    await section('2 scoring', async () => {
      const r = runScoringBench(ROOT, activitiesFile, asOf, SHAPE.scoringSizes, log);
      figures.push(...r.figures);
      details.scoring = r.detail;
      scoringDetail = r.detail;
    });
  }

  await section('4 dashboard', async () => {
    const bundle = await measureBundle(ROOT);
    figures.push(...bundle.figures);
    details.dashboardBundle = bundle.detail;
    if (!sync) throw new Error('the render needs the sync section’s activities');
    execFileSync('bash', [join(ROOT, 'test/e2e/ensure-chromium.sh')], { stdio: 'inherit' });
    dash = await seedSnapshots(activitiesFile, SHAPE.dashboardPods, SHAPE.dashboardWeeks, anchor, log);
    const render = await measureRender(dash.stores, SHAPE.dashboardPods, SHAPE.dashboardWeeks);
    figures.push(...render.figures);
    details.dashboardRender = render.detail;
  });

  if (sync) {
    const s = sync;
    await section('3 storage', async () => {
      const views = dash
        ? { stores: dash.stores, pod: dash.pod, label: `${SHAPE.dashboardPods} pods × ${SHAPE.dashboardWeeks} weeks` }
        : { stores: s.deps.stores as never, pod: `pod:${s.org.domains[0]?.pods[0]?.id ?? ''}`, label: 'sync stores' };
      const r = await runStorageBench(s, views);
      figures.push(...r.figures);
      details.storage = r.detail;
    });
    await section('6 capacity', async () => {
      const r = await runCapacityModel(s, scoringDetail);
      figures.push(...r.figures);
      capacity = r.rows;
      details.capacity = r.detail;
    });
  }
} finally {
  await dash?.close();
  await sync?.close();
  rmSync(work, { recursive: true, force: true });
}

const order = ['1', '2', '3', '4', '5', '6'];
figures.sort((a, b) => order.indexOf(a.section[0] ?? '') - order.indexOf(b.section[0] ?? ''));
const totalSeconds = since(started) / 1000;
figures.push(figure('total', 'bench wall time', Math.round(totalSeconds), 's', 900, 'max', `${cpus().length} cores`));

const results = {
  generatedAt: new Date().toISOString(),
  command: 'npm run bench',
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  shape: SHAPE,
  totalSeconds,
  figures,
  capacity,
  errors,
  details,
};
if (!ONLY.length) writeFileSync(join(ROOT, 'bench-results.json'), `${JSON.stringify(results, null, 2)}\n`);
log('');
log(renderTable(figures));
log('');
log(renderCapacity(capacity));
log('');
log(`Markdown table:\n${renderMarkdown(figures)}`);
log(`\nbench-results.json written; ${figures.filter((f) => f.status === 'miss').length} target(s) missed; ${errors.length} section error(s); ${totalSeconds.toFixed(0)} s`);
process.exitCode = errors.length > 0 ? 1 : 0;
