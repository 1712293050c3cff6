import { assertRubric } from './schema.js';
import { RUBRIC_2026_11 } from './v2026-11/rubric.js';
import { RUBRIC_2026_12 } from './v2026-12/rubric.js';

export { parseRubric, assertRubric, rubricSchema } from './schema.js';
export type { Rubric, RubricInput, RubricSignal, RubricDimension, Locate } from './schema.js';
export { renderRubricMarkdown } from './docs.js';

// The rubric file loader (`loadRubric`, the only fs user) lives in ./load.ts and is NOT re-exported here, so the
// pure graph (scoring, signals, rubric) never pulls in node:fs. Callers with I/O import '../rubric/load.js'.

/** The built-in rubric (`rubric: default` in the org config), validated once at import. */
export const defaultRubric = assertRubric(RUBRIC_2026_12, 'shared/rubric/v2026-12/rubric.ts');

/** Every built-in rubric version, oldest first (`radar backfill --rescore` re-scores history under the default). */
export const builtInRubrics = [assertRubric(RUBRIC_2026_11, 'shared/rubric/v2026-11/rubric.ts'), defaultRubric] as const;
