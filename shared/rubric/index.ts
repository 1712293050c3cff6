import { assertRubric } from './schema.js';
import type { Rubric } from './schema.js';
import { RUBRIC_2026_11 } from './v2026-11/rubric.js';
import { RUBRIC_2026_12 } from './v2026-12/rubric.js';

export { parseRubric, assertRubric, rubricSchema } from './schema.js';
export type { Rubric, RubricInput, RubricSignal, RubricDimension, Locate } from './schema.js';
export { renderRubricMarkdown } from './docs.js';

// The rubric file loader (`loadRubric`, the only fs user) lives in ./load.ts and is NOT re-exported here, so the
// pure graph (scoring, signals, rubric) never pulls in node:fs. Callers with I/O import '../rubric/load.js'.

/** The built-in rubric (`rubric: default` in the org config), validated once at import. */
export const defaultRubric = assertRubric(RUBRIC_2026_12, 'shared/rubric/v2026-12/rubric.ts');

let olderRubrics: readonly Rubric[] | undefined;

/**
 * Every built-in rubric version, oldest first (`radar backfill --rescore` re-scores history under the default).
 * A function, validated on first call: no handler scores under an old version, so the Lambda bundles (which drop
 * what they never call) carry neither its data nor its validation at cold start.
 */
export function builtInRubrics(): readonly [...Rubric[], Rubric] {
  olderRubrics ??= [assertRubric(RUBRIC_2026_11, 'shared/rubric/v2026-11/rubric.ts')];
  return [...olderRubrics, defaultRubric];
}
