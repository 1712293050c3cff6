import type { KeyObject } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from 'jose';
import { ConfigError } from '../kernel/index.js';
import { listUnits } from '../org/index.js';
import type { OrgConfig, UnitRef } from '../org/index.js';
import { UnauthenticatedError } from './errors.js';
import type { Scope } from './scope.js';

// The API's own scope enforcement, on the same verification path as API Gateway's JWT authoriser: Cognito
// issues RS256 tokens signed by keys published at `<issuer>/.well-known/jwks.json`. API Gateway already rejects
// bad tokens in AWS; the app verifies again so that a misrouted request (or a local deployment behind a proxy)
// can never read outside its scope, and because only the app knows which units a group covers.
//
// Scope grammar, read from the `cognito:groups` claim (one Cognito group per grant; a user may hold several and
// gets their union):
//   steering              every unit, the organisation included
//   domain-lead:<id>      the domain and its pods
//   network-lead:<id>     the network and its member pods (a network exists to align practice across those
//                         pods, so its lead reads their cards; the API serves reads only)
//   lab-lead:<id>         the lab
//   pod-lead:<id>         the pod
// Unknown groups and ids not in the org config grant nothing; an authenticated caller with no grant gets an
// empty scope (403 on every unit), not a 401.

/** The group that sees every unit. */
export const STEERING_GROUP = 'steering';

const GRANT = /^(domain|network|lab|pod)-lead:([a-z][a-z0-9-]{0,62})$/;

/** Where the verification keys come from: a JWKS URL (AWS), or a local key set or public key (tests, offline). */
export type JwtKeySource = string | URL | JSONWebKeySet | CryptoKey | KeyObject;

export interface JwtAuthoriserOptions {
  org: OrgConfig;
  /** Expected `iss`, e.g. `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC`. */
  issuer: string;
  /** Expected audience: the app client id (`aud` of ID tokens, `client_id` of Cognito access tokens). */
  audience: string;
  jwks: JwtKeySource;
  /** Claim holding the group list; Cognito's is `cognito:groups`. */
  groupsClaim?: string;
  /** Allowed clock skew in seconds for `exp`/`nbf`. */
  clockToleranceSec?: number;
}

/** Maps group names to the units they may read (pure; unknown groups and units grant nothing). */
export function scopeForGroups(org: OrgConfig, groups: readonly string[]): Scope {
  if (groups.includes(STEERING_GROUP)) return { kind: 'all' };
  const units = listUnits(org);
  const byRef = new Map(units.map((u) => [u.ref, u]));
  const readable = new Set<UnitRef>();
  for (const group of groups) {
    const m = GRANT.exec(group);
    if (!m) continue;
    const ref = `${m[1] as string}:${m[2] as string}`;
    const unit = byRef.get(ref);
    if (unit === undefined) continue;
    readable.add(unit.ref);
    // Labs have no members and a pod lead reads only the pod; domains and networks include their pods.
    if (unit.kind === 'domain' || unit.kind === 'network') for (const member of unit.members) readable.add(member);
  }
  return { kind: 'units', units: readable };
}

/**
 * Builds the API's `authorise` function: verifies the bearer JWT (RS256, issuer, audience, expiry) against the
 * JWKS and turns its groups into a Scope; no or bad token → UnauthenticatedError (401).
 * @example buildApiApp({ snapshots, runs, authorise: jwtAuthoriser({ org, issuer, audience, jwks: jwksUrl }) })
 */
export function jwtAuthoriser(opts: JwtAuthoriserOptions): (req: Request) => Promise<Scope> {
  const keys = keyResolver(opts.jwks);
  const claim = opts.groupsClaim ?? 'cognito:groups';
  const clockTolerance = opts.clockToleranceSec ?? 5;
  // Scopes depend only on the group list; the org config is fixed for the life of the app.
  const scopes = new Map<string, Scope>();
  return async (req) => {
    const token = bearerToken(req);
    let payload: JWTPayload;
    try {
      ({ payload } = await (typeof keys === 'function'
        ? jwtVerify(token, keys, { issuer: opts.issuer, algorithms: ['RS256'], clockTolerance, requiredClaims: ['exp'] })
        : jwtVerify(token, keys, { issuer: opts.issuer, algorithms: ['RS256'], clockTolerance, requiredClaims: ['exp'] })));
    } catch (err) {
      throw toUnauthenticated(err);
    }
    if (!audienceMatches(payload, opts.audience)) {
      throw new UnauthenticatedError({ reason: 'the token was issued for another client' });
    }
    const groups = groupsOf(payload, claim);
    const cacheKey = [...groups].sort().join('\n');
    let scope = scopes.get(cacheKey);
    if (scope === undefined) {
      scope = scopeForGroups(opts.org, groups);
      scopes.set(cacheKey, scope);
    }
    return scope;
  };
}

/**
 * The authoriser of the api Lambda, from RADAR_JWT_ISSUER, RADAR_JWT_AUDIENCE and RADAR_JWKS_URL; fails closed
 * (ConfigError naming the variable) when one is missing, so a deployment can never run unauthenticated.
 */
export function jwtAuthoriserFromEnv(org: OrgConfig, env: NodeJS.ProcessEnv = process.env): (req: Request) => Promise<Scope> {
  const read = (name: string): string => {
    const v = env[name]?.trim();
    if (!v) throw new ConfigError([{ file: '(environment)', line: 0, col: 0, path: name, reason: 'is required and not set' }]);
    return v;
  };
  return jwtAuthoriser({ org, issuer: read('RADAR_JWT_ISSUER'), audience: read('RADAR_JWT_AUDIENCE'), jwks: read('RADAR_JWKS_URL') });
}

function keyResolver(src: JwtKeySource): JWTVerifyGetKey | CryptoKey | KeyObject {
  if (typeof src === 'string' || src instanceof URL) {
    const url = new URL(src);
    if (url.protocol !== 'https:' && !isLoopback(url.hostname)) {
      throw new ConfigError([{ file: '(environment)', line: 0, col: 0, path: 'RADAR_JWKS_URL', reason: 'must be an https URL' }]);
    }
    // jose caches the key set and refetches on an unknown `kid`, which is how Cognito key rotation shows up.
    return createRemoteJWKSet(url, { timeoutDuration: 3000, cooldownDuration: 30_000 });
  }
  if (isKeySet(src)) return createLocalJWKSet(src);
  return src;
}

function isKeySet(src: JwtKeySource): src is JSONWebKeySet {
  return typeof src === 'object' && src !== null && 'keys' in src && Array.isArray((src as { keys: unknown }).keys);
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

function bearerToken(req: Request): string {
  const header = req.headers.get('authorization');
  if (header === null || header.trim() === '') throw new UnauthenticatedError({ reason: 'no Authorization header' });
  const m = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(header);
  if (!m) throw new UnauthenticatedError({ reason: 'the Authorization header is not `Bearer <JWT>`' });
  return m[1] as string;
}

/** ID tokens carry the client id in `aud`; Cognito access tokens carry it in `client_id` and have no `aud`. */
function audienceMatches(payload: JWTPayload, audience: string): boolean {
  if (payload.aud !== undefined) return Array.isArray(payload.aud) ? payload.aud.includes(audience) : payload.aud === audience;
  return payload.client_id === audience;
}

function groupsOf(payload: JWTPayload, claim: string): string[] {
  const raw = payload[claim];
  if (Array.isArray(raw)) return raw.filter((g): g is string => typeof g === 'string');
  // Some identity providers put a single group, or a space-separated list, in a string claim.
  if (typeof raw === 'string') return raw.split(/[\s,]+/).filter((g) => g !== '');
  return [];
}

function toUnauthenticated(err: unknown): Error {
  // An unreachable or broken key endpoint is our outage, not the caller's fault: let it surface as a 500.
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) return err;
  if (!(err instanceof joseErrors.JOSEError)) return err instanceof Error ? err : new Error(String(err));
  // The reason names the failed check only; the token itself is never echoed.
  const reason =
    err instanceof joseErrors.JWTExpired
      ? 'the token has expired'
      : err instanceof joseErrors.JWTClaimValidationFailed
        ? `the token's ${err.claim} claim is not accepted`
        : err instanceof joseErrors.JWKSNoMatchingKey
          ? 'the token is signed by an unknown key'
          : 'the token did not verify';
  return new UnauthenticatedError({ reason, cause: err });
}
