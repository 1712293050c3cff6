import type { SourceId } from '../org/index.js';
import type { SourcePlugin } from '../sources/contract.js';
import { RadarError } from '../kernel/index.js';
import type { Scorer } from './types.js';

// The composition of the product's parts the pipeline runs with: the installed connectors and the scoring
// engine with its rubric. The CLI and the Lambda handlers both build their PipelineDeps from here.

/** The connectors the product ships, by source id. */
export function defaultSources(): Partial<Record<SourceId, SourcePlugin>> {
  return {};
}

/** The scoring engine over the default rubric (or a custom rubric file's text). */
export function defaultScorer(_customRubric?: { text: string; file: string }): Scorer {
  return {
    rubric: { id: 'radar-default', version: 'unknown' },
    score: () => {
      throw new RadarError({ code: 'SCORER_UNAVAILABLE', reason: 'the scoring engine is not wired in yet' });
    },
  };
}
