import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp } from '../../../shared/api/app.js';
import { jwtAuthoriser } from '../../../shared/api/auth.js';
import type { UnitsResponse } from '../../../shared/api/contract.js';
import { listUnits } from '../../../shared/org/index.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import type { LocalStores } from '../../helpers/local-servers.js';
import { buildSeedHistory, loadDemoOrg } from '../../helpers/seed-scorecards.js';

// The API behind the JWT authoriser, end to end: real dynalite + s3rver stores seeded with scorecards, the key
// set served over HTTP on 127.0.0.1 (the remote-JWKS path Cognito uses), tokens signed with a test RSA key.

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_RadarTest';
const AUDIENCE = 'radar-dashboard-client';
const org = loadDemoOrg();

let local: LocalStores;
let jwksServer: Server;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;
let app: ReturnType<typeof buildApiApp>;

async function token(claims: Record<string, unknown>, opts: { key?: CryptoKey; kid?: string; issuer?: string; expiresIn?: string | number } = {}): Promise<string> {
  return new SignJWT({ token_use: 'id', aud: AUDIENCE, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'test-key-1' })
    .setIssuer(opts.issuer ?? ISSUER)
    .setSubject('a:0123456789abcdef')
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '10m')
    .sign(opts.key ?? signingKey);
}

async function get(path: string, bearer?: string): Promise<Response> {
  return app.request(path, bearer === undefined ? {} : { headers: { Authorization: `Bearer ${bearer}` } });
}

async function listedUnits(bearer: string): Promise<string[]> {
  const res = await get('/api/units', bearer);
  expect(res.status).toBe(200);
  return ((await res.json()) as UnitsResponse).units.map((u) => u.unit).sort();
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  jwksServer = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const { port } = jwksServer.address() as AddressInfo;

  local = await startLocalStores();
  // Two as-ofs are enough for lists, deltas and direct reads.
  for (const { asOf, cards } of buildSeedHistory(org, 2)) {
    await local.stores.snapshots.saveSnapshots(asOf, cards, { runId: `run-${asOf}` });
  }
  app = buildApiApp({
    snapshots: local.stores.snapshots,
    runs: local.stores.runs,
    authorise: jwtAuthoriser({ org, issuer: ISSUER, audience: AUDIENCE, jwks: `http://127.0.0.1:${port}/.well-known/jwks.json` }),
  });
});

afterAll(async () => {
  await local?.close();
  await new Promise<void>((resolve) => (jwksServer ? jwksServer.close(() => resolve()) : resolve()));
});

describe('API behind the JWT authoriser', () => {
  it('answers 401 problem JSON with a Bearer challenge when no token is sent', async () => {
    const res = await get('/api/units');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await res.json()) as { status: number }).status).toBe(401);
  });

  it('answers 401 to a header that is not a bearer JWT', async () => {
    const res = await app.request('/api/units', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expect(res.status).toBe(401);
  });

  it('answers 401 to a token signed by a key outside the key set', async () => {
    expect((await get('/api/units', await token({ 'cognito:groups': ['steering'] }, { key: strangerKey }))).status).toBe(401);
  });

  it('answers 401 to a forged token that reuses the published key id', async () => {
    const forged = await token({ 'cognito:groups': ['steering'] }, { key: strangerKey, kid: 'test-key-1' });
    expect((await get('/api/units', forged)).status).toBe(401);
  });

  it('answers 401 to an expired token', async () => {
    const expired = await token({ 'cognito:groups': ['steering'] }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
    expect((await get('/api/units', expired)).status).toBe(401);
  });

  it('answers 401 to a token from another issuer or for another client', async () => {
    const otherIssuer = await token({ 'cognito:groups': ['steering'] }, { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' });
    const otherClient = await token({ 'cognito:groups': ['steering'], aud: 'some-other-client' });
    expect((await get('/api/units', otherIssuer)).status).toBe(401);
    expect((await get('/api/units', otherClient)).status).toBe(401);
  });

  it('never echoes the token in a 401 body', async () => {
    const bad = await token({ 'cognito:groups': ['steering'] }, { key: strangerKey });
    const body = await (await get('/api/units', bad)).text();
    expect(body).not.toContain(bad.split('.')[1]);
  });

  it('shows a pod lead exactly their pod and answers 403 for every other unit', async () => {
    const t = await token({ 'cognito:groups': ['pod-lead:recsys'] });
    expect(await listedUnits(t)).toEqual(['pod:recsys']);
    expect((await get('/api/units/pod:recsys', t)).status).toBe(200);
    expect((await get('/api/units/pod:recsys/trend', t)).status).toBe(200);
    for (const other of ['pod:churn-predict', 'domain:customer-engagement', 'org', 'steering']) {
      const res = await get(`/api/units/${other}`, t);
      expect(res.status, other).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('shows a domain lead the domain and its pods, and answers 403 for another domain and its pods', async () => {
    const t = await token({ 'cognito:groups': ['domain-lead:supply-chain'] });
    const domain = org.domains.find((d) => d.id === 'supply-chain');
    const expected = ['domain:supply-chain', ...(domain?.pods ?? []).map((p) => `pod:${p.id}`)].sort();
    expect(await listedUnits(t)).toEqual(expected);
    for (const unit of expected) expect((await get(`/api/units/${unit}`, t)).status, unit).toBe(200);
    for (const other of ['domain:customer-engagement', 'pod:recsys', 'network:nlp', 'org']) {
      expect((await get(`/api/units/${other}`, t)).status, other).toBe(403);
    }
  });

  it('shows the steering group every unit', async () => {
    const t = await token({ 'cognito:groups': ['steering'] });
    expect(await listedUnits(t)).toEqual(listUnits(org).map((u) => u.ref).sort());
    for (const unit of ['org', 'steering', 'pod:recsys', 'network:nlp', 'lab:generative-ai']) {
      expect((await get(`/api/units/${unit}`, t)).status, unit).toBe(200);
    }
  });

  it('accepts a Cognito access token, whose client id is in client_id instead of aud', async () => {
    const access = await token({ token_use: 'access', aud: undefined, client_id: AUDIENCE, 'cognito:groups': ['pod-lead:recsys'] });
    expect(await listedUnits(access)).toEqual(['pod:recsys']);
  });

  it('gives a signed-in user without any grant an empty list and 403, not 401', async () => {
    const t = await token({ 'cognito:groups': ['readers'] });
    expect(await listedUnits(t)).toEqual([]);
    expect((await get('/api/units/pod:recsys', t)).status).toBe(403);
  });
});
