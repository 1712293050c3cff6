import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actorHasher } from '../../../../shared/kernel/index.js';
import type { RawPage } from '../../../../shared/sources/contract.js';
import { normaliseCopilotPage } from '../../../../shared/sources/copilot/index.js';
import { normaliseGithubPage } from '../../../../shared/sources/github/index.js';
import { githubWebOrigin } from '../../../../shared/sources/github/web-origin.js';

const page = JSON.parse(readFileSync(new URL('../../../fixtures/github/deployment-statuses.raw.json', import.meta.url), 'utf8')) as RawPage;
const deploymentUrl = (baseUrl: string): string => {
  const ctx = { binding: { id: 'pod:recsys/github', unit: 'pod:recsys', source: 'github' as const }, rawKey: 'raw/k', hashActor: actorHasher('k'), baseUrl };
  return normaliseGithubPage(page, ctx)[0]?.url ?? '';
};

describe('GitHub web origin of a binding', () => {
  it('maps api.github.com, GHE.com data residency, GitHub Enterprise Server and a loopback sandbox to their web origins', () => {
    expect(githubWebOrigin('https://api.github.com')).toBe('https://github.com');
    expect(githubWebOrigin('https://api.github.com/')).toBe('https://github.com');
    expect(githubWebOrigin('https://api.octo.ghe.com')).toBe('https://octo.ghe.com');
    expect(githubWebOrigin('https://ghe.example.org/api/v3')).toBe('https://ghe.example.org');
    expect(githubWebOrigin('http://127.0.0.1:4101')).toBe('http://127.0.0.1:4101');
  });

  it("links a deployment to its environment's deployment history on the binding's web origin, GitHub Enterprise included", () => {
    expect(deploymentUrl('https://api.github.com')).toBe('https://github.com/acme/recsys/deployments/production');
    expect(deploymentUrl('https://ghe.example.org/api/v3')).toBe('https://ghe.example.org/acme/recsys/deployments/production');
    expect(deploymentUrl('http://127.0.0.1:4101')).toBe('http://127.0.0.1:4101/acme/recsys/deployments/production');
  });

  it("links a Copilot day to the organisation's Copilot usage dashboard on the web origin, not to the token-guarded report API", () => {
    const report = { kind: 'copilot-team-day', org: 'acme', day: '2026-11-14', minGroupSize: 5, pods: [{ pod: 'pod:recsys', team: 'recsys', status: 'below-minimum' }] };
    const page = { source: 'copilot', bindingId: 'org/copilot', stream: 'copilot-day:2026-11-14', path: '/x', seq: 0, fetchedAt: '2026-11-15T00:00:00.000Z', status: 200, body: report } as unknown as RawPage;
    const url = (baseUrl: string): string => normaliseCopilotPage(page, { binding: { id: 'org/copilot', unit: 'org', source: 'copilot' }, rawKey: 'raw/k', hashActor: (x) => x, baseUrl })[0]?.url ?? '';
    expect(url('https://api.github.com')).toBe('https://github.com/orgs/acme/insights/copilot-usage?team=recsys&day=2026-11-14');
    expect(url('https://ghe.example.org/api/v3')).toBe('https://ghe.example.org/orgs/acme/insights/copilot-usage?team=recsys&day=2026-11-14');
  });
});
