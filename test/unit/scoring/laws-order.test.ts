import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { OrgConfig } from '../../../shared/org/index.js';
import { ORG, arbWorld, byUnit, scoreWorld } from './laws-kit.js';

// Law (DESIGN §5.9): order never matters. Permuting domains, pods, networks, network members or activities gives
// identical cards for every unit.

const perm = <T>(xs: readonly T[], keys: readonly number[]): T[] =>
  xs.map((x, i) => ({ x, k: keys[i % Math.max(1, keys.length)] ?? 0, i })).sort((a, b) => a.k - b.k || b.i - a.i).map((e) => e.x);

function permuteOrg(org: OrgConfig, keys: number[]): OrgConfig {
  const o = structuredClone(org);
  o.domains = perm(o.domains, keys).map((d) => ({ ...d, pods: perm(d.pods, keys.slice(1)) }));
  o.networks = perm(o.networks, keys.slice(2)).map((n) => ({ ...n, members: perm(n.members, keys.slice(3)) }));
  o.labs = perm(o.labs, keys.slice(4));
  return o;
}

describe('law: order independence', () => {
  test.prop([arbWorld(), fc.array(fc.nat(50), { minLength: 1, maxLength: 12 })], { numRuns: 40 })(
    'permuting domains, pods, networks, members and activities gives identical cards for every unit',
    (world, keys) => {
      const a = byUnit(scoreWorld(world));
      const b = byUnit(scoreWorld({ ...world, activities: perm(world.activities, keys) }, permuteOrg(ORG, keys)));
      for (const [unit, card] of a) expect(JSON.stringify(b.get(unit)), unit).toBe(JSON.stringify(card));
    },
    120_000,
  );
});
