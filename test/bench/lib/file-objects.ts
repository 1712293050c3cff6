import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Activity } from '../../../shared/sources/contract.js';
import type { ActivityWindow, ObjectStore } from '../../../shared/storage/ports.js';

// An ObjectStore over a directory of gzip JSON partitions, one file per binding and month of `at`
// (`{dir}/{binding}/{YYYY-MM}.json.gz`), the layout S3 gets from partitioned storage. The scoring bench writes the
// partitions in one process and scores from them in another, so the scoring process reads everything from disk
// and its heap holds only what the score step itself keeps. A windowed read opens only the months it touches.

/** Time and bytes spent reading, for the bench's figures. */
export interface FileObjectStats {
  reads: number;
  files: number;
  /** Uncompressed JSON bytes parsed. */
  bytes: number;
  /** Read + gunzip + JSON.parse, ms. */
  loadMs: number;
  /** JSON.parse alone, ms. */
  parseMs: number;
}

const monthOf = (at: string): string => at.slice(0, 7);
const dirOf = (root: string, bindingId: string): string => join(root, encodeURIComponent(bindingId));

/** Writes one binding's activities as month partitions (called by the preparing process only). */
export function writePartitions(root: string, bindingId: string, activities: readonly Activity[]): void {
  const byMonth = new Map<string, Activity[]>();
  for (const a of activities) {
    const m = monthOf(a.at);
    const list = byMonth.get(m);
    if (list === undefined) byMonth.set(m, [a]);
    else list.push(a);
  }
  const dir = dirOf(root, bindingId);
  mkdirSync(dir, { recursive: true });
  for (const [m, list] of byMonth) writeFileSync(join(dir, `${m}.json.gz`), gzipSync(JSON.stringify(list), { level: 1 }));
}

/** A read-only ObjectStore over the partitions in `root` (writes are not part of the score step). */
export function fileObjectStore(root: string): { objects: ObjectStore; stats: FileObjectStats } {
  const stats: FileObjectStats = { reads: 0, files: 0, bytes: 0, loadMs: 0, parseMs: 0 };
  const refuse = (): Promise<never> => Promise.reject(new Error('the bench file store is read-only'));
  const objects: ObjectStore = {
    putRawPage: refuse,
    getRawPage: refuse,
    saveActivities: refuse,
    updateActivities: refuse,
    listKeys: () => Promise.resolve([]),
    loadActivities(bindingId: string, window?: ActivityWindow): Promise<Activity[]> {
      const t0 = performance.now();
      stats.reads++;
      let months: string[];
      try {
        months = readdirSync(dirOf(root, bindingId)).filter((f) => f.endsWith('.json.gz')).sort();
      } catch {
        return Promise.resolve([]);
      }
      const fromMonth = window?.from === undefined ? '' : monthOf(window.from);
      const toMonth = window?.to === undefined ? '9999-99' : monthOf(window.to);
      const fromMs = window?.from === undefined ? -Infinity : Date.parse(window.from);
      const toMs = window?.to === undefined ? Infinity : Date.parse(window.to);
      const out: Activity[] = [];
      for (const f of months) {
        const m = f.slice(0, 7);
        if (m < fromMonth || m > toMonth) continue;
        stats.files++;
        const text = gunzipSync(readFileSync(join(dirOf(root, bindingId), f))).toString('utf8');
        stats.bytes += text.length;
        const tp = performance.now();
        const list = JSON.parse(text) as Activity[];
        stats.parseMs += performance.now() - tp;
        for (const a of list) {
          const t = Date.parse(a.at);
          if (t >= fromMs && t <= toMs) out.push(a);
        }
      }
      stats.loadMs += performance.now() - t0;
      return Promise.resolve(out);
    },
  };
  return { objects, stats };
}
