import { DEFAULT_FAN_OUT_ABOVE_PODS } from '../../shared/org/schema.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { figure } from './lib/figures.js';
import type { Figure } from './lib/figures.js';

// Section 2: scoring cost of the real score step (scoreStreamed, unit by unit over windowed ObjectStore reads).
// One process writes the largest tiled organisation as gzip month partitions on disk (scoring-prepare.ts); each
// size is then scored in a fresh Node process (scoring-worker.ts) that reads every activity from those files, so
// its peak RSS is what the score step itself holds, not arrays handed to it.

interface WorkerResult {
  pods: number;
  units: number;
  reads: number;
  files: number;
  bytes: number;
  parseMs: number;
  loadMs: number;
  totalMs: number;
  scoreMs: number;
  baseRss: number;
  peakRss: number;
  heapAfterScore: number;
}

const MB = 1024 * 1024;
/** Done-when target of issue 18: the score step of a 1,000-pod organisation fits in 1 GB. */
const PEAK_RSS_TARGET_MB = 1024;

/** Scores tiled organisations of each size; the largest gives the ratio to JSON.parse, all give the growth. */
export function runScoringBench(root: string, activitiesFile: string, asOf: string, sizes: number[], log: (line: string) => void): { figures: Figure[]; detail: Record<string, unknown> } {
  const dir = mkdtempSync(join(tmpdir(), 'radar-bench-partitions-'));
  const results: WorkerResult[] = [];
  try {
    const largest = Math.max(...sizes);
    const tp = performance.now();
    const prepared = execFileSync(
      process.execPath,
      ['--max-old-space-size=16000', '--import', 'tsx', join(root, 'test/bench/scoring-prepare.ts'), activitiesFile, String(largest), dir],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    log(`  partitions for ${largest} pods written in ${Math.round((performance.now() - tp) / 1000)} s: ${prepared.trim()}`);
    for (const pods of sizes) {
      const out = execFileSync(
        process.execPath,
        ['--max-old-space-size=16000', '--import', 'tsx', join(root, 'test/bench/scoring-worker.ts'), dir, String(pods), asOf],
        { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as WorkerResult;
      results.push(r);
      log(`  ${pods} pods: ${r.reads.toLocaleString('en-GB')} binding reads (${Math.round(r.bytes / MB)} MB JSON), parse ${Math.round(r.parseMs)} ms, load ${Math.round(r.loadMs)} ms, score ${Math.round(r.scoreMs)} ms, peak RSS ${Math.round(r.peakRss / MB)} MB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const small = results[0];
  const large = results.at(-1);
  if (!small || !large) throw new Error('no scoring sizes given');
  const sec = '2 scoring';
  const perPodMb = (r: WorkerResult) => (r.peakRss - r.baseRss) / MB / r.pods;
  const perPodMs = (r: WorkerResult) => r.scoreMs / r.pods;
  // Score time excludes reading (disk, gunzip, JSON.parse); parse time counts every JSON.parse of a partition,
  // including the re-reads rollup units make of their member pods' bindings.
  const figures: Figure[] = [
    figure(sec, `score ÷ JSON.parse time, ${small.pods} pods`, small.scoreMs / small.parseMs, '×', 2, 'max',
      `${Math.round(small.scoreMs)} ms vs ${Math.round(small.parseMs)} ms for ${Math.round(small.bytes / MB)} MB read in ${small.reads} binding reads`),
    figure(sec, `score ÷ JSON.parse time, ${large.pods} pods`, large.scoreMs / large.parseMs, '×', 2, 'max',
      `${Math.round(large.scoreMs)} ms vs ${Math.round(large.parseMs)} ms for ${Math.round(large.bytes / MB)} MB read in ${large.reads} binding reads`),
    figure(sec, `scoring peak RSS, ${large.pods} pods`, Math.round(large.peakRss / MB), 'MB', PEAK_RSS_TARGET_MB, 'max',
      `max RSS of the scoring process: the score step unit by unit over gzip partitions on disk (${large.files.toLocaleString('en-GB')} files read)`),
    figure(sec, `RSS per pod ${large.pods} ÷ per pod ${small.pods}`, perPodMb(large) / perPodMb(small), '×', 1.25, 'max',
      `${perPodMb(small).toFixed(2)} → ${perPodMb(large).toFixed(2)} MB per pod (flat = linear growth, below 1 = bounded)`),
    figure(sec, `score time per pod ${large.pods} ÷ per pod ${small.pods}`, perPodMs(large) / perPodMs(small), '×', 1.25, 'max',
      `${perPodMs(small).toFixed(2)} → ${perPodMs(large).toFixed(2)} ms per pod (no quadratic step)`),
  ];
  // The product's fan-out: one pod per Distributed Map item above the org config's default threshold.
  return { figures, detail: { sizes: results, fanOut: { podsPerItem: 1, abovePods: DEFAULT_FAN_OUT_ABOVE_PODS } } };
}
