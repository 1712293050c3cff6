import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MoversResponse, OrgTrendResponse, RunsResponse, UnitResponse, UnitTrendResponse } from '../../shared/api/contract.js';
import { serveDashboard } from '../../shared/api/index.js';
import type { DashboardServer } from '../../shared/api/index.js';
import { startLocalStores } from '../helpers/local-servers.js';
import type { LocalStores } from '../helpers/local-servers.js';
import { seedStores } from '../helpers/seed-memory-stores.js';
import { launchChromium } from './browser.js';

// The dashboard against real storage (dynalite + s3rver) seeded with the demo-org fixture, served by
// serveDashboard on a free port and driven by headless Debian Chromium. Screenshots land in test-output/.

const OUT = 'test-output';
let local: LocalStores;
let server: DashboardServer;
let chromium: { browser: Browser; close(): Promise<void> };
let page: Page;
let pageErrors: string[] = [];

async function api<T>(path: string): Promise<T> {
  const res = await fetch(new URL(`api/${path}`, server.url));
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function open(hash: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  page = await chromium.browser.newPage({ viewport });
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(`${server.url}${hash}`);
  await page.waitForSelector('main[aria-busy="false"]');
  return page;
}

/** Reads a chart's datasets from the page through Chart.getChart, as a user's devtools would. */
async function datasets(p: Page, canvasId: string): Promise<{ label: string; data: (number | null)[] }[]> {
  return p.evaluate((id) => {
    const canvas = document.getElementById(id) as HTMLCanvasElement | null;
    const chart = canvas ? window.Chart.getChart(canvas) : undefined;
    if (!chart) throw new Error(`no chart on #${id}`);
    return chart.data.datasets.map((d) => ({ label: String(d.label), data: d.data as (number | null)[] }));
  }, canvasId);
}

async function chartLabels(p: Page, canvasId: string): Promise<string[]> {
  return p.evaluate((id) => {
    const chart = window.Chart.getChart(document.getElementById(id) as HTMLCanvasElement);
    return (chart?.data.labels ?? []).map(String);
  }, canvasId);
}

async function text(p: Page, testid: string): Promise<string> {
  return ((await p.getByTestId(testid).first().textContent()) ?? '').trim();
}

/** Elements that stick out past the viewport's right edge (empty when the page fits the width). */
async function overflowing(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width + 1) return [];
    return [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-wrap'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`);
  });
}

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  local = await startLocalStores();
  await seedStores(local.stores);
  server = await serveDashboard({ snapshots: local.stores.snapshots, runs: local.stores.runs, port: 0 });
  chromium = await launchChromium();
});

afterEach(async () => {
  await page?.close();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await local?.close();
});

describe('executive view', () => {
  it('shows the organisation score and trend the API returns, with the rubric change marked', async () => {
    const trend = await api<OrgTrendResponse>('org/trend');
    const p = await open('#/');
    const last = trend.points.at(-1);
    expect(await text(p, 'org-score')).toBe(last?.score?.toFixed(1));
    const [org] = await datasets(p, 'chart-org-score');
    expect(org?.data).toEqual(trend.points.map((x) => x.score));
    expect(await chartLabels(p, 'chart-org-score')).toEqual(trend.points.map((x) => x.asOf.slice(0, 10)));
    const change = trend.rubricChanges[0];
    expect(change).toBeDefined();
    expect(await text(p, 'what-changed')).toContain(`Rubric changed from ${change?.from} to ${change?.to}`);
    await p.screenshot({ path: `${OUT}/executive.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('draws the four principles, pods by level and the four domains from the API data', async () => {
    const trend = await api<OrgTrendResponse>('org/trend');
    const p = await open('#/');
    const principles = await datasets(p, 'chart-principles');
    expect(principles.map((d) => d.label)).toEqual(trend.points.at(-1)?.principles.map((x) => x.name));
    expect(principles[0]?.data).toEqual(trend.points.map((x) => x.principles[0]?.score ?? null));
    const levels = await datasets(p, 'chart-pods-by-level');
    const l4 = levels.find((d) => d.label.startsWith('L4'));
    expect(l4?.data).toEqual(trend.points.map((x) => x.podsByLevel['4']));
    const totals = trend.points.map((_, i) => levels.reduce((a, d) => a + (d.data[i] ?? 0), 0));
    expect(new Set(totals)).toEqual(new Set([13]));
    const domains = await datasets(p, 'chart-domains');
    expect(domains.map((d) => d.label).sort()).toEqual(trend.domains.map((d) => d.name).sort());
  });

  it('lists the biggest movers the API ranks, linking to their scorecards', async () => {
    const movers = await api<MoversResponse>('movers?kind=pod&weeks=4&limit=5');
    const p = await open('#/');
    const risers = await p.getByTestId('risers').locator('a').allTextContents();
    expect(risers).toEqual(movers.risers.map((m) => m.name));
    const hrefs = await p.getByTestId('risers').locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(movers.risers.map((m) => `#/unit/${m.unit}`));
  });

  it('renders at 390 px wide without horizontal scrolling', async () => {
    const p = await open('#/', { width: 390, height: 844 });
    await p.screenshot({ path: `${OUT}/executive-narrow.png`, fullPage: true });
    expect(await p.getByTestId('org-score').isVisible()).toBe(true);
    expect(await overflowing(p)).toEqual([]);
  });
});

describe('domain, network and lab views', () => {
  it('navigates from a domain card to the domain view, whose members chart holds the API rollup', async () => {
    const p = await open('#/');
    await p.getByTestId('domain-cards').getByRole('link', { name: /Supply Chain/ }).click();
    await p.waitForFunction(() => document.querySelector('main')?.dataset.ready === 'unit');
    expect(new URL(p.url()).hash).toBe('#/unit/domain:supply-chain');
    const { scorecard } = await api<UnitResponse>('units/domain:supply-chain');
    expect(await text(p, 'unit-name')).toBe(scorecard.name);
    expect(await text(p, 'unit-score')).toBe(scorecard.score?.toFixed(1));
    const [members] = await datasets(p, 'chart-members');
    expect(members?.data).toEqual(scorecard.rollup?.members.map((m) => m.score));
    expect(await text(p, 'rollup-coverage')).toBe(`${Math.round((scorecard.rollup?.coverage ?? 0) * 100)}%`);
    const weakest = scorecard.rollup?.members.find((m) => m.unit === scorecard.rollup?.weakest?.unit);
    expect(await text(p, 'rollup-weakest')).toBe(weakest?.name);
    await p.screenshot({ path: `${OUT}/domain.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('keeps a deep link to a network view across a reload', async () => {
    const p = await open('#/unit/network:mlops');
    const trend = await api<UnitTrendResponse>('units/network:mlops/trend');
    await p.reload();
    await p.waitForSelector('main[aria-busy="false"]');
    expect(await text(p, 'unit-name')).toBe(trend.name);
    const [score] = await datasets(p, 'chart-unit-score');
    expect(score?.data).toEqual(trend.points.map((x) => x.score));
    const dims = await datasets(p, 'chart-unit-dimensions');
    expect(dims[0]?.data).toEqual(trend.points.map((x) => x.dimensions[0]?.level ?? null));
    await p.screenshot({ path: `${OUT}/network.png`, fullPage: true });
  });

  it('shows a lab that started halfway as missing before it started, not as zero', async () => {
    const trend = await api<UnitTrendResponse>('units/lab:ai-product-design/trend');
    const p = await open('#/unit/lab:ai-product-design');
    const [score] = await datasets(p, 'chart-unit-score');
    expect(score?.data).toEqual(trend.points.map((x) => x.score));
    expect(score?.data[0]).toBeNull();
    await p.screenshot({ path: `${OUT}/lab.png`, fullPage: true });
  });
});

describe('pod scorecard', () => {
  it('shows each dimension level and each signal value with thresholds, window, next level and evidence', async () => {
    const { scorecard } = await api<UnitResponse>('units/pod:recsys');
    const p = await open('#/unit/pod:recsys');
    for (const d of scorecard.dimensions) {
      if (d.level) expect(await text(p, `dimension-level-${d.dimensionId}`)).toContain(`L${d.level}`);
      for (const s of d.signals.filter((x) => x.status === 'scored')) {
        expect(await text(p, `signal-value-${s.signalId}`)).toContain(String(s.value));
        const row = p.getByTestId(`signal-${s.signalId}`);
        expect(await row.textContent()).toContain(`Window: ${s.window.days} days`);
        const hrefs = await row.locator('.evidence a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        expect(hrefs).toEqual(s.evidence.map((e) => e.url));
        if (s.next) expect(await text(p, `signal-next-${s.signalId}`)).toContain(`To reach L${s.next.level}`);
        expect(await row.locator('.tbar .marker').count()).toBe(1);
      }
    }
    expect(await text(p, 'mlops')).toContain(`level ${scorecard.mlops?.[0]?.level} of 2`);
    await p.screenshot({ path: `${OUT}/pod-scorecard.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('renders missing signals as missing with their reason, never as zero', async () => {
    const { scorecard } = await api<UnitResponse>('units/pod:pricing-insights');
    const missing = scorecard.dimensions.flatMap((d) => d.signals).filter((s) => s.status === 'missing');
    expect(missing.length).toBeGreaterThan(0);
    const p = await open('#/unit/pod:pricing-insights');
    for (const s of missing) {
      expect(await text(p, `signal-value-${s.signalId}`)).toBe('Missing');
      expect(await text(p, `signal-missing-${s.signalId}`)).toBe(s.missingReason);
      expect(await p.getByTestId(`signal-${s.signalId}`).locator('.tbar .marker').count()).toBe(0);
    }
    expect(await text(p, 'unit-missing')).toBe(String(missing.length));
    await p.screenshot({ path: `${OUT}/pod-missing-signals.png`, fullPage: true });
  });

  it('shows a failed source and the signals it left missing', async () => {
    const p = await open('#/unit/pod:route-optimiser');
    expect(await text(p, 'source-github')).toContain('failed');
    expect(await text(p, 'signal-value-github.deployments-per-week')).toBe('Missing');
    expect(await text(p, 'signal-missing-github.deployments-per-week')).toContain('GitHub collection failed');
  });

  it('opens an older as-of from the picker and keeps it in the URL', async () => {
    const trend = await api<UnitTrendResponse>('units/pod:recsys/trend');
    const older = trend.points[2]?.asOf as string;
    const p = await open('#/unit/pod:recsys');
    await p.selectOption('#asof-select', older);
    await p.waitForFunction((a) => document.querySelector<HTMLSelectElement>('#asof-select')?.value === a && document.querySelector('main')?.getAttribute('aria-busy') === 'false', older);
    expect(decodeURIComponent(new URL(p.url()).hash)).toBe(`#/unit/pod:recsys?asOf=${older}`);
    expect(await text(p, 'unit-score')).toBe(trend.points[2]?.score?.toFixed(1));
  });

  it('renders at 390 px wide without horizontal scrolling', async () => {
    const p = await open('#/unit/pod:recsys', { width: 390, height: 844 });
    await p.screenshot({ path: `${OUT}/pod-scorecard-narrow.png`, fullPage: true });
    expect(await overflowing(p)).toEqual([]);
  });
});

describe('run health', () => {
  it('shows the latest run per source and the failed binding with its error class, without secrets', async () => {
    const { runs } = await api<RunsResponse>('runs?limit=12');
    const p = await open('#/runs');
    const latest = runs[0];
    expect(await text(p, 'latest-ok')).toBe(String(latest?.counts.ok));
    expect(await text(p, 'by-source-github')).toContain(String(latest?.bySource.github?.failed));
    const failure = await text(p, 'failed-pod:route-optimiser/github');
    expect(failure).toContain('SourceAuthError');
    expect(failure).toContain('HTTP_401');
    expect(await p.getByTestId('runs-table').locator('tbody tr').count()).toBe(runs.length);
    const body = (await p.textContent('body')) ?? '';
    expect(body).not.toMatch(/ghp_|Bearer |Basic [A-Za-z0-9+/=]{8,}/);
    await p.screenshot({ path: `${OUT}/runs.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});

describe('accessibility and states', () => {
  it('is usable from the keyboard with a visible focus ring', async () => {
    const p = await open('#/');
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
    await p.keyboard.press('Tab');
    await p.keyboard.press('Tab');
    const focused = await p.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { text: el.textContent?.trim(), outline: style.outlineStyle, width: style.outlineWidth };
    });
    expect(focused.text).toBe('Overview');
    expect(focused.outline).not.toBe('none');
    await p.keyboard.press('Tab');
    await p.keyboard.press('Enter');
    await p.waitForFunction(() => document.querySelector('main')?.dataset.ready === 'units');
    expect(new URL(p.url()).hash).toBe('#/units');
  });

  it('shows an error state with the API problem for a unit that does not exist', async () => {
    const p = await open('#/unit/pod:no-such-pod');
    expect(await text(p, 'error')).toContain('no snapshot of pod:no-such-pod');
    expect(await p.getByRole('button', { name: 'Try again' }).isVisible()).toBe(true);
  });
});
