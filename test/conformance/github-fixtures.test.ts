import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { GithubClient } from '../../shared/sources/github/index.js';
import { validateResponse } from './github-openapi.js';

// Replays real recorded api.github.com traffic (@octokit/fixtures, scenario paginate-issues: 5 pages of 3 issues
// whose Link next URLs switch to `https://api.github.com/repositories/1000/issues?…`) from a local HTTP server,
// through the connector's GitHub client. The recording is served as recorded; only the origin of its Link URLs is
// mapped to the local server, as octokit's own fixture server does.

const require = createRequire(import.meta.url);

interface Recorded {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  response: unknown;
}

const scenario = require('@octokit/fixtures/scenarios/api.github.com/paginate-issues/normalized-fixture.json') as Recorded[];
let server: Server | undefined;

afterEach(async () => {
  if (server) await new Promise<void>((r) => server!.close(() => r()));
  server = undefined;
});

/** Serves the recording; `mapLinks` rewrites https://api.github.com in Link headers to the local origin. */
async function replay(o: { mapLinks: boolean }): Promise<{ url: string; requests: Array<{ path: string; authorization: string | undefined }> }> {
  const requests: Array<{ path: string; authorization: string | undefined }> = [];
  let origin = '';
  server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const rec = scenario.find((x) => x.path === req.url);
    if (!rec) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not Found', status: '404' }));
      return;
    }
    const headers = { ...rec.headers };
    if (o.mapLinks && headers.link) headers.link = headers.link.replaceAll('https://api.github.com', origin);
    delete headers['content-length'];
    res.writeHead(rec.status, headers).end(JSON.stringify(rec.response));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return { url: origin, requests };
}

const client = (baseUrl: string): GithubClient =>
  new GithubClient({ baseUrl, token: 'ghp_fixtureToken000000000000000000000000', tokenEnv: 'RADAR_GITHUB_TOKEN', bindingId: 'fixtures', retries: 0 });

describe('GitHub client over recorded api.github.com pagination (@octokit/fixtures paginate-issues)', () => {
  it('follows the recorded /repositories/{id}/ next links verbatim and reads every recorded page', async () => {
    const { url, requests } = await replay({ mapLinks: true });
    const pages: unknown[] = [];
    for await (const page of client(url).pages(scenario[0]!.path, 'issues')) pages.push(page.data);
    expect(requests.map((r) => r.path)).toEqual(scenario.map((x) => x.path));
    expect(pages).toEqual(scenario.map((x) => x.response));
    expect(requests.every((r) => r.authorization === 'token ghp_fixtureToken000000000000000000000000')).toBe(true);
  });

  it('refuses the recorded next link when it names another origin than the configured one', async () => {
    const { url, requests } = await replay({ mapLinks: false });
    const read = async (): Promise<void> => {
      for await (const page of client(url).pages(scenario[0]!.path, 'issues')) expect(page.status).toBe(200);
    };
    await expect(read()).rejects.toMatchObject({ code: 'UNTRUSTED_URL' });
    expect(requests).toHaveLength(1);
  });

  it('accepts the recorded real pages under the same OpenAPI schemas the sandbox is held to', () => {
    for (const rec of scenario) expect(validateResponse(rec.path.split('?')[0]!, rec.status, rec.response)).toEqual([]);
  });
});
