import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrgTrendResponse, UnitResponse, UnitsResponse } from '../../shared/api/contract.js';
import { serveDashboard } from '../../shared/api/index.js';
import type { DashboardServer } from '../../shared/api/index.js';
import { startLocalStores } from '../helpers/local-servers.js';
import type { LocalStores } from '../helpers/local-servers.js';
import { seedScoredDemo } from '../helpers/seed-scored.js';
import { startSandboxes } from '../../shared/sandbox/index.js';
import { launchChromium } from './browser.js';

// The dashboard over REAL scored data: sandboxes → connectors → pipeline backfill → scoring engine → dynalite,
// then served and driven in Chromium. The fixture-based suite (dashboard.test.ts) pins exact edge cases; this one
// proves the views draw whatever the real engine produces.

const OUT = 'test-output';
const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const WEEKS = 8;
let local: LocalStores;
let server: DashboardServer;
let chromium: { browser: Browser; close(): Promise<void> };
let page: Page;
let errors: string[] = [];

async function api<T>(path: string): Promise<T> {
  const res = await fetch(new URL(`api/${path}`, server.url));
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function open(hash: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  page = await chromium.browser.newPage({ viewport });
  errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${server.url}${hash}`);
  await page.waitForSelector('main[aria-busy="false"]');
  return page;
}

async function firstDataset(p: Page, id: string): Promise<(number | null)[]> {
  return p.evaluate((canvasId) => {
    const chart = window.Chart.getChart(document.getElementById(canvasId) as HTMLCanvasElement);
    return (chart?.data.datasets[0]?.data ?? []) as (number | null)[];
  }, id);
}

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  local = await startLocalStores();
  const scored = await seedScoredDemo(local.stores, { anchor: ANCHOR, weeks: WEEKS });
  expect(scored).toHaveLength(WEEKS);
  server = await serveDashboard({ snapshots: local.stores.snapshots, runs: local.stores.runs, port: 0 });
  chromium = await launchChromium();
  // Collecting the whole demo org from the sandboxes and scoring it takes minutes on a small machine.
}, 420_000);

afterEach(async () => {
  await page?.close();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await local?.close();
});

describe('dashboard over scored demo data', () => {
  it('draws the executive view from the engine’s organisation trend', async () => {
    const trend = await api<OrgTrendResponse>('org/trend');
    expect(trend.points).toHaveLength(WEEKS);
    const p = await open('#/');
    expect(await firstDataset(p, 'chart-org-score')).toEqual(trend.points.map((x) => x.score));
    expect(((await p.getByTestId('org-score').textContent()) ?? '').trim()).toBe(trend.points.at(-1)?.score?.toFixed(1) ?? '—');
    await p.screenshot({ path: `${OUT}/executive-scored.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('draws every pod scorecard with its signals, showing missing ones as missing', async () => {
    const { units } = await api<UnitsResponse>('units?kind=pod');
    expect(units).toHaveLength(13);
    const pod = units.find((u) => u.missingSignals > 0) ?? units[0];
    const { scorecard } = await api<UnitResponse>(`units/${pod?.unit}`);
    const p = await open(`#/unit/${scorecard.unit}`);
    expect(((await p.getByTestId('unit-name').textContent()) ?? '').trim()).toBe(scorecard.name);
    for (const s of scorecard.dimensions.flatMap((d) => d.signals)) {
      const shown = ((await p.getByTestId(`signal-value-${s.signalId}`).first().textContent()) ?? '').trim();
      if (s.status === 'missing') expect(shown).toBe('Missing');
      else {
        // The page rounds to one decimal (two below 1); compare the number it shows, not the raw float.
        const number = Number(/-?[\d.]+/.exec(shown)?.[0]);
        // Shares read as percentages; everything else as the number and its unit.
        if (s.unit === 'ratio') {
          expect(Math.abs(number / 100 - (s.value as number))).toBeLessThanOrEqual(0.0051);
          expect(shown).toContain('%');
        } else {
          expect(number).toBeCloseTo(s.value as number, 1);
          expect(shown).toContain(s.unit);
        }
      }
    }
    await p.screenshot({ path: `${OUT}/pod-scorecard-scored.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('draws a domain view with the engine’s rollup', async () => {
    const { units } = await api<UnitsResponse>('units?kind=domain');
    const domain = units[0]?.unit as string;
    const { scorecard } = await api<UnitResponse>(`units/${domain}`);
    const p = await open(`#/unit/${domain}`);
    if (scorecard.rollup) expect(await firstDataset(p, 'chart-members')).toEqual(scorecard.rollup.members.map((m) => m.score));
    await p.screenshot({ path: `${OUT}/domain-scored.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('shows the backfill run in run health', async () => {
    const p = await open('#/runs');
    expect(((await p.getByTestId('latest-run').textContent()) ?? '').trim()).toBe('2026-11-23');
    await p.screenshot({ path: `${OUT}/runs-scored.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('opens every evidence link of the recsys pod (Jira, MLflow, GitHub, Copilot) in the sandboxes’ web views, each page naming its item', async () => {
    // The snapshots were collected from sandboxes that have closed since; the same anchor and seed give the same
    // world, so the links are replayed against fresh sandboxes on new ports (path, query and fragment kept).
    const sb = await startSandboxes({ port: 0, host: '127.0.0.1', anchor: ANCHOR });
    try {
      const p = await open('#/unit/pod:recsys');
      const links = await p.locator('.evidence a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href') ?? '', label: (a.textContent ?? '').trim() })));
      const kindOf = (href: string): 'jira' | 'mlflow' | 'github' | 'copilot' | 'elsewhere' => {
        const u = new URL(href);
        if (u.hostname !== '127.0.0.1') return 'elsewhere';
        if (u.hash.startsWith('#/')) return 'mlflow';
        if (/^\/(browse|secure)\//.test(u.pathname)) return 'jira';
        return /^\/orgs\/[^/]+\/insights\/copilot-usage$/.test(u.pathname) ? 'copilot' : 'github';
      };
      // Every link points at a sandbox: none at the real github.com or an API endpoint elsewhere.
      expect(links.filter((l) => kindOf(l.href) === 'elsewhere').map((l) => l.href)).toEqual([]);
      const counts = { jira: 0, mlflow: 0, github: 0, copilot: 0, elsewhere: 0 };
      for (const l of links) counts[kindOf(l.href)] += 1;
      expect(counts.jira * counts.mlflow * counts.github * counts.copilot).toBeGreaterThan(0);
      // The identifying words of a label (repo, number, environment, id, day, key, tag), each of which the page must show.
      const tokensOf = (label: string): string[] => label.split(/\s+/).map((t) => t.replace(/,$/, '').replace(/^…/, ''))
        .filter((t) => t !== '' && t !== '→' && t !== 'run' && t !== 'Copilot');
      const viewer = await chromium.browser.newPage();
      try {
        for (const l of links) {
          const u = new URL(l.href);
          const kind = kindOf(l.href);
          const base = kind === 'mlflow' ? sb.urls.mlflow : kind === 'jira' ? sb.urls.jira : sb.urls.github;
          // From a blank page, so a link differing from the last one only after # is a real load with a response.
          await viewer.goto('about:blank');
          const res = await viewer.goto(`${base}${u.pathname}${u.search}${u.hash}`);
          expect(res?.status(), l.href).toBe(200);
          await viewer.waitForSelector('h1', { timeout: 5000 });
          expect(await viewer.title(), l.href).not.toContain('Not found');
          for (const t of tokensOf(l.label)) {
            // A model version's label says `v3` where its page says `version 3`.
            const alternatives = /^v\d+$/.test(t) ? [t, `version ${t.slice(1)}`] : [t];
            await viewer.waitForFunction((ts) => ts.some((x) => (document.body.textContent ?? '').includes(x)), alternatives, { timeout: 5000 })
              .catch(() => { throw new Error(`${l.href} does not name "${t}" of "${l.label}"`); });
          }
        }
      } finally {
        await viewer.close();
      }
      process.stdout.write(`evidence links on pod:recsys: ${links.length}, all opened in the sandboxes' web views (Jira ${counts.jira}, MLflow ${counts.mlflow}, GitHub ${counts.github}, Copilot ${counts.copilot})\n`);
    } finally {
      await sb.close();
    }
  });
});
