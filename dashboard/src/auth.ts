import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { User } from 'oidc-client-ts';

// Sign-in with OpenID Connect, Authorization Code + PKCE (oidc-client-ts): against Cognito's hosted UI in AWS and
// the local provider of `radar demo --auth`. /config.json (deployed next to the app by CDK, served by `radar serve`)
// says where to sign in; without an `auth` section (local mode) the dashboard does not sign in at all.
// The ID token is the bearer: its `aud` is the client id and it carries `cognito:groups`, in Cognito and locally,
// and the API verifies it with the same code in both.

/** The sign-in part of /config.json. */
export interface AuthConfig {
  authority: string;
  clientId: string;
  /** Cognito's logout endpoint is not in its discovery document; CDK writes it here. */
  endSessionEndpoint?: string;
  /** Extra sign-out parameters (Cognito wants `client_id` and `logout_uri`). */
  endSessionParams?: Record<string, string>;
}

interface DashboardConfig {
  auth?: AuthConfig | null;
}

/** The signed-in state the rest of the app sees. */
export interface Session {
  /** Cognito groups of the user (team-level scope names such as `pod-lead:recsys`), never a name or email. */
  groups: string[];
  signOut(): Promise<void>;
}

let manager: UserManager | null = null;
let config: AuthConfig | null = null;

/** The page the provider sends the browser back to: the app's own URL without query or hash. */
function appUrl(): string {
  const url = new URL('./', document.baseURI);
  return url.origin + url.pathname;
}

function isAuthConfig(x: unknown): x is AuthConfig {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Record<string, unknown>;
  return typeof c.authority === 'string' && c.authority !== '' && typeof c.clientId === 'string' && c.clientId !== '';
}

async function loadConfig(): Promise<AuthConfig | null> {
  const res = await fetch(new URL('config.json', document.baseURI), { headers: { Accept: 'application/json' }, cache: 'no-cache' });
  // No config.json (e.g. the dashboard served by a bare static server) means local mode: no sign-in.
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`config.json answered ${res.status}`);
  const body = (await res.json()) as DashboardConfig;
  return isAuthConfig(body.auth) ? body.auth : null;
}

function groupsOf(user: User): string[] {
  const raw = user.profile['cognito:groups'];
  return Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string') : [];
}

/** Sends the browser to the sign-in page; it comes back to the view it left. */
export async function signIn(): Promise<never> {
  if (!manager) throw new Error('sign-in is not configured');
  await manager.removeUser();
  await manager.signinRedirect({ url_state: location.hash || '#/' });
  // The browser is navigating away; nothing after this should run.
  return new Promise<never>(() => undefined);
}

async function signOut(): Promise<void> {
  if (!manager || !config) return;
  const user = await manager.getUser();
  await manager.removeUser();
  await manager.signoutRedirect({
    ...(user?.id_token ? { id_token_hint: user.id_token } : {}),
    post_logout_redirect_uri: appUrl(),
    ...(config.endSessionParams ? { extraQueryParams: config.endSessionParams } : {}),
  });
}

/**
 * Starts the session before the first render: finishes a sign-in redirect, or restores the stored user (refreshing
 * an expired token), or sends the browser to sign in. Returns null when sign-in is off (local mode).
 */
export async function startSession(): Promise<Session | null> {
  config = await loadConfig();
  if (config === null) return null;
  manager = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: appUrl(),
    post_logout_redirect_uri: appUrl(),
    response_type: 'code',
    scope: 'openid',
    // Renews with the refresh token shortly before the ID token expires (both Cognito and the local provider issue one).
    automaticSilentRenew: true,
    loadUserInfo: false,
    // Tokens live as long as the tab, not across browser restarts.
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    ...(config.endSessionEndpoint ? { metadataSeed: { end_session_endpoint: config.endSessionEndpoint } } : {}),
  });
  // A failed silent renewal (refresh token expired or revoked) sends the user to sign in again.
  manager.events.addSilentRenewError(() => void signIn());

  const params = new URLSearchParams(location.search);
  let user: User | null;
  if (params.has('state') && (params.has('code') || params.has('error'))) {
    user = await manager.signinRedirectCallback();
    // Drop code and state from the address bar and go back to the view the user asked for.
    history.replaceState(null, '', appUrl() + (typeof user.url_state === 'string' && user.url_state.startsWith('#') ? user.url_state : '#/'));
  } else {
    user = await manager.getUser();
    if (user?.expired && user.refresh_token) user = await manager.signinSilent().catch(() => null);
  }
  if (!user || user.expired) return signIn();
  return { groups: groupsOf(user), signOut };
}

/**
 * The Authorization header value for an API call, renewing an expired token first; undefined when sign-in is off.
 * Sends the user to sign in when no valid token can be had.
 */
export async function authorizationHeader(): Promise<string | undefined> {
  if (!manager) return undefined;
  let user = await manager.getUser();
  if (user?.expired && user.refresh_token) user = await manager.signinSilent().catch(() => null);
  if (!user?.id_token || user.expired) return signIn();
  return `Bearer ${user.id_token}`;
}

/** Whether the dashboard signs in (a 401 then means: sign in again). */
export function signInEnabled(): boolean {
  return manager !== null;
}
