import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AttributionResponse, GridResponse, MoversResponse, OrgTrendResponse, RunsResponse, UnitResponse, UnitsResponse, UnitTrendResponse } from '../../shared/api/contract.js';
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
        // Shares read as percentages (0.43 → 43 %); other values as the number.
        const shown = await text(p, `signal-value-${s.signalId}`);
        if (s.unit === 'ratio') {
          expect(shown).toContain('%');
          expect(Math.abs(Number(/[\d.]+/.exec(shown)?.[0]) / 100 - (s.value as number))).toBeLessThanOrEqual(0.0051);
        } else expect(shown).toContain(String(s.value));
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

  it('says "Unit not found" for a unit the organisation does not have, with a way back', async () => {
    const p = await open('#/unit/pod:no-such-pod');
    expect(await text(p, 'unit-not-found')).toContain('Unit not found');
    expect(await text(p, 'unit-not-found')).toContain('pod:no-such-pod');
    expect(await p.getByRole('link', { name: 'Go to the units list' }).isVisible()).toBe(true);
  });
});

// ── Issue 17: why it moved, the grid, top moves, the units list, sharing, accessibility ──────────────────────────

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Runs axe-core in the page and counts violations by impact (the e2e log prints them per view). */
async function axeCounts(p: Page, view: string): Promise<{ serious: number; critical: number; ids: string[] }> {
  // Evaluated over the DevTools protocol: the dashboard's CSP (script-src 'self') rightly blocks an injected <script>.
  await p.evaluate(readFileSync(AXE_PATH, 'utf8'));
  const r = await p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }> } }).axe;
    const res = await axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', nodes: v.nodes.length, first: JSON.stringify((v.nodes[0] as { target?: unknown; failureSummary?: string } | undefined)?.target ?? '') + ' ' + ((v.nodes[0] as { failureSummary?: string } | undefined)?.failureSummary ?? '').slice(0, 160) }));
  });
  const count = (impact: string) => r.filter((v) => v.impact === impact).length;
  const out = { serious: count('serious'), critical: count('critical'), ids: r.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}×${v.nodes}: ${v.first}`) };
  process.stdout.write(`axe ${view}: critical ${out.critical}, serious ${out.serious}, moderate ${count('moderate')}, minor ${count('minor')}${out.ids.length ? ` (${out.ids.join(', ')})` : ''}\n`);
  return out;
}

async function rowOrder(p: Page): Promise<string[]> {
  return p.getByTestId('grid-table').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-unit') ?? ''));
}

/** Tables and charts wider than their frame: each must sit in a frame that scrolls (overflow-x auto/scroll). */
async function clippedWithoutScroll(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('table, canvas')) {
      const frame = el.parentElement as HTMLElement;
      if (el.scrollWidth <= frame.clientWidth + 1) continue;
      const scroller = el.closest<HTMLElement>('.table-wrap');
      const style = scroller ? getComputedStyle(scroller).overflowX : 'visible';
      if (!scroller || (style !== 'auto' && style !== 'scroll')) out.push(`${el.tagName.toLowerCase()}#${el.id || el.getAttribute('data-testid') || ''}`);
    }
    return out;
  });
}

describe('executive view: why it moved and the units × dimensions grid', () => {
  it('shows "Why it moved" with every unit kind the API splits the change into, steering included, each unit linked', async () => {
    const a = await api<AttributionResponse>('attribution?weeks=4');
    const p = await open('#/');
    expect(await text(p, 'why-it-moved')).toContain('Why it moved');
    for (const k of a.kinds) expect(await text(p, `why-kind-${k.kind}`)).toContain(Math.abs(k.contribution).toFixed(2));
    expect(a.kinds.map((k) => k.kind)).toContain('steering');
    const hrefs = await p.getByTestId('why-units').locator('a').evaluateAll((as) => as.map((x) => x.getAttribute('href')));
    expect(hrefs).toEqual(a.units.filter((u) => u.contribution !== 0).slice(0, 10).map((u) => `#/unit/${u.unit}`));
  });

  it('reorders the grid rows by a dimension when its column header is clicked, and again reversed on a second click', async () => {
    const grid = await api<GridResponse>('grid');
    const p = await open('#/');
    const before = await rowOrder(p);
    expect(before).toEqual(grid.rows.filter((r) => r.kind === 'pod').map((r) => r.unit).sort((x, y) => (grid.rows.find((r) => r.unit === x)?.name ?? '').localeCompare(grid.rows.find((r) => r.unit === y)?.name ?? '')));
    const dim = grid.dimensions.find((d) => d.kinds.includes('pod'))?.dimensionId as string;
    await p.locator(`button[data-sort="${dim}"]`).click();
    const asc = await rowOrder(p);
    expect(asc).not.toEqual(before);
    const scoreOf = (u: string) => grid.rows.find((r) => r.unit === u)?.cells[dim]?.score ?? Number.POSITIVE_INFINITY;
    expect(asc.map(scoreOf)).toEqual([...asc.map(scoreOf)].sort((x, y) => x - y));
    expect(decodeURIComponent(new URL(p.url()).hash)).toContain(`gsort=${dim}`);
    await p.locator(`button[data-sort="${dim}"]`).click();
    const desc = await rowOrder(p);
    expect(desc.map(scoreOf).filter(Number.isFinite)).toEqual([...asc.map(scoreOf).filter(Number.isFinite)].reverse());
    expect(await p.locator(`th:has(button[data-sort="${dim}"])`).getAttribute('aria-sort')).toBe('descending');
  });

  it('filters the grid by domain and restores the filter and sort from the URL after a reload', async () => {
    const grid = await api<GridResponse>('grid');
    const domain = grid.domains[0]?.unit as string;
    const p = await open('#/');
    await p.selectOption('#grid-domain', domain);
    await p.locator('button[data-sort="score"]').click();
    const rows = await rowOrder(p);
    expect(rows.sort()).toEqual(grid.rows.filter((r) => r.kind === 'pod' && r.domain === domain).map((r) => r.unit).sort());
    const shown = await rowOrder(p);
    await p.reload();
    await p.waitForSelector('main[aria-busy="false"]');
    expect(await p.locator('#grid-domain').inputValue()).toBe(domain);
    expect(await rowOrder(p)).toEqual(shown);
  });

  it('exports the grid as CSV with a header and one line per shown row', async () => {
    const p = await open('#/grid?gkind=all');
    const rows = await rowOrder(p);
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId('grid-csv').click()]);
    const path = await download.path();
    const csv = readFileSync(path, 'utf8').trim().split('\r\n');
    expect(csv[0]?.startsWith('unit,name,kind,score,level,')).toBe(true);
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(rows);
  });

  it('draws the pod score distribution with a y-axis fitted to the data instead of 0–100', async () => {
    const trend = await api<OrgTrendResponse>('org/trend');
    const p = await open('#/');
    const [p90, , median] = await datasets(p, 'chart-pod-scores');
    expect(median?.data).toEqual(trend.points.map((x) => x.podScores?.p50 ?? null));
    expect(p90?.data).toEqual(trend.points.map((x) => x.podScores?.p90 ?? null));
    const axis = await p.evaluate(() => {
      const chart = window.Chart.getChart(document.getElementById('chart-org-score') as HTMLCanvasElement);
      return { min: chart?.scales.y?.min, max: chart?.scales.y?.max };
    });
    const scores = trend.points.map((x) => x.score).filter((x): x is number => x !== null);
    expect(axis.min).toBeLessThanOrEqual(Math.min(...scores));
    expect(axis.max).toBeGreaterThanOrEqual(Math.max(...scores));
    expect((axis.max ?? 100) - (axis.min ?? 0)).toBeLessThan(100);
  });
});

describe('unit pages: top moves, what changed, past snapshots, steering', () => {
  it('starts a pod page with "Top moves", then "What changed" since the previous snapshot and four weeks ago', async () => {
    const { scorecard } = await api<UnitResponse>('units/pod:recsys');
    const p = await open('#/unit/pod:recsys');
    const order = await p.evaluate(() => [...document.querySelectorAll('[data-view] > section, [data-view] > div')].map((el) => el.getAttribute('data-testid') ?? el.className));
    expect(order.slice(0, 3)).toEqual(['page-head', 'top-moves', 'unit-what-changed']);
    const moves = (scorecard as { topMoves?: unknown[] }).topMoves;
    if (Array.isArray(moves) && moves.length > 0) expect(await p.getByTestId('top-moves-list').locator('li').count()).toBe(Math.min(5, moves.length));
    else expect(await text(p, 'top-moves-empty')).toMatch(/No ranked moves|Nothing left to move/);
    expect(await text(p, 'changed-previous')).toContain('Since the previous snapshot');
    expect(await text(p, 'changed-4w')).toContain('Since four weeks ago');
  });

  it('lists the signals that moved since the previous snapshot with their old and new values', async () => {
    const trend = await api<UnitTrendResponse>('units/pod:recsys/trend');
    const [prevAsOf, lastAsOf] = trend.points.slice(-2).map((x) => x.asOf);
    const now = (await api<UnitResponse>(`units/pod:recsys?asOf=${lastAsOf}`)).scorecard;
    const before = (await api<UnitResponse>(`units/pod:recsys?asOf=${prevAsOf}`)).scorecard;
    const old = new Map(before.dimensions.flatMap((d) => d.signals).map((s) => [s.signalId, s.value]));
    const moved = now.dimensions.flatMap((d) => d.signals).filter((s) => s.value !== undefined && old.get(s.signalId) !== undefined && old.get(s.signalId) !== s.value);
    const p = await open('#/unit/pod:recsys');
    const listed = await p.getByTestId('changed-previous').locator('li[data-signal]').evaluateAll((li) => li.map((x) => x.getAttribute('data-signal')));
    for (const s of moved.slice(0, 5)) if (listed.length < 12) expect(listed).toContain(s.signalId);
    expect(listed.length).toBeGreaterThan(0);
  });

  it('shows a banner with a link to the latest when viewing a past snapshot', async () => {
    const trend = await api<UnitTrendResponse>('units/pod:recsys/trend');
    const older = trend.points[3]?.asOf as string;
    const p = await open(`#/unit/pod:recsys?asOf=${older}`);
    expect(await text(p, 'past-banner')).toContain(`past snapshot (${older.slice(0, 10)})`);
    const latest = await open('#/unit/pod:recsys');
    expect(await latest.getByTestId('past-banner').count()).toBe(0);
  });

  it('shows the members’ arithmetic on a rollup unit', async () => {
    const { scorecard } = await api<UnitResponse>('units/domain:supply-chain');
    const p = await open('#/unit/domain:supply-chain');
    const scored = scorecard.rollup?.members.filter((m) => m.score !== null) ?? [];
    const shown = await text(p, 'rollup-arithmetic');
    const arithmetic = (scorecard as { arithmetic?: unknown }).arithmetic;
    if (typeof arithmetic === 'string') expect(shown).toContain(arithmetic);
    else expect(shown).toContain(`÷ ${scored.length} =`);
  });

  it('lists on the steering page how many production models lack each governance evidence', async () => {
    const { scorecard } = await api<UnitResponse>('units/steering');
    const p = await open('#/unit/steering');
    const card = scorecard.dimensions.flatMap((d) => d.signals).find((s) => s.signalId === 'mlflow.model-card-coverage');
    const line = await text(p, 'gap-mlflow.model-card-coverage');
    if (card?.status === 'scored' && card.value) {
      const production = Math.round(card.evidenceCount / card.value);
      expect(line).toContain(`${production - card.evidenceCount} of ${production} production version(s)`);
    } else expect(line).toContain('Without a model card');
  });

  it('exports a unit’s signals as CSV, one line per signal', async () => {
    const { scorecard } = await api<UnitResponse>('units/pod:recsys');
    const p = await open('#/unit/pod:recsys');
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId('signals-csv').click()]);
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
    expect(lines).toHaveLength(1 + scorecard.dimensions.flatMap((d) => d.signals).length);
  });
});

describe('units list', () => {
  it('sorts by score, filters by kind and level, searches, and keeps it all in the URL', async () => {
    const { units } = await api<UnitsResponse>('units');
    const p = await open('#/units');
    expect(await p.getByTestId('units-table').locator('tbody tr').count()).toBe(units.length);
    await p.selectOption('#units-kind', 'pod');
    await p.locator('button[data-sort="score"]').click();
    await p.locator('button[data-sort="score"]').click();
    const rows = await p.getByTestId('units-table').locator('tbody tr').evaluateAll((r) => r.map((x) => x.getAttribute('data-unit')));
    const pods = units.filter((u) => u.kind === 'pod').sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name));
    expect(rows).toEqual(pods.map((u) => u.unit));
    await p.getByTestId('units-search').fill('rec');
    const found = await p.getByTestId('units-table').locator('tbody tr').evaluateAll((r) => r.map((x) => x.getAttribute('data-unit')));
    expect(found).toEqual(pods.filter((u) => u.name.toLowerCase().includes('rec') || u.unit.includes('rec')).map((u) => u.unit));
    await p.reload();
    await p.waitForSelector('main[aria-busy="false"]');
    expect(await p.getByTestId('units-search').inputValue()).toBe('rec');
    expect(await p.getByTestId('units-table').locator('tbody tr').evaluateAll((r) => r.map((x) => x.getAttribute('data-unit')))).toEqual(found);
    await p.goto(`${server.url}#/units?kind=pod&level=4`);
    await p.waitForSelector('main[aria-busy="false"]');
    const l4 = await p.getByTestId('units-table').locator('tbody tr').evaluateAll((r) => r.map((x) => x.getAttribute('data-unit')));
    expect(l4.sort()).toEqual(units.filter((u) => u.kind === 'pod' && u.level === 4).map((u) => u.unit).sort());
  });
});

describe('accessibility, phone widths and screenshots of every view', () => {
  const VIEWS: { name: string; hash: string }[] = [
    { name: 'executive', hash: '#/' },
    { name: 'units', hash: '#/units' },
    { name: 'grid', hash: '#/grid' },
    { name: 'pod', hash: '#/unit/pod:recsys' },
    { name: 'steering', hash: '#/unit/steering' },
  ];
  for (const v of VIEWS) {
    it(`has no serious or critical axe-core violation on the ${v.name} view, and no table or chart clipped at 1440×900 or 390×844`, async () => {
      const wide = await open(v.hash, { width: 1440, height: 900 });
      await wide.screenshot({ path: `${OUT}/${v.name}-1440x900.png`, fullPage: true });
      await wide.screenshot({ path: `${OUT}/${v.name}-1440x900-first-screen.png` });
      const counts = await axeCounts(wide, v.name);
      expect(counts.ids).toEqual([]);
      expect(pageErrors).toEqual([]);
      await wide.close();
      const phone = await open(v.hash, { width: 390, height: 844 });
      await phone.screenshot({ path: `${OUT}/${v.name}-390x844.png`, fullPage: true });
      await phone.screenshot({ path: `${OUT}/${v.name}-390x844-first-screen.png` });
      expect(await clippedWithoutScroll(phone)).toEqual([]);
      expect(await overflowing(phone)).toEqual([]);
    });
  }

  it('sorts the grid from the keyboard: Tab to a column header and press Enter', async () => {
    const p = await open('#/grid');
    const before = await rowOrder(p);
    await p.locator('button[data-sort="score"]').focus();
    await p.keyboard.press('Enter');
    expect(await rowOrder(p)).not.toEqual(before);
    expect(await p.evaluate(() => document.activeElement?.getAttribute('data-sort'))).toBe('score');
  });
});

describe('print', () => {
  it('prints the executive view without navigation or controls, to an A4 PDF', async () => {
    const p = await open('#/');
    await p.emulateMedia({ media: 'print' });
    const shown = await p.evaluate(() => ({
      topbar: getComputedStyle(document.querySelector('.topbar') as HTMLElement).display,
      filters: getComputedStyle(document.querySelector('.filters') as HTMLElement).display,
      why: getComputedStyle(document.querySelector('[data-testid="why-it-moved"]') as HTMLElement).display,
    }));
    expect(shown).toEqual({ topbar: 'none', filters: 'none', why: 'block' });
    const pdf = await p.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
