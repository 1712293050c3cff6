import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type * as Vite from 'vite';
import { renderContentSecurityPolicy } from '../../dashboard/src/csp.js';
import { isLoopbackAddress, isLoopbackHostHeader, RadarError } from '../kernel/index.js';
import type { LoggerPort } from '../kernel/index.js';
import type { RunStore, SnapshotStore } from '../storage/ports.js';
import { buildApiApp } from './app.js';
import type { Scope } from './scope.js';

export interface ServeDashboardOptions {
  snapshots: SnapshotStore;
  runs: RunStore;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1: local mode is never exposed on other interfaces unless asked. */
  host?: string;
  /** Verifies callers (e.g. jwtAuthoriser against the local sign-in provider); without it every caller sees all. */
  authorise?: (req: Request) => Promise<Scope>;
  /**
   * Sign-in: called once the server listens (the provider's redirect URLs need the dashboard URL), before the URL
   * is returned. Its authority and client id are served as /config.json (the file CloudFront serves in AWS), its
   * `signInOrigins` join the CSP's connect-src, and its `authorise` verifies every API call. Without it
   * /config.json says sign-in is off.
   */
  signIn?: (dashboardUrl: string) => Promise<DashboardSignIn>;
  logger?: LoggerPort;
  /** Where the Vite app lives; defaults to the repository's dashboard/ folder. */
  dashboardDir?: string;
}

/** How the dashboard signs in: an OpenID Connect provider, the dashboard's public client, and the API's check. */
export interface DashboardSignIn {
  authority: string;
  clientId: string;
  /** Origins the browser fetches during sign-in (discovery, token endpoint): added to connect-src. */
  signInOrigins: string[];
  /** Verifies the bearer token (e.g. jwtAuthoriser against the provider's JWKS) and returns the caller's scope. */
  authorise: (req: Request) => Promise<Scope>;
}

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

/** Raised when the dashboard cannot be built or the server cannot listen. */
export class DashboardServeError extends RadarError {
  constructor(opts: { reason: string; path?: string; cause?: unknown }) {
    super({ code: 'DASHBOARD_SERVE_FAILED', ...opts });
  }
}

const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

async function newestMtime(path: string): Promise<number> {
  const s = await stat(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

async function isDistFresh(dir: string): Promise<boolean> {
  const builtIndex = join(dir, 'dist', 'index.html');
  if (!existsSync(builtIndex)) return false;
  const builtAt = (await stat(builtIndex)).mtimeMs;
  const inputs = ['index.html', 'vite.config.ts', 'src'].map((p) => join(dir, p)).filter((p) => existsSync(p));
  const sourcesAt = Math.max(...(await Promise.all(inputs.map(newestMtime))));
  return sourcesAt <= builtAt;
}

let building: Promise<void> | null = null;

/** Builds dashboard/dist with Vite's JS API when it is missing or older than the dashboard sources. */
export async function ensureDashboardBuilt(dir: string = DEFAULT_DASHBOARD_DIR): Promise<string> {
  const dist = join(dir, 'dist');
  if (await isDistFresh(dir)) return dist;
  building ??= (async () => {
    // Vite is a build tool, not a runtime dependency of the API Lambda: keep the import out of bundlers' sight.
    const viteModule = 'vite';
    const vite = (await import(viteModule)) as typeof Vite;
    // Build next to dist and swap, so a second process serving the old dist never sees half a build.
    const tmp = join(dir, `.dist-${process.pid}-${Date.now()}`);
    try {
      await vite.build({
        root: dir,
        configFile: existsSync(join(dir, 'vite.config.ts')) ? join(dir, 'vite.config.ts') : false,
        logLevel: 'warn',
        build: { outDir: tmp, emptyOutDir: true },
      });
      await rm(dist, { recursive: true, force: true });
      await rename(tmp, dist);
    } catch (cause) {
      await rm(tmp, { recursive: true, force: true });
      throw new DashboardServeError({ reason: 'building the dashboard with Vite failed', path: dir, cause });
    }
  })().finally(() => {
    building = null;
  });
  await building;
  return dist;
}

/**
 * Serves the API under /api and the built dashboard at / on one local HTTP server (127.0.0.1 by default).
 * @example const { url, close } = await serveDashboard({ snapshots, runs, port: 0 });
 */
export async function serveDashboard(opts: ServeDashboardOptions): Promise<DashboardServer> {
  const host = opts.host ?? '127.0.0.1';
  const exposed = !isLoopbackAddress(host);
  if (exposed && opts.authorise === undefined && opts.signIn === undefined) {
    // Without sign-in every caller reads every unit: that may only ever be reachable from this machine.
    throw new DashboardServeError({ reason: `listening on ${host} (not loopback) needs sign-in (--auth)` });
  }
  const dist = await ensureDashboardBuilt(opts.dashboardDir);
  // Loaded here, not at the top: the API Lambda imports this folder's index too, and the node server's modules run
  // code when evaluated (so no bundler can drop them), which would otherwise sit in its bundle and its cold start.
  const [{ serve }, { serveStatic }] = await Promise.all([import('@hono/node-server'), import('@hono/node-server/serve-static')]);
  // Sign-in starts after listening; until it is ready, API calls wait for it rather than run unauthenticated.
  let signIn: DashboardSignIn | undefined;
  let signInReady: (value: DashboardSignIn | undefined) => void = () => undefined;
  const signInPromise = new Promise<DashboardSignIn | undefined>((resolve) => (signInReady = resolve));
  const authorise =
    opts.signIn !== undefined
      ? async (req: Request): Promise<Scope> => {
          const ready = signIn ?? (await signInPromise);
          if (ready === undefined) throw new DashboardServeError({ reason: 'sign-in did not start' });
          return ready.authorise(req);
        }
      : opts.authorise;
  const api = buildApiApp({ snapshots: opts.snapshots, runs: opts.runs, authorise, logger: opts.logger });
  const indexHtml = await readFile(join(dist, 'index.html'), 'utf8');
  let csp = renderContentSecurityPolicy([]);
  let config = JSON.stringify({ apiBase: '/api', auth: null });

  const app = new Hono();
  // DNS rebinding: a web page whose name resolves to 127.0.0.1 reaches this server with its own name in Host. Only
  // loopback names are answered, unless the server is deliberately exposed (which requires sign-in).
  app.use('*', async (c, next) => {
    if (!exposed && !isLoopbackHostHeader(c.req.header('host'))) {
      return c.text('421 Misdirected Request: this local server answers only 127.0.0.1, localhost or [::1]\n', 421, {
        'Cache-Control': 'no-store',
      });
    }
    await next();
  });
  // The API app owns everything under /api, including its own problem-JSON 404s.
  app.all('/api/*', (c) => api.fetch(c.req.raw));
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Content-Security-Policy', csp);
  });
  // What CloudFront serves from S3 in AWS: where the API is and how to sign in.
  app.get('/config.json', (c) => c.body(config, 200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' }));
  app.use(
    '/assets/*',
    serveStatic({
      root: dist,
      onFound: (_path, c) => {
        // Vite puts a content hash in every asset name, so a cached asset never goes stale.
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.get('/favicon.svg', serveStatic({ root: dist }));
  // Views are hash routes (#/unit/pod:x), so every other GET is the app shell.
  app.get('*', (c) => c.html(indexHtml, 200, { 'Cache-Control': 'no-cache' }));

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 8080, hostname: host }, () => resolve(s));
    s.once('error', (cause) => reject(new DashboardServeError({ reason: `cannot listen on ${host}:${opts.port ?? 8080}`, cause })));
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      // Keep-alive sockets from a browser would hold close() open; end them.
      if ('closeAllConnections' in server) server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    });
  if (opts.signIn !== undefined) {
    try {
      signIn = await opts.signIn(url);
    } catch (cause) {
      signInReady(undefined);
      await close();
      throw new DashboardServeError({ reason: 'sign-in could not start', cause });
    }
    signInReady(signIn);
    csp = renderContentSecurityPolicy(signIn.signInOrigins);
    config = JSON.stringify({ apiBase: '/api', auth: { authority: signIn.authority, clientId: signIn.clientId } });
  }
  return { url, close };
}
