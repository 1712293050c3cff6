import { describe, expect, it } from 'vitest';
import { scopeForGroups } from '../../../shared/api/auth.js';
import type { Scope } from '../../../shared/api/scope.js';
import { listUnits } from '../../../shared/org/index.js';
import { loadDemoOrg } from '../../helpers/seed-scorecards.js';

const org = loadDemoOrg();
const unitsOf = (scope: Scope): string[] => {
  if (scope.kind !== 'units') throw new Error(`expected a unit scope, got ${scope.kind}`);
  return [...scope.units].sort();
};

describe('scopeForGroups', () => {
  it('gives the steering group every unit', () => {
    expect(scopeForGroups(org, ['pod-lead:recsys', 'steering'])).toEqual({ kind: 'all' });
  });

  it('gives a pod lead only that pod', () => {
    expect(unitsOf(scopeForGroups(org, ['pod-lead:recsys']))).toEqual(['pod:recsys']);
  });

  it('gives a domain lead the domain and exactly its pods', () => {
    const domain = org.domains.find((d) => d.id === 'supply-chain');
    const expected = ['domain:supply-chain', ...(domain?.pods ?? []).map((p) => `pod:${p.id}`)].sort();
    expect(expected.length).toBeGreaterThan(2);
    expect(unitsOf(scopeForGroups(org, ['domain-lead:supply-chain']))).toEqual(expected);
  });

  it('gives a network lead the network and its member pods', () => {
    const network = org.networks.find((n) => n.id === 'nlp');
    const expected = ['network:nlp', ...(network?.members ?? []).map((p) => `pod:${p}`)].sort();
    expect(unitsOf(scopeForGroups(org, ['network-lead:nlp']))).toEqual(expected);
  });

  it('gives a lab lead only the lab', () => {
    expect(unitsOf(scopeForGroups(org, ['lab-lead:generative-ai']))).toEqual(['lab:generative-ai']);
  });

  it('unions the grants of several groups', () => {
    expect(unitsOf(scopeForGroups(org, ['pod-lead:recsys', 'lab-lead:ai-automation']))).toEqual(['lab:ai-automation', 'pod:recsys']);
  });

  it('grants nothing for unknown groups, unknown ids or look-alike names', () => {
    const scope = scopeForGroups(org, ['admin', 'pod-lead:no-such-pod', 'Steering', 'pod-lead:recsys ', 'org-lead:acme', 'domain-lead:']);
    expect(unitsOf(scope)).toEqual([]);
  });

  it('never grants the organisation or steering units to a lead', () => {
    const every = listUnits(org)
      .filter((u) => u.kind !== 'org' && u.kind !== 'steering')
      .map((u) => `${u.kind}-lead:${u.id}`);
    const units = unitsOf(scopeForGroups(org, every));
    expect(units).not.toContain('org');
    expect(units).not.toContain('steering');
    expect(units.length).toBe(listUnits(org).length - 2);
  });
});
