import { describe, expect, it } from 'vitest';
import { buildApiApp } from '../../../shared/api/index.js';
import type { UnitResponse } from '../../../shared/api/index.js';
import { isLoopbackHostHeader, safeEvidenceUrl } from '../../../shared/kernel/index.js';
import type { UnitScorecard } from '../../../shared/scoring/types.js';
import { createMemoryStores, seedStores } from '../../helpers/seed-memory-stores.js';

describe('safeEvidenceUrl', () => {
  it('keeps absolute https and http URLs', () => {
    expect(safeEvidenceUrl('https://github.example/acme/reco/pull/3')).toBe('https://github.example/acme/reco/pull/3');
    expect(safeEvidenceUrl('http://127.0.0.1:4101/browse/RECO-1')).toBe('http://127.0.0.1:4101/browse/RECO-1');
  });

  it('refuses script, data and relative URLs and non-strings', () => {
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', '/relative', '', 42, null]) {
      expect(safeEvidenceUrl(bad), String(bad)).toBeNull();
    }
  });
});

describe('isLoopbackHostHeader', () => {
  it('accepts loopback names with or without a port', () => {
    for (const host of ['127.0.0.1', '127.0.0.1:8080', 'localhost', 'LOCALHOST:1', '[::1]', '[::1]:8080']) expect(isLoopbackHostHeader(host), host).toBe(true);
  });

  it('refuses other names, look-alikes and a missing header', () => {
    for (const host of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example', 'localhost.evil.example:80', '0.0.0.0:8080', '10.0.0.2', '[::2]:80', '', undefined, null]) {
      expect(isLoopbackHostHeader(host), String(host)).toBe(false);
    }
  });
});

describe('GET /api/units/:unit evidence links', () => {
  it('drops evidence links whose scheme is not http(s) and keeps the others', async () => {
    const stores = createMemoryStores();
    await seedStores(stores);
    const card = (await stores.snapshots.loadScorecard('pod:recsys')) as UnitScorecard;
    const signal = card.dimensions[0]?.signals.find((s) => s.evidence.length > 0);
    expect(signal).toBeDefined();
    const good = signal?.evidence[0];
    if (signal) signal.evidence = [{ url: 'javascript:alert(document.cookie)', label: 'RECO-1' }, ...signal.evidence];
    await stores.snapshots.saveSnapshots(card.asOf, [card], { runId: 'evil' });
    const app = buildApiApp({ snapshots: stores.snapshots, runs: stores.runs });
    const body = (await (await app.request('/api/units/pod:recsys')).json()) as UnitResponse;
    const served = body.scorecard.dimensions[0]?.signals.find((s) => s.signalId === signal?.signalId);
    expect(served?.evidence.map((e) => e.url)).not.toContain('javascript:alert(document.cookie)');
    expect(served?.evidence[0]).toEqual(good);
  });
});
