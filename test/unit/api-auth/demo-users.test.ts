import { describe, expect, it } from 'vitest';
import { scopeForGroups } from '../../../shared/api/auth.js';
import { demoUsersFor } from '../../../shared/cli/local-sign-in.js';
import { listUnits } from '../../../shared/org/index.js';
import { loadDemoOrg } from '../../helpers/seed-scorecards.js';

// The demo users of `radar demo --auth` are three roles whose scopes, through the scope code the Lambda runs, are
// the steering group's (everything), one domain lead's and one pod lead's, and the two leads do not overlap.

const org = loadDemoOrg();

describe('demoUsersFor', () => {
  it('gives a steering member, a domain lead and a pod lead, by role name only', () => {
    expect(demoUsersFor(org).map((u) => u.username)).toEqual(['steering', 'domain-lead', 'pod-lead']);
  });

  it('scopes the domain lead to one domain and its pods, and the pod lead to pods outside that domain', () => {
    const [, domainLead, podLead] = demoUsersFor(org);
    const domainScope = scopeForGroups(org, domainLead?.groups ?? []);
    const podScope = scopeForGroups(org, podLead?.groups ?? []);
    if (domainScope.kind !== 'units' || podScope.kind !== 'units') throw new Error('expected unit scopes');
    const domain = listUnits(org).find((u) => domainScope.units.has(u.ref) && u.kind === 'domain');
    expect([...domainScope.units].sort()).toEqual([domain?.ref, ...(domain?.members ?? [])].sort());
    expect(podScope.units.size).toBe(2);
    for (const unit of podScope.units) {
      expect(unit.startsWith('pod:')).toBe(true);
      expect(domainScope.units.has(unit)).toBe(false);
    }
  });

  it('gives the steering member every unit', () => {
    expect(scopeForGroups(org, demoUsersFor(org)[0]?.groups ?? [])).toEqual({ kind: 'all' });
  });
});
