import { createHash } from 'node:crypto';

// S3 keys the pipeline writes. Segments are made path-safe (unit refs contain `:` and bindings `/`).

/** Makes one key segment safe: anything outside [A-Za-z0-9._=-] becomes `_`. */
export function safeSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9._=-]/g, '_');
}

/**
 * Key of one raw page: `raw/{source}/{binding}/{runId}/{seq}-{hash}.json.gz`. The short content hash keeps lineage
 * honest across reruns of the same run id: a rerun that fetches the same page writes the same key (idempotent),
 * and a different page never overwrites one that stored activities already point at.
 */
export function rawPageKey(source: string, bindingId: string, runId: string, seq: number, body: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(body) ?? 'undefined').digest('hex').slice(0, 12);
  return `raw/${safeSegment(source)}/${safeSegment(bindingId)}/${safeSegment(runId)}/${String(seq).padStart(5, '0')}-${hash}.json.gz`;
}

/** Key of a binding's outcome in a run (the run log piece a collect task leaves for score). */
export function outcomeKey(runId: string, bindingId: string): string {
  return `runs/${safeSegment(runId)}/outcomes/${safeSegment(bindingId)}.json.gz`;
}
