import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { checkOrgConfigText } from '../../../shared/org/index.js';
import { UnsafeTransportError } from '../../../shared/sources/errors.js';
import { basicAuthorization, HttpClient } from '../../../shared/sources/http/index.js';
import { jiraSource } from '../../../shared/sources/jira/index.js';
import { CREDENTIALS, startJiraSandbox, sync, type RunningJira } from './jira-sandbox.js';

// Safe transport in the shared HTTP client (REALITY.md, GitHub rows, applied to every source): the credential goes
// only to the configured origin, and never in clear text off loopback.

let jira: RunningJira;
let foreignUrl: string;
let foreignHits = 0;
let closeForeign: () => Promise<void>;
beforeAll(async () => {
  jira = await startJiraSandbox({ weeks: 4 });
  const app = new Hono();
  app.all('*', (c) => {
    foreignHits += 1;
    return c.json({ startAt: 0, maxResults: 0, isLast: true, values: [] });
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  foreignUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeForeign = () => new Promise<void>((done) => server.close(() => done()));
});
afterAll(async () => {
  await jira.close();
  await closeForeign();
});

const clientFor = (baseUrl: string): HttpClient =>
  new HttpClient({ source: 'jira', bindingId: 'pod:recsys/jira', baseUrl, authorization: basicAuthorization(CREDENTIALS.RADAR_JIRA_EMAIL, CREDENTIALS.RADAR_JIRA_TOKEN) });
const page = z.looseObject({ values: z.array(z.unknown()), nextPage: z.string().optional() });

describe('shared HTTP client transport', () => {
  it('refuses a plain-http base URL off loopback and accepts https and loopback hosts', () => {
    expect(() => clientFor('http://jira.acme.example')).toThrow(UnsafeTransportError);
    expect(() => clientFor('http://10.0.0.7:8080')).toThrow(UnsafeTransportError);
    for (const ok of ['https://acme.atlassian.net', 'http://127.0.0.1:4101', 'http://127.9.9.9', 'http://[::1]:5000', 'http://localhost:5000']) {
      expect(() => clientFor(ok)).not.toThrow();
    }
  });

  it('fails the binding with UnsafeTransportError when the configured Jira base URL is plain http off loopback', async () => {
    const org = { ...jira.org, sources: { ...jira.org.sources, jira: { ...jira.org.sources.jira!, baseUrl: 'http://jira.acme.example' } } };
    await expect(sync(jiraSource, org, 'pod:recsys/jira')).rejects.toBeInstanceOf(UnsafeTransportError);
  });

  it('follows an absolute next-page URL on the configured origin, and refuses one on another origin without sending anything there', async () => {
    const issue = [...jira.world.issues.values()].find((i) => i.histories.length > 2);
    if (!issue) throw new Error('no issue with histories');
    const client = clientFor(jira.url);
    const first = await client.getJson(`/rest/api/3/issue/${issue.key}/changelog?startAt=0&maxResults=1`, page);
    expect(first.body.nextPage).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rest\/api\/3\/issue\//);
    const second = await client.getJson(first.body.nextPage as string, page);
    expect(second.path).toMatch(/^\/rest\/api\/3\/issue\/[^?]+\/changelog\?maxResults=1&startAt=1$/);
    const foreign = (first.body.nextPage as string).replace(jira.url, foreignUrl);
    await expect(client.getJson(foreign, page)).rejects.toBeInstanceOf(UnsafeTransportError);
    expect(foreignHits).toBe(0);
  });

  it('has radar validate report a plain-http base URL as FILE:LINE:COL with the https rule', async () => {
    const file = new URL('../../../shared/sandbox/demo-org.yaml', import.meta.url).pathname;
    const text = (await readFile(file, 'utf8')).replace('baseUrl: http://127.0.0.1:4101', 'baseUrl: http://jira.acme.example');
    const result = checkOrgConfigText(text, 'org.yaml');
    expect(result.ok).toBe(false);
    const problem = result.ok ? undefined : result.problems.find((p) => p.path === 'sources.jira.baseUrl');
    const line = text.split('\n').findIndex((l) => l.includes('http://jira.acme.example')) + 1;
    expect(problem).toMatchObject({ file: 'org.yaml', line });
    expect(problem?.reason).toMatch(/https/);
    expect(checkOrgConfigText(text.replace('http://jira.acme.example', 'https://jira.acme.example'), 'org.yaml').ok).toBe(true);
  });
});
