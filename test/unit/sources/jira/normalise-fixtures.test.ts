import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actorHasher } from '../../../../shared/kernel/index.js';
import type { RawPage } from '../../../../shared/sources/contract.js';
import { NormaliseError } from '../../../../shared/sources/errors.js';
import { normaliseJiraPage } from '../../../../shared/sources/jira/index.js';

// Fixture pairs: test/fixtures/jira/<case>.raw.json (a raw page as the connector hands it on) →
// <case>.expected.json (the activities). Regenerating an expected file is a reviewed change, never automatic.

const dir = new URL('../../../fixtures/jira/', import.meta.url);
const ctx = {
  binding: { id: 'pod:recsys/jira', unit: 'pod:recsys', source: 'jira' as const },
  rawKey: 'raw/jira/pod_recsys_jira/run-1/0.json.gz',
  hashActor: actorHasher('fixture-key'),
  baseUrl: 'https://acme.atlassian.net/',
};
const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));

describe('normaliseJiraPage fixture pairs', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.raw.json'))) {
    const name = file.replace('.raw.json', '');
    it(`turns ${name} into the expected activities`, () => {
      expect(normaliseJiraPage(read(file) as RawPage, ctx)).toEqual(read(`${name}.expected.json`));
    });
  }

  it('throws NormaliseError for a search page whose issues are not an array', () => {
    const page = { ...(read('search-page.raw.json') as RawPage), body: { issues: { id: '1' } } };
    expect(() => normaliseJiraPage(page, ctx)).toThrow(NormaliseError);
  });

  it('throws NormaliseError for a stream it does not know', () => {
    const page = { ...(read('search-page.raw.json') as RawPage), stream: 'worklogs' };
    expect(() => normaliseJiraPage(page, ctx)).toThrow(NormaliseError);
  });

  it('is pure: the same page gives the same activities twice and is not modified', () => {
    const page = read('search-page.raw.json') as RawPage;
    const before = JSON.stringify(page);
    expect(normaliseJiraPage(page, ctx)).toEqual(normaliseJiraPage(page, ctx));
    expect(JSON.stringify(page)).toBe(before);
  });
});
