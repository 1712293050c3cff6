import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { defaultRubric } from '../../../shared/rubric/index.js';
import type { Rubric } from '../../../shared/rubric/index.js';
import { ORG, arbWorld, raisedBy, scoreWorld } from './laws-kit.js';

// Law: suppressing team signals for small groups never pays. A signal hidden because the group is smaller than the
// minimum group size is not observable: it earns nothing and lowers coverage, so no unit or dimension scores higher
// with the suppression than without it.

const withMinGroup = (minGroupSize: number): Rubric => ({ ...defaultRubric, scoring: { ...defaultRubric.scoring, minGroupSize } });

describe('law: a minimum group size never raises a score', () => {
  test.prop([arbWorld(), fc.integer({ min: 4, max: 40 })], { numRuns: 40 })(
    'suppressing the people-counting signals of groups below the minimum never raises any unit’s or dimension’s score or level',
    (world, minGroupSize) => {
      const shown = scoreWorld(world, ORG, withMinGroup(1));
      const suppressed = scoreWorld(world, ORG, withMinGroup(minGroupSize));
      expect(raisedBy(shown, suppressed)).toEqual([]);
    },
    120_000,
  );
});
