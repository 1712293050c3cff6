import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Activity } from '../../../shared/sources/contract.js';
import { mergeActivities, withSafeEvidenceUrl } from '../../../shared/pipeline/index.js';

function activity(id: string, over: Partial<Activity> = {}): Activity {
  return {
    id, source: 'github', kind: 'pull-request', unit: 'pod:recsys', bindingId: 'pod:recsys/github',
    at: '2026-11-01T10:00:00.000Z', actor: 'a:0011223344556677', url: `https://example.test/${id}`,
    attrs: { state: 'open' }, rawRef: { key: 'raw/a/1.json.gz', index: 0 }, ...over,
  };
}

describe('mergeActivities', () => {
  it('adds new activities and replaces changed ones by id', () => {
    const merged = mergeActivities([activity('b'), activity('a')], [activity('a', { attrs: { state: 'merged' } }), activity('c')], []);
    expect(merged.map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(merged[0]?.attrs.state).toBe('merged');
  });

  it('drops the ids the source reports removed', () => {
    expect(mergeActivities([activity('a'), activity('b')], [], ['a']).map((a) => a.id)).toEqual(['b']);
  });

  it('keeps the stored version of an unchanged activity even when it was read from another raw page', () => {
    const stored = activity('a', { rawRef: { key: 'raw/first.json.gz', index: 3 } });
    const merged = mergeActivities([stored], [activity('a', { rawRef: { key: 'raw/second.json.gz', index: 0 } })], []);
    expect(merged[0]?.rawRef.key).toBe('raw/first.json.gz');
  });

  test.prop([fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 30 }), fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 30 })])(
    'gives the same result whatever the order of the stored activities',
    (storedIds, freshIds) => {
      const stored = storedIds.map((id) => activity(id));
      const fresh = freshIds.map((id) => activity(id, { attrs: { state: 'closed' } }));
      const a = mergeActivities(stored, fresh, []);
      const b = mergeActivities([...stored].reverse(), fresh, []);
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      expect(a.map((x) => x.id)).toEqual([...new Set([...storedIds, ...freshIds])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    },
  );
});

describe('evidence links at normalise time', () => {
  it('keeps http(s) links and stores any other scheme (javascript:, data:, relative) as no link', () => {
    expect(withSafeEvidenceUrl(activity('a')).url).toBe('https://example.test/a');
    expect(withSafeEvidenceUrl(activity('b', { url: 'http://127.0.0.1:8080/browse/X-1' })).url).toBe('http://127.0.0.1:8080/browse/X-1');
    for (const bad of ['javascript:alert(1)', 'data:text/html,<b>x</b>', '/relative/path', 'JaVaScRiPt:alert(1)']) {
      expect(withSafeEvidenceUrl(activity('c', { url: bad })).url).toBe('');
    }
  });
});
