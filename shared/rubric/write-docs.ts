// Regenerates shared/rubric/RUBRIC.md from the default rubric data:
//   node --import tsx shared/rubric/write-docs.ts
// A unit test (test/unit/rubric/docs.test.ts) fails when the committed file differs from a fresh generation.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultRubric, renderRubricMarkdown } from './index.js';

/** Where the generated rubric documentation lives. */
export const RUBRIC_DOC_PATH = fileURLToPath(new URL('./RUBRIC.md', import.meta.url));

/** Writes RUBRIC.md for the default rubric and returns its path. */
export function writeRubricDocs(): string {
  writeFileSync(RUBRIC_DOC_PATH, renderRubricMarkdown(defaultRubric));
  return RUBRIC_DOC_PATH;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`wrote ${writeRubricDocs()}\n`);
}
