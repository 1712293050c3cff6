import { fc, test } from '@fast-check/vitest';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { UnitScorecard } from '../../../shared/scoring/types.js';
import {
  SNAPSHOT_GZIP_THRESHOLD_BYTES,
  canonicalJson,
  decodeSnapshotItem,
  encodeSnapshotItem,
  gunzipIfNeeded,
  gzipDeterministic,
} from '../../../shared/storage/index.js';

function card(motivation: string): UnitScorecard {
  return {
    unit: 'pod:recsys', kind: 'pod', id: 'recsys', name: 'Recsys', parent: 'domain:core', asOf: '2026-01-05',
    rubric: { id: 'default', version: '2026-01' }, status: 'scored', score: 64, level: 3,
    dimensions: [{
      dimensionId: 'd', name: 'D', status: 'scored', level: 3, score: 64, combine: 'mean', principles: [],
      signals: [], nextSteps: [], motivation, remediation: 'r',
    }],
    sources: [],
  };
}

describe('canonical JSON', () => {
  it('sorts object keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });

  it('keeps a key named __proto__ as data', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe('{"__proto__":{"x":1},"a":2}');
  });

  test.prop([fc.jsonValue()])('serialises a value to the same string whatever its key order, and parses back to it', (value) => {
    const reordered = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as unknown;
    expect(canonicalJson(reordered)).toBe(canonicalJson(value));
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });
});

describe('deterministic gzip', () => {
  it('gives equal bytes for equal input and a valid gzip stream', () => {
    const a = gzipDeterministic('hello\n'.repeat(100));
    const b = gzipDeterministic('hello\n'.repeat(100));
    expect(a.equals(b)).toBe(true);
    expect(gunzipSync(a).toString()).toBe('hello\n'.repeat(100));
  });

  it('writes a zero modification time and an "unknown" operating system in the header', () => {
    const bytes = gzipDeterministic('x');
    expect([...bytes.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
    expect(bytes[9]).toBe(0xff);
  });

  it('gunzips gzip bytes and passes other bytes through unchanged', () => {
    expect(gunzipIfNeeded(gzipDeterministic('abc')).toString()).toBe('abc');
    expect(gunzipIfNeeded(Buffer.from('{"plain":true}')).toString()).toBe('{"plain":true}');
  });
});

describe('snapshot items', () => {
  it('encode the same scorecard to equal items, with no run id or clock in them', () => {
    const first = encodeSnapshotItem(card('m'), '2026-01-05');
    expect(encodeSnapshotItem(card('m'), '2026-01-05')).toEqual(first);
    expect(Object.keys(first).sort()).toEqual(
      ['GSI1PK', 'GSI1SK', 'PK', 'SK', 'asOf', 'body', 'entity', 'kind', 'level', 'rubricVersion', 'score', 'status', 'unit'],
    );
  });

  it('keep a small scorecard as plain JSON and round-trip it', () => {
    const item = encodeSnapshotItem(card('m'), '2026-01-05');
    expect(typeof item.body).toBe('string');
    expect(decodeSnapshotItem(item)).toEqual(card('m'));
  });

  it('compress a scorecard above the threshold into bodyGz and round-trip it', () => {
    const big = card('y'.repeat(SNAPSHOT_GZIP_THRESHOLD_BYTES + 1));
    const item = encodeSnapshotItem(big, '2026-01-05');
    expect(item.body).toBeUndefined();
    expect(typeof item.bodyGz).toBe('string');
    expect((item.bodyGz as string).length).toBeLessThan(SNAPSHOT_GZIP_THRESHOLD_BYTES);
    expect(decodeSnapshotItem(item)).toEqual(big);
  });
});
