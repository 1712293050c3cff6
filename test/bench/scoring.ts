import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { figure } from './lib/figures.js';
import type { Figure } from './lib/figures.js';

// Section 2: scoring cost. Each size runs in a fresh Node process (scoring-worker.ts) so its RSS is its own.

interface WorkerResult {
  pods: number;
  units: number;
  activities: number;
  bytes: number;
  parseMs: number;
  scoreMs: number;
  baseRss: number;
  peakRss: number;
  rssBeforeScore: number;
  heapAfterScore: number;
}

const MB = 1024 * 1024;

/** Scores tiled organisations of each size; the largest gives the ratio to JSON.parse, all give the growth. */
export function runScoringBench(root: string, activitiesFile: string, asOf: string, sizes: number[], log: (line: string) => void): { figures: Figure[]; detail: Record<string, unknown> } {
  const results: WorkerResult[] = [];
  for (const pods of sizes) {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=16000', '--import', 'tsx', join(root, 'test/bench/scoring-worker.ts'), activitiesFile, String(pods), asOf],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const r = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as WorkerResult;
    results.push(r);
    log(`  ${pods} pods: ${r.activities.toLocaleString('en-GB')} activities (${Math.round(r.bytes / MB)} MB), parse ${Math.round(r.parseMs)} ms, score ${Math.round(r.scoreMs)} ms, peak RSS ${Math.round(r.peakRss / MB)} MB`);
  }
  const small = results[0];
  const large = results.at(-1);
  if (!small || !large) throw new Error('no scoring sizes given');
  const sec = '2 scoring';
  const perPodMb = (r: WorkerResult) => (r.peakRss - r.baseRss) / MB / r.pods;
  const perPodMs = (r: WorkerResult) => r.scoreMs / r.pods;
  // Parsing keeps every activity alive, so its time grows with GC work at large sizes; the smallest size is the
  // fairest baseline and is reported too, and the target must hold at both.
  const figures: Figure[] = [
    figure(sec, `score ÷ JSON.parse time, ${small.pods} pods`, small.scoreMs / small.parseMs, '×', 2, 'max',
      `${Math.round(small.scoreMs)} ms vs ${Math.round(small.parseMs)} ms for ${small.activities.toLocaleString('en-GB')} activities, ${Math.round(small.bytes / MB)} MB`),
    figure(sec, `score ÷ JSON.parse time, ${large.pods} pods`, large.scoreMs / large.parseMs, '×', 2, 'max',
      `${Math.round(large.scoreMs)} ms vs ${Math.round(large.parseMs)} ms for ${large.activities.toLocaleString('en-GB')} activities, ${Math.round(large.bytes / MB)} MB`),
    figure(sec, `peak RSS, ${large.pods} pods`, Math.round(large.peakRss / MB), 'MB', null, 'info', `JSON texts, parsed activities and scorecards together`),
    figure(sec, `RSS per pod ${large.pods} ÷ per pod ${small.pods}`, perPodMb(large) / perPodMb(small), '×', 1.25, 'max',
      `${perPodMb(small).toFixed(2)} → ${perPodMb(large).toFixed(2)} MB per pod (flat = linear growth)`),
    figure(sec, `score time per pod ${large.pods} ÷ per pod ${small.pods}`, perPodMs(large) / perPodMs(small), '×', 1.25, 'max',
      `${perPodMs(small).toFixed(2)} → ${perPodMs(large).toFixed(2)} ms per pod (no quadratic step)`),
  ];
  return { figures, detail: { sizes: results } };
}
