import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { listBindings, MLFLOW_REGISTRY_BINDING_ID } from '../../../shared/org/index.js';
import { ORG, arbWorld, orgFor, raisedBy, scoreWorld } from './laws-kit.js';

// Law (DESIGN §5.8): hiding evidence never pays. Removing a binding from the config, or that binding failing,
// never raises any unit's score or level, nor any dimension's, anywhere in the organisation.

describe('law: hiding never pays', () => {
  test.prop([arbWorld(), fc.nat(), fc.constantFrom('failed' as const, 'removed' as const)], { numRuns: 60 })(
    'removing a binding or marking it failed never raises any unit’s or dimension’s score or level',
    (world, pick, fate) => {
      const live = listBindings(orgFor(world.fates, ORG)).filter((b) => (world.fates[b.id] ?? 'ok') === 'ok');
      if (live.length === 0) return;
      const target = live[pick % live.length]!.id;
      const before = scoreWorld(world);
      const after = scoreWorld({ ...world, fates: { ...world.fates, [target]: fate } });
      expect(raisedBy(before, after), `${target} ${fate}`).toEqual([]);
    },
    120_000,
  );

  test.prop([arbWorld(), fc.constantFrom('failed' as const, 'removed' as const)], { numRuns: 60 })(
    'hiding the organisation’s model registry (its read failing, or every model unbound) never raises a score or level',
    (world, fate) => {
      const ok = { ...world, fates: { ...world.fates, [MLFLOW_REGISTRY_BINDING_ID]: 'ok' as const } };
      const after = scoreWorld({ ...world, fates: { ...world.fates, [MLFLOW_REGISTRY_BINDING_ID]: fate } });
      expect(raisedBy(scoreWorld(ok), after), `${MLFLOW_REGISTRY_BINDING_ID} ${fate}`).toEqual([]);
    },
    120_000,
  );
});
