import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actorHasher } from '../../../../shared/kernel/index.js';
import type { NormaliseContext, RawPage } from '../../../../shared/sources/contract.js';
import { NormaliseError } from '../../../../shared/sources/errors.js';
import { normaliseGithubPage, parseLinkHeader, pathOnly } from '../../../../shared/sources/github/index.js';

const dir = new URL('../../../fixtures/github/', import.meta.url);
const cases = readdirSync(dir).filter((f) => f.endsWith('.raw.json')).map((f) => f.replace('.raw.json', ''));
const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));

function ctxFor(file: string): NormaliseContext {
  return {
    binding: { id: 'pod:recsys/github', unit: 'pod:recsys', source: 'github' }, rawKey: `raw/github/${file}`,
    hashActor: actorHasher('fixture-key'), baseUrl: 'https://api.github.com',
  };
}

const pullsPage = (): RawPage => read('pulls.raw.json') as RawPage;

describe('GitHub normaliser fixture pairs', () => {
  it('has a fixture for every activity-bearing stream', () => {
    expect(cases).toEqual(expect.arrayContaining(['pulls', 'reviews', 'commits', 'deployment-statuses', 'runs', 'releases', 'deployments']));
  });

  for (const name of cases) {
    it(`turns ${name}.raw.json into exactly ${name}.expected.json`, () => {
      const page = read(`${name}.raw.json`) as RawPage;
      expect(normaliseGithubPage(page, ctxFor(`${name}.raw.json`))).toEqual(read(`${name}.expected.json`));
    });
  }
});

describe('GitHub normaliser', () => {
  it('does not change the page it is given and gives the same output twice', () => {
    const page = pullsPage();
    const before = JSON.stringify(page);
    const a = normaliseGithubPage(page, ctxFor('p'));
    const b = normaliseGithubPage(page, ctxFor('p'));
    expect(JSON.stringify(page)).toBe(before);
    expect(a).toEqual(b);
  });

  it('keeps logins out of activities and hashes actors with the given key', () => {
    const page = pullsPage();
    const out = normaliseGithubPage(page, ctxFor('p'));
    const login = (page.body as Array<{ user: { login: string } }>)[0]?.user.login as string;
    expect(JSON.stringify(out)).not.toContain(login);
    expect(out[0]?.actor).toBe(actorHasher('fixture-key')(login));
  });

  it('throws NormaliseError for a truncated body kept as text', () => {
    const page = { ...pullsPage(), body: '[{"number": 1, "html_' };
    expect(() => normaliseGithubPage(page, ctxFor('p'))).toThrow(NormaliseError);
  });

  it('throws NormaliseError when a pull request lacks its created_at', () => {
    const page = pullsPage();
    const body = (page.body as Array<Record<string, unknown>>).map((p) => ({ ...p }));
    delete body[0]?.created_at;
    expect(() => normaliseGithubPage({ ...page, body }, ctxFor('p'))).toThrow(/created_at/);
  });

  it('throws NormaliseError for a stream it does not know', () => {
    expect(() => normaliseGithubPage({ ...pullsPage(), stream: 'issues:acme/recsys' }, ctxFor('p'))).toThrow(NormaliseError);
  });

  it('refuses a statuses page that does not carry its deployment', () => {
    const page = read('deployment-statuses.raw.json') as RawPage;
    const { parent: _parent, ...withoutParent } = page;
    expect(() => normaliseGithubPage(withoutParent, ctxFor('s'))).toThrow(/parent/);
  });

  it('emits nothing for later pages of deployment statuses, which only hold older states', () => {
    const page = read('deployment-statuses.raw.json') as RawPage;
    expect(normaliseGithubPage({ ...page, path: `${page.path}&page=2` }, ctxFor('s'))).toEqual([]);
  });

  it('emits nothing for a 304 page (nothing changed)', () => {
    expect(normaliseGithubPage({ ...pullsPage(), status: 304, body: null }, ctxFor('p'))).toEqual([]);
  });
});

describe('GitHub client helpers', () => {
  it('reads every rel of a Link header', () => {
    const link = '<https://api.github.com/x?page=3>; rel="next", <https://api.github.com/x?page=9>; rel="last", <https://api.github.com/x?page=1>; rel="first"';
    expect(parseLinkHeader(link)).toEqual({
      next: 'https://api.github.com/x?page=3', last: 'https://api.github.com/x?page=9', first: 'https://api.github.com/x?page=1',
    });
    expect(parseLinkHeader(undefined)).toEqual({});
  });

  it('drops host and query string from URLs used in errors', () => {
    expect(pathOnly('https://api.github.com/repos/a/b/pulls?access_token=secret&page=2')).toBe('/repos/a/b/pulls');
  });
});
