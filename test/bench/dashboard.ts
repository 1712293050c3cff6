import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serveDashboard } from '../../shared/api/index.js';
import { ensureDashboardBuilt } from '../../shared/api/serve.js';
import { defaultRubric } from '../../shared/rubric/index.js';
import { levelFromScore, scoreOrganisation } from '../../shared/scoring/index.js';
import type { UnitScorecard } from '../../shared/scoring/types.js';
import type { Activity } from '../../shared/sources/contract.js';
import { openStores } from '../../shared/storage/index.js';
import type { RadarStores } from '../../shared/storage/index.js';
import { chromiumPath } from '../e2e/browser.js';
import { figure, since } from './lib/figures.js';
import type { Figure } from './lib/figures.js';
import { tileOrganisation } from './lib/tile.js';

// Section 4: the dashboard's initial JS/CSS (gzip) from the product's own Vite build, and the executive view's
// render time in headless Chromium over stores holding `pods` pods × `weeks` weekly snapshots. The snapshots are
// the real scorecards of a tiled organisation scored once, repeated back in time with a deterministic drift in
// score and level so that every trend chart has a full history to draw.

const WEEK_MS = 7 * 86_400_000;
const RENDER_SAMPLES = 3;

/** Vite build sizes of the entry JS and CSS that index.html loads (lazy chunks excluded). */
export async function measureBundle(root: string): Promise<{ figures: Figure[]; detail: Record<string, unknown> }> {
  const dist = await ensureDashboardBuilt(join(root, 'dashboard'));
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
  let js = 0;
  let css = 0;
  for (const ref of refs) {
    const gz = gzipSync(readFileSync(join(dist, ref)), { level: 9 }).length;
    if (ref.endsWith('.js')) js += gz;
    else css += gz;
  }
  return {
    figures: [
      figure('4 dashboard', 'initial JS (gzip)', Math.round((js / 1024) * 10) / 10, 'KB', 120, 'max', refs.filter((r) => r.endsWith('.js')).join(', ')),
      figure('4 dashboard', 'initial CSS (gzip)', Math.round((css / 1024) * 10) / 10, 'KB', null, 'info'),
    ],
    detail: { files: refs, jsGzipBytes: js, cssGzipBytes: css },
  };
}

function drift(card: UnitScorecard, weeksBack: number): UnitScorecard {
  const wobble = (s: number) => Math.max(0, Math.min(100, Math.round((s - weeksBack * 0.12 + 4 * Math.sin(weeksBack / 5 + card.id.length)) * 10) / 10));
  const out: UnitScorecard = { ...card };
  if (card.score !== undefined) {
    out.score = wobble(card.score);
    out.level = levelFromScore(out.score);
  }
  if (card.principles) out.principles = card.principles.map((p) => (p.score === undefined ? p : { ...p, score: wobble(p.score), level: levelFromScore(wobble(p.score)) }));
  return out;
}

/** Seeds stores with `weeks` weekly snapshots of a `pods`-pod organisation; returns the stores and a pod ref. */
export async function seedSnapshots(activitiesFile: string, pods: number, weeks: number, anchor: Date, log: (l: string) => void): Promise<{ stores: RadarStores; pod: string; cards: number; close(): Promise<void> }> {
  const tiled = tileOrganisation(activitiesFile, pods);
  const activities: Activity[] = [];
  for (const text of tiled.texts()) for (const a of JSON.parse(text) as Activity[]) activities.push(a);
  const cards = scoreOrganisation({ org: tiled.org, rubric: defaultRubric, asOf: anchor.toISOString(), activities, sources: tiled.sources });
  activities.length = 0;
  const opened = await openStores({ RADAR_TABLE: 'radar-dash', RADAR_BUCKET: 'radar-dash' }, { mode: 'local', inMemory: true });
  const t = performance.now();
  for (let w = weeks - 1; w >= 0; w--) {
    const asOf = new Date(anchor.getTime() - w * WEEK_MS).toISOString();
    await opened.stores.snapshots.saveSnapshots(asOf, cards.map((c) => ({ ...drift(c, w), asOf })), { runId: `bench-${asOf}` });
  }
  log(`  seeded ${cards.length} units × ${weeks} weeks in ${(since(t) / 1000).toFixed(1)} s`);
  const pod = cards.find((c) => c.kind === 'pod')?.unit ?? 'pod:pod-0000';
  return { stores: opened.stores, pod, cards: cards.length, close: () => opened.close() };
}

/** Time from navigation start to every executive chart drawn, in fresh browser contexts (median of 3). */
export async function measureRender(stores: RadarStores, pods: number, weeks: number): Promise<{ figures: Figure[]; detail: Record<string, unknown> }> {
  const server = await serveDashboard({ snapshots: stores.snapshots, runs: stores.runs, port: 0 });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const samples: number[] = [];
  const charts: number[] = [];
  // The executive view's API request timed on its own (warm server), to tell API time from browser time.
  const apiMs: Record<string, number> = {};
  for (const path of ['api/overview?weeks=4']) {
    const t = performance.now();
    const res = await fetch(new URL(path, server.url));
    await res.arrayBuffer();
    apiMs[path] = Math.round(since(t));
  }
  try {
    for (let i = 0; i < RENDER_SAMPLES; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(new URL('#/', server.url).toString());
      // Drawn = the view is no longer busy, every canvas on it has a Chart.js chart, and a frame has been painted
      // since; performance.now() in the page counts from navigation start.
      const handle = await page.waitForFunction(
        () => {
          const main = document.querySelector('main');
          const canvases = [...document.querySelectorAll('canvas')];
          const w = window as unknown as { Chart?: { getChart(c: HTMLCanvasElement): unknown } };
          if (main?.getAttribute('aria-busy') !== 'false' || canvases.length === 0 || !w.Chart) return false;
          if (!canvases.every((c) => w.Chart?.getChart(c) !== undefined)) return false;
          return { at: performance.now(), charts: canvases.length };
        },
        undefined,
        { polling: 'raf', timeout: 30_000 },
      );
      const r = (await handle.jsonValue()) as { at: number; charts: number };
      samples.push(r.at);
      charts.push(r.charts);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  return {
    figures: [figure('4 dashboard', `executive view drawn, ${pods} pods × ${weeks} weeks`, Math.round(median), 'ms', 1000, 'max', `median of ${RENDER_SAMPLES} fresh contexts; ${charts[0] ?? 0} charts; API ${Object.values(apiMs).join('+')} ms`)],
    detail: { renderMsSamples: samples.map((s) => Math.round(s)), charts, apiMs },
  };
}
