import { writePartitions } from './lib/file-objects.js';
import { tileOrganisation } from './lib/tile.js';

// Writes a tiled organisation's activities as gzip month partitions (argv = activities file, pods, directory), in a
// process of its own so that the scoring worker reads them from disk like the score step reads S3. Every smaller
// tiled organisation's bindings are a subset of the largest one's (pods, domains, networks, labs are tiled by
// index), so one preparation serves every size. Prints one JSON line: bindings and activities written.

const [file, podsArg, dir] = process.argv.slice(2);
if (!file || !podsArg || !dir) throw new Error('usage: scoring-prepare.ts ACTIVITIES_FILE PODS DIR');
const { bindings } = tileOrganisation(file, Number(podsArg));
let count = 0;
let activities = 0;
for (const b of bindings()) {
  writePartitions(dir, b.bindingId, b.activities);
  count++;
  activities += b.activities.length;
}
process.stdout.write(`${JSON.stringify({ bindings: count, activities })}\n`);
