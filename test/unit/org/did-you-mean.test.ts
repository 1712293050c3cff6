import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../../shared/org/did-you-mean.js';

describe('editDistance', () => {
  it('is zero for equal words', () => {
    expect(editDistance('members', 'members')).toBe(0);
  });

  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('counts a swap of two adjacent letters as one edit', () => {
    expect(editDistance('nmae', 'name')).toBe(1);
  });

  it('is the other word length when one word is empty', () => {
    expect(editDistance('', 'repos')).toBe(5);
  });
});

describe('closestMatch', () => {
  it('suggests the allowed key a typo most resembles', () => {
    expect(closestMatch('membres', ['id', 'name', 'members', 'standards'])).toBe('members');
  });

  it('suggests a key that differs only in letter case', () => {
    expect(closestMatch('baseurl', ['baseUrl', 'org', 'auth'])).toBe('baseUrl');
  });

  it('suggests nothing when no allowed key is close', () => {
    expect(closestMatch('colour', ['id', 'name', 'pods'])).toBeUndefined();
  });
});
