import { defaultRubric } from '../../shared/rubric/index.js';
import { scoreOrganisation } from '../../shared/scoring/index.js';
import type { Activity } from '../../shared/sources/contract.js';
import { tileOrganisation } from './lib/tile.js';

// One scoring measurement in a fresh process (so RSS belongs to this size only): argv = activities file (the sync
// section's real normalised output), pod count, as-of. Each binding's JSON text is made, parsed (timed) and
// dropped in turn, so peak RSS reflects the parsed activities and the scoring, not a heap of strings. Prints one
// JSON line.

const [file, podsArg, asOf] = process.argv.slice(2);
if (!file || !podsArg || !asOf) throw new Error('usage: scoring-worker.ts ACTIVITIES_FILE PODS AS_OF');
const pods = Number(podsArg);
const baseRss = process.memoryUsage().rss;
const { org, sources, texts } = tileOrganisation(file, pods);

let bytes = 0;
let parseMs = 0;
const parsed: Activity[] = [];
for (const text of texts()) {
  bytes += text.length;
  const t = performance.now();
  const list = JSON.parse(text) as Activity[];
  parseMs += performance.now() - t;
  for (const a of list) parsed.push(a);
}
global.gc?.();
const rssBeforeScore = process.memoryUsage().rss;
const t = performance.now();
const cards = scoreOrganisation({ org, rubric: defaultRubric, asOf, activities: parsed, sources });
const scoreMs = performance.now() - t;
const peakRssKb = process.resourceUsage().maxRSS;
process.stdout.write(
  `${JSON.stringify({
    pods, units: cards.length, activities: parsed.length, bytes, parseMs, scoreMs,
    baseRss, rssBeforeScore, rssAfterScore: process.memoryUsage().rss, peakRss: peakRssKb * 1024,
    heapAfterScore: process.memoryUsage().heapUsed,
  })}\n`,
);
