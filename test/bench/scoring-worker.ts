import { scoreStreamed } from '../../shared/pipeline/score-units.js';
import type { PipelineDeps } from '../../shared/pipeline/types.js';
import { defaultScorer } from '../../shared/pipeline/wiring.js';
import type { Stores } from '../../shared/storage/ports.js';
import { fileObjectStore } from './lib/file-objects.js';
import { tiledConfig } from './lib/tile.js';

// One scoring measurement in a fresh process (so RSS belongs to this size only): argv = partitions directory
// (written by scoring-prepare.ts in another process), pod count, as-of. Runs the pipeline's real score step
// (scoreStreamed: unit by unit, windowed reads through the ObjectStore port) over a file-backed ObjectStore, so
// every activity comes from disk (gunzip + JSON.parse) and nothing is preloaded. Prints one JSON line.

const [dir, podsArg, asOf] = process.argv.slice(2);
if (!dir || !podsArg || !asOf) throw new Error('usage: scoring-worker.ts PARTITIONS_DIR PODS AS_OF');
const pods = Number(podsArg);
const baseRss = process.memoryUsage().rss;
const { org, sources } = tiledConfig(pods);
const { objects, stats } = fileObjectStore(dir);
const deps = { org, stores: { objects } as unknown as Stores, scorer: defaultScorer() } as unknown as PipelineDeps;

const t = performance.now();
const cards = await scoreStreamed(deps, { asOf, sources });
const totalMs = performance.now() - t;
const peakRssKb = process.resourceUsage().maxRSS;
process.stdout.write(
  `${JSON.stringify({
    pods, units: cards.length, reads: stats.reads, files: stats.files, bytes: stats.bytes,
    parseMs: stats.parseMs, loadMs: stats.loadMs, totalMs, scoreMs: totalMs - stats.loadMs,
    baseRss, rssAfterScore: process.memoryUsage().rss, peakRss: peakRssKb * 1024,
    heapAfterScore: process.memoryUsage().heapUsed,
  })}\n`,
);
