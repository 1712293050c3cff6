import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { jwtAuthoriser } from '../api/auth.js';
import type { DashboardSignIn } from '../api/index.js';
import { isLoopbackAddress, isLoopbackHostHeader } from '../kernel/index.js';
import { listUnits } from '../org/index.js';
import type { OrgConfig } from '../org/index.js';

// A local stand-in for Cognito's hosted UI, for `radar demo --auth` and `radar serve --auth`: an OpenID Connect
// provider (oidc-provider, OpenID-certified) that signs RS256 ID tokens carrying a `cognito:groups` claim, so the API
// verifies them with the very code the api Lambda runs (shared/api/auth.ts jwtAuthoriser against this issuer's
// JWKS). Its users are three demo roles with passwords made per process; they are roles, not people.

/** One demo user: a role with the Cognito groups that define what it may read. */
export interface DemoUser {
  username: string;
  password: string;
  /** What the role is, in plain words (printed by the CLI). */
  role: string;
  groups: string[];
}

export interface LocalSignIn {
  /** The issuer (`iss`) and OpenID Connect authority, `http://127.0.0.1:{port}`. */
  issuer: string;
  clientId: string;
  jwksUrl: string;
  users: DemoUser[];
  close(): Promise<void>;
}

export interface LocalSignInOptions {
  org: OrgConfig;
  /** Where the dashboard is served (e.g. `http://127.0.0.1:8080/`): the client's redirect and sign-out URLs. */
  dashboardUrls: string[];
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port (default). */
  port?: number;
  /** ID token lifetime in seconds (default 3600, as Cognito's default); short in tests of refresh. */
  idTokenTtlSec?: number;
}

export const LOCAL_CLIENT_ID = 'radar-dashboard';

/** Picks the three demo roles from the org: the steering group, the second domain's lead, a lead of two pods. */
export function demoUsersFor(org: OrgConfig): Omit<DemoUser, 'password'>[] {
  const units = listUnits(org);
  const domains = units.filter((u) => u.kind === 'domain');
  const domain = domains[1] ?? domains[0];
  // The pod lead's pods sit outside the domain lead's domain, so the two scopes do not overlap.
  const pods = (domains.find((d) => d !== domain) ?? domain)?.members.filter((m) => m.startsWith('pod:')).slice(0, 2) ?? [];
  const users: Omit<DemoUser, 'password'>[] = [{ username: 'steering', role: 'steering group member (every unit)', groups: ['steering'] }];
  if (domain) users.push({ username: 'domain-lead', role: `lead of ${domain.ref} (the domain and its pods)`, groups: [`domain-lead:${domain.id}`] });
  if (pods.length > 0) {
    users.push({ username: 'pod-lead', role: `lead of ${pods.join(' and ')}`, groups: pods.map((p) => `pod-lead:${p.slice('pod:'.length)}`) });
  }
  return users;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  // No script at all; the inline style is this page's only styling.
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · AI Maturity Radar (local sign-in)</title>
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem}.error{color:#a4001b}.note{color:#555;font-size:.9rem}</style></head><body><main>${body}</main></body></html>`;
}

function loginForm(uid: string, error?: string): string {
  return page(
    'Sign in',
    `<h1>Sign in to AI Maturity Radar</h1>
<p class="note">Local demo sign-in. The users and their passwords were printed where <code>radar</code> started.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login" autocomplete="off">
<label for="username">Username</label><input id="username" name="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form>`,
  );
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
      if (body.length > 8192) req.destroy(new Error('form too large'));
    });
    req.once('end', () => resolve(new URLSearchParams(body)));
    req.once('error', reject);
  });
}

function samePassword(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Starts the local OpenID Connect provider with the demo users of `org`.
 * @example const signIn = await startLocalSignIn({ org, dashboardUrls: ['http://127.0.0.1:8080/'] });
 */
export async function startLocalSignIn(opts: LocalSignInOptions): Promise<LocalSignIn> {
  const host = opts.host ?? '127.0.0.1';
  const users: DemoUser[] = demoUsersFor(opts.org).map((u) => ({ ...u, password: randomBytes(9).toString('base64url') }));
  const byName = new Map(users.map((u) => [u.username, u]));

  // Listen first: the issuer URL carries the port.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuerHost = isLoopbackAddress(host) || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const issuer = `http://${issuerHost}:${port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
  const redirectOrigins = new Set(opts.dashboardUrls.map((u) => new URL(u).origin));

  const configuration: Configuration = {
    clients: [
      {
        client_id: LOCAL_CLIENT_ID,
        // A browser app keeps no secret: Authorization Code with PKCE (required for public clients).
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: opts.dashboardUrls,
        post_logout_redirect_uris: opts.dashboardUrls,
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // The scope code reads Cognito's group claim; the ID token carries it, as Cognito's does.
    claims: { openid: ['sub', 'cognito:groups'] },
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const user = byName.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: () => ({ sub, 'cognito:groups': user.groups }) };
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = 'html';
          ctx.body = page(
            'Sign out',
            `<h1>Sign out of AI Maturity Radar?</h1>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>`,
          );
        },
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
          ctx.type = 'html';
          ctx.body = page('Signed out', '<h1>Signed out</h1>');
        },
      },
    },
    // Like Cognito with the code flow: a refresh token comes with every sign-in, so the dashboard renews silently.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // First-party dashboard: no consent screen. The grant covers exactly what the scope code needs.
    loadExistingGrant: async (ctx) => {
      const client = ctx.oidc.client;
      const session = ctx.oidc.session;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) {
        const found = await ctx.oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid offline_access');
      grant.addOIDCClaims(['cognito:groups']);
      await grant.save();
      return grant;
    },
    clientBasedCORS: (_ctx, origin) => redirectOrigins.has(origin),
    ttl: { IdToken: opts.idTokenTtlSec ?? 3600, AccessToken: opts.idTokenTtlSec ?? 3600, RefreshToken: 7 * 86_400, Session: 86_400, Grant: 86_400, Interaction: 600 },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<h1>Sign-in failed</h1><p>${escapeHtml(String(out.error_description ?? out.error))}</p>`);
    },
  };
  const provider = new Provider(issuer, configuration);
  const providerCallback = provider.callback();

  const interaction = async (req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> => {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (details.prompt.name !== 'login') {
      // Consent is granted by loadExistingGrant; anything else this provider does not ask.
      await provider.interactionFinished(req, res, { consent: {} }, { mergeWithLastSubmission: true });
      return;
    }
    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const user = byName.get(form.get('username') ?? '');
      if (!user || !samePassword(form.get('password') ?? '', user.password)) {
        res.writeHead(401, PAGE_HEADERS);
        res.end(loginForm(uid, 'Wrong username or password.'));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
      return;
    }
    res.writeHead(200, PAGE_HEADERS);
    res.end(loginForm(uid));
  };

  handler = (req, res) => {
    if (!isLoopbackHostHeader(req.headers.host) && isLoopbackAddress(host)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' });
      res.end('421 Misdirected Request\n');
      return;
    }
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec((req.url ?? '').split('?')[0] ?? '');
    if (!m) {
      void providerCallback(req, res);
      return;
    }
    interaction(req, res, m[1] as string, m[2]).catch(() => {
      if (res.headersSent) return;
      res.writeHead(400, PAGE_HEADERS);
      res.end(page('Sign-in expired', '<h1>This sign-in has expired</h1><p>Go back to the dashboard and sign in again.</p>'));
    });
  };

  return {
    issuer,
    clientId: LOCAL_CLIENT_ID,
    jwksUrl: `${issuer}/jwks`,
    users,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The same dashboard under both loopback names, so either address in the browser can sign in. */
function dashboardAliases(dashboardUrl: string): string[] {
  const url = new URL(dashboardUrl);
  const urls = [url.href];
  for (const alias of ['127.0.0.1', 'localhost']) {
    if (url.hostname !== alias && isLoopbackAddress(url.hostname)) urls.push(`${url.protocol}//${alias}:${url.port}${url.pathname}`);
  }
  return urls;
}

/**
 * Sign-in for `serveDashboard`: starts the local provider for the dashboard's URL and verifies API calls with the
 * Lambda's jwtAuthoriser against its JWKS. `started` receives the provider (to print its users and close it).
 */
export function localDashboardSignIn(
  org: OrgConfig,
  host: string,
  started: (signIn: LocalSignIn) => void,
  opts: Pick<LocalSignInOptions, 'idTokenTtlSec'> = {},
): (dashboardUrl: string) => Promise<DashboardSignIn> {
  return async (dashboardUrl) => {
    const signIn = await startLocalSignIn({ org, dashboardUrls: dashboardAliases(dashboardUrl), host, ...opts });
    started(signIn);
    return {
      authority: signIn.issuer,
      clientId: signIn.clientId,
      signInOrigins: [signIn.issuer],
      authorise: jwtAuthoriser({ org, issuer: signIn.issuer, audience: signIn.clientId, jwks: signIn.jwksUrl }),
    };
  };
}

/** The lines the CLI prints about the demo sign-in: the provider, then each user with their password. */
export function formatSignInUsers(signIn: LocalSignIn): string {
  const lines = [`sign-in ${signIn.issuer} (local OpenID Connect provider; demo users below)`];
  for (const u of signIn.users) lines.push(`user ${u.username} password ${u.password}  # ${u.role}`);
  return `${lines.join('\n')}\n`;
}
