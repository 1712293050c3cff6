import { describe, expect, it } from 'vitest';
import { allowListFor, keepAllowed, UndeclaredStreamError } from '../../../shared/sources/allow-list.js';
import type { StreamAllowList } from '../../../shared/sources/allow-list.js';

const pseudo = (id: string): string => `p(${id.length})`;

describe('allow-list at the edge', () => {
  it('keeps only declared fields and drops everything else, at any depth', () => {
    const body = { id: 1, title: 'free text', user: { login: 'alice', email: 'a@x.io' }, head: { sha: 'abc', label: 'alice:fix' } };
    expect(keepAllowed(body, { id: true, user: { login: 'person' }, head: { sha: true } }, pseudo)).toEqual({
      id: 1, user: { login: 'p(5)' }, head: { sha: 'abc' },
    });
  });

  it('pseudonymises person ids and turns non-string persons into null', () => {
    expect(keepAllowed({ a: 'bob', b: 7, c: '' }, { a: 'person', b: 'person', c: 'person' }, pseudo)).toEqual({ a: 'p(3)', b: null, c: null });
  });

  it('maps arrays item by item, keeps null, and drops a value whose shape does not match its spec', () => {
    const body = { items: [{ k: 1, x: 2 }, null, 'odd'], n: null, obj: 'not an object', tags: ['a', 'b'], nested: { deep: 1 } };
    expect(keepAllowed(body, { items: [{ k: true }], n: { a: true }, obj: { a: true }, tags: true, nested: true }, pseudo)).toEqual({
      items: [{ k: 1 }, null, null], n: null, tags: ['a', 'b'],
    });
  });

  it('applies the wildcard key to every key not listed', () => {
    expect(keepAllowed({ a: 1, b: { v: 2, w: 3 } }, { a: true, '*': { v: true } }, pseudo)).toEqual({ a: 1, b: { v: 2 } });
  });

  it('finds a stream by its kind and refuses a stream with no allow-list', () => {
    const lists: Record<string, StreamAllowList> = { pulls: { body: [{ number: true }] } };
    expect(allowListFor(lists, 'pulls:acme/reco')).toBe(lists.pulls);
    expect(() => allowListFor(lists, 'commits:acme/reco')).toThrow(UndeclaredStreamError);
  });
});
