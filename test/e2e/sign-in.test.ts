import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UnitsResponse } from '../../shared/api/contract.js';
import { serveDashboard } from '../../shared/api/index.js';
import type { DashboardServer } from '../../shared/api/index.js';
import { localDashboardSignIn } from '../../shared/cli/local-sign-in.js';
import type { LocalSignIn } from '../../shared/cli/local-sign-in.js';
import { listUnits } from '../../shared/org/index.js';
import { startLocalStores } from '../helpers/local-servers.js';
import type { LocalStores } from '../helpers/local-servers.js';
import { seedStores } from '../helpers/seed-memory-stores.js';
import { loadDemoOrg } from '../helpers/seed-scorecards.js';
import { launchChromium } from './browser.js';

// `radar serve --auth` as the CLI wires it (serveDashboard + the local OpenID Connect provider + the Lambda's JWT
// authoriser) over real storage seeded with the demo organisation, driven by headless Chromium: each demo user signs
// in through the provider's form (Authorization Code + PKCE in the page) and sees only their scope.

const org = loadDemoOrg();
let local: LocalStores;
let server: DashboardServer;
let signIn: LocalSignIn;
let chromium: { browser: Browser; close(): Promise<void> };
let context: BrowserContext | undefined;

beforeAll(async () => {
  local = await startLocalStores();
  await seedStores(local.stores);
  server = await serveDashboard({
    snapshots: local.stores.snapshots,
    runs: local.stores.runs,
    port: 0,
    signIn: localDashboardSignIn(org, '127.0.0.1', (s) => (signIn = s)),
  });
  chromium = await launchChromium();
}, 120_000);

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  await signIn?.close();
  await local?.close();
});

function user(name: string): { username: string; password: string; groups: string[] } {
  const u = signIn.users.find((x) => x.username === name);
  if (!u) throw new Error(`no demo user ${name}`);
  return u;
}

/** Opens the dashboard in a fresh browser profile, signs in on the provider's page and waits for the view. */
async function signInAs(name: string, hash = '#/units'): Promise<{ page: Page; unitsSeen: () => Promise<string[]> }> {
  context = await chromium.browser.newContext();
  const page = await context.newPage();
  let units: Promise<string[]> | undefined;
  page.on('response', (res) => {
    if (new URL(res.url()).pathname === '/api/units' && res.status() === 200) units = res.json().then((b: UnitsResponse) => b.units.map((u) => u.unit).sort());
  });
  await page.goto(`${server.url}${hash}`);
  // The dashboard sends the browser to the provider before any view renders.
  await page.waitForURL((u) => u.origin === new URL(signIn.issuer).origin);
  const u = user(name);
  await page.getByLabel('Username').fill(u.username);
  await page.getByLabel('Password').fill(u.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((x) => x.origin === new URL(server.url).origin && !x.search.includes('code='));
  await page.waitForSelector('main[aria-busy="false"]');
  return {
    page,
    unitsSeen: async () => {
      if (!units) throw new Error('the page made no /api/units call');
      return units;
    },
  };
}

const allUnits = listUnits(org).map((u) => u.ref);

describe('radar serve --auth', () => {
  it('answers GET /api/units/org without a token with 401', async () => {
    const res = await fetch(new URL('api/units/org', server.url));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('lets the pod lead see only their pods, with their scope in the top bar', async () => {
    const { page, unitsSeen } = await signInAs('pod-lead');
    expect(await unitsSeen()).toEqual(['pod:churn-predict', 'pod:recsys']);
    expect(await page.getByTestId('signed-in-as').textContent()).toContain('pod-lead:recsys');
    await page.goto(`${server.url}#/unit/pod:recsys`);
    await page.waitForSelector('main[data-ready="unit"]');
  });

  it("answers the pod lead's URL to another pod with a clear not-yours page", async () => {
    const { page } = await signInAs('pod-lead', '#/unit/pod:demand-forecast');
    await page.waitForSelector('main[data-ready="not-yours"]');
    const box = page.getByTestId('not-yours');
    expect(await box.getByRole('heading').textContent()).toBe('This unit is not yours to see');
    expect(await box.textContent()).toContain('pod:demand-forecast');
  });

  it('lets the domain lead see their domain and its pods only', async () => {
    const { unitsSeen } = await signInAs('domain-lead');
    const domain = listUnits(org).find((u) => u.ref === 'domain:supply-chain');
    expect(await unitsSeen()).toEqual(['domain:supply-chain', ...(domain?.members ?? [])].sort());
  });

  it('lets the steering member see every unit', async () => {
    const { unitsSeen } = await signInAs('steering');
    expect(await unitsSeen()).toEqual([...allUnits].sort());
  });

  it('refreshes an expired token with the refresh token instead of asking to sign in again', async () => {
    const { page } = await signInAs('steering');
    const grants: string[] = [];
    const toProvider: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.origin !== new URL(signIn.issuer).origin) return;
      toProvider.push(url.pathname);
      if (url.pathname === '/token') grants.push(new URLSearchParams(r.postData() ?? '').get('grant_type') ?? '');
    });
    await page.evaluate(() => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:')) as string;
      const stored = JSON.parse(sessionStorage.getItem(key) as string) as { expires_at: number };
      stored.expires_at = Math.floor(Date.now() / 1000) - 10;
      sessionStorage.setItem(key, JSON.stringify(stored));
    });
    await page.goto(`${server.url}#/runs`);
    await page.waitForSelector('main[data-ready="runs"]');
    expect(grants).toEqual(['refresh_token']);
    expect(toProvider).not.toContain('/auth');
    const expiresAt = await page.evaluate(() => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:')) as string;
      return (JSON.parse(sessionStorage.getItem(key) as string) as { expires_at: number }).expires_at;
    });
    expect(expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('sends the user back through sign-in when the API refuses the token', async () => {
    const { page } = await signInAs('steering');
    const toProvider: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.origin === new URL(signIn.issuer).origin) toProvider.push(url.pathname);
    });
    const apiStatuses: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/api/runs') apiStatuses.push(r.status());
    });
    await page.evaluate(() => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:')) as string;
      const stored = JSON.parse(sessionStorage.getItem(key) as string) as { id_token: string };
      // Same shape, broken signature: only the API's verification can tell.
      stored.id_token = `${stored.id_token.slice(0, -6)}AAAAAA`;
      sessionStorage.setItem(key, JSON.stringify(stored));
    });
    await page.goto(`${server.url}#/runs`);
    // The provider still has a session (as Cognito's hosted UI would), so the authorisation request comes straight
    // back with a code, and the view renders with a token the API accepts.
    await page.waitForSelector('main[data-ready="runs"]');
    expect(apiStatuses).toEqual([401, 200]);
    expect(toProvider).toContain('/auth');
  });

  it('signs out at the provider and needs a new sign-in afterwards', async () => {
    const { page } = await signInAs('domain-lead');
    await page.getByTestId('sign-out').click();
    await page.waitForURL((u) => u.origin === new URL(signIn.issuer).origin);
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Back on the dashboard, which has no session and so sends the browser to sign in.
    await page.waitForURL((u) => u.origin === new URL(signIn.issuer).origin && u.pathname.startsWith('/interaction/'));
    expect(await page.getByLabel('Password').count()).toBe(1);
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('oidc.user:')).length)).toBe(0);
  });

  it('refuses a wrong password on the sign-in form', async () => {
    context = await chromium.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}#/units`);
    await page.waitForURL((u) => u.origin === new URL(signIn.issuer).origin);
    await page.getByLabel('Username').fill('pod-lead');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Wrong username or password');
    expect(new URL(page.url()).origin).toBe(new URL(signIn.issuer).origin);
  });
});
