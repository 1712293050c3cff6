import { createHash } from 'node:crypto';
import { rawRunPrefix, runOutcomeKey, runOutcomePrefix } from '../storage/index.js';

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

/** Prefix under which a run's binding outcomes live (the run log pieces collect tasks leave for score). */
export function outcomePrefix(runId: string): string {
  return runOutcomePrefix(runId);
}

/** Key of a binding's outcome in a run. */
export function outcomeKey(runId: string, bindingId: string): string {
  return runOutcomeKey(runId, bindingId);
}
