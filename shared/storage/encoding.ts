import { gunzipSync, gzipSync } from 'node:zlib';

// Byte-level encodings shared by the DynamoDB and S3 adapters. Determinism matters: invariant 2 says a rerun of
// the same as-of leaves storage byte-identical, so equal values must always encode to equal bytes.

/** gzip level used everywhere; fixed so equal input gives equal bytes across runs. */
export const GZIP_LEVEL = 6;

/** JSON with object keys sorted at every depth, so equal values serialise to equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      // fromEntries defines own properties, so even a `__proto__` key survives (assignment would not keep it).
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

/**
 * gzip with fixed level. Node already writes mtime 0 in the header; the OS byte (offset 9) depends on the zlib
 * build, so it is pinned to 255 ("unknown", RFC 1952) to keep bytes equal across machines. The header is not
 * covered by the CRC, so this stays a valid stream.
 */
export function gzipDeterministic(data: string | Uint8Array): Buffer {
  const out = gzipSync(data, { level: GZIP_LEVEL });
  out[9] = 0xff;
  return out;
}

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips when the bytes are gzip (some S3 implementations hand back the stored encoding untouched), else returns them. */
export function gunzipIfNeeded(bytes: Uint8Array): Buffer {
  return isGzip(bytes) ? gunzipSync(bytes) : Buffer.from(bytes);
}
