// Child process for the data-directory tests: opens embedded storage on RADAR_DATA_DIR, writes one cursor,
// prints its endpoints as one JSON line, and holds the servers until its stdin closes.
import { openStores } from '../../../shared/storage/index.js';

const opened = await openStores(process.env, { mode: 'local' });
await opened.stores.cursors.saveCursor('pod:child/github', { from: 'child' }, '2026-03-03');
process.stdout.write(`${JSON.stringify(opened.endpoints)}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void opened.close().then(() => process.exit(0));
});
