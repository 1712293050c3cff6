import { createHash } from 'node:crypto';
import { rawRunPrefix } from '../storage/index.js';

// S3 keys the pipeline writes, built on storage's path-safe segments (unit refs contain `:`, bindings `/`).

/**
 * Key of one raw page: `raw/{source}/{binding}/{runId}/{seq}-{hash}.json.gz`. The short content hash keeps lineage
 * honest across reruns of the same run id: a rerun that fetches the same page writes the same key (idempotent),
 * and a different page never overwrites one that stored activities already point at.
 */
export function rawPageKey(source: string, bindingId: string, runId: string, seq: number, body: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(body) ?? 'undefined').digest('hex').slice(0, 12);
  return `${rawRunPrefix(source, bindingId, runId)}${String(seq).padStart(6, '0')}-${hash}.json.gz`;
}
