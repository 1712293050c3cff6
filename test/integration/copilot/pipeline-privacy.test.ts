import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp } from '../../../shared/api/index.js';
import type { OrgTrendResponse } from '../../../shared/api/index.js';
import type { LoggerPort } from '../../../shared/kernel/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';
import { defaultScorer, envCredentialResolver, runScheduled } from '../../../shared/pipeline/index.js';
import { defaultSources } from '../../../shared/sources/index.js';
import type { PipelineDeps } from '../../../shared/pipeline/index.js';
import type { RunRecord } from '../../../shared/storage/ports.js';
import type { SignalResult, UnitScorecard } from '../../../shared/scoring/types.js';
import { startLocalStores } from '../../helpers/local-servers.js';
import type { LocalStores } from '../../helpers/local-servers.js';
import { ANCHOR, TEST_TOKEN, startCopilotSandbox } from './copilot-sandbox.js';
import type { RunningCopilot } from './copilot-sandbox.js';

// The whole path over real servers: GitHub sandbox (with Copilot reports) → pipeline → dynalite + s3rver → API.
// Then every stored object, log line and API response is scanned for logins and per-user data.

let sandbox: RunningCopilot;
let local: LocalStores;
let run: RunRecord;
const logLines: string[] = [];
const logger: LoggerPort = {
  debug: (m, f) => logLines.push(JSON.stringify({ level: 'debug', m, ...f })),
  info: (m, f) => logLines.push(JSON.stringify({ level: 'info', m, ...f })),
  warn: (m, f) => logLines.push(JSON.stringify({ level: 'warn', m, ...f })),
  error: (m, f) => logLines.push(JSON.stringify({ level: 'error', m, ...f })),
};

/** Two domains of the demo org (one holds the four-person pod), GitHub only, with a 42-day history window. */
function copilotOrg(demo: OrgConfig): OrgConfig {
  const keep = new Set(['customer-engagement', 'product-innovation']);
  return {
    ...demo,
    settings: { ...demo.settings, historyDays: 42, maxConcurrency: 4 },
    sources: { github: demo.sources.github! },
    domains: demo.domains.filter((d) => keep.has(d.id)).map((d) => ({
      ...d, sources: {}, pods: d.pods.map((p) => ({ ...p, sources: { github: { team: p.sources.github!.team! } } })),
    })),
    networks: [],
    labs: [],
    steering: undefined,
  };
}

beforeAll(async () => {
  sandbox = await startCopilotSandbox({ weeks: 8 });
  local = await startLocalStores();
  const deps: PipelineDeps = {
    org: copilotOrg(sandbox.org), stores: local.stores, scorer: defaultScorer(), sources: defaultSources(), logger,
    credentials: envCredentialResolver({ RADAR_GITHUB_TOKEN: TEST_TOKEN, RADAR_ACTOR_HASH_KEY: 'copilot-test-key' }),
  };
  ({ run } = await runScheduled(deps, { asOf: ANCHOR.toISOString() }));
}, 120_000);

afterAll(async () => {
  await local?.close();
  await sandbox?.close();
});

async function card(unit: string): Promise<UnitScorecard> {
  const c = await local.stores.snapshots.loadScorecard(unit, run.asOf);
  if (!c) throw new Error(`no snapshot for ${unit}`);
  return c;
}

const signal = (c: UnitScorecard, id: string): SignalResult | undefined =>
  c.dimensions.flatMap((d) => d.signals).find((s) => s.signalId === id);

describe('Copilot usage through the pipeline', () => {
  it('collects the org-level Copilot binding once per run next to the pods\' GitHub bindings', () => {
    const copilot = run.bindings.filter((b) => b.source === 'copilot');
    expect(copilot.map((b) => [b.bindingId, b.unit, b.status, b.message ?? null])).toEqual([['org/copilot', 'org', 'ok', null]]);
    // A 42-day history window ending at the as-of: 42 complete days, one reduced page each.
    expect(copilot[0]?.pages).toBe(42);
  });

  it('scores AI-assisted delivery on a pod from its Copilot aggregates', async () => {
    const recsys = await card('pod:recsys');
    const dim = recsys.dimensions.find((d) => d.dimensionId === 'pod.ai-assisted-delivery');
    expect(dim).toMatchObject({ status: 'scored', principles: ['continuous-innovation'] });
    const share = signal(recsys, 'copilot.active-user-share');
    expect(share).toMatchObject({ status: 'scored', unit: 'share of pod' });
    expect(share?.value).toBeGreaterThan(0.3);
    expect(share?.value).toBeLessThanOrEqual(1);
  });

  it('shows a pod below the minimum group size as missing with that reason, never as a number', async () => {
    const tiny = await card('pod:visual-design-ai');
    for (const id of ['copilot.active-user-share', 'copilot.engaged-user-share', 'copilot.code-acceptance-rate', 'copilot.chat-agent-user-share', 'copilot.active-share-trend']) {
      const s = signal(tiny, id);
      expect(s?.status).toBe('missing');
      expect(s?.value).toBeUndefined();
      expect(s?.missingReason).toMatch(/fewer than 5 active Copilot users \(minimum group size\)/);
    }
    expect(tiny.dimensions.find((d) => d.dimensionId === 'pod.ai-assisted-delivery')?.status).toBe('missing');
  });

  it('serves the organisation\'s Copilot adoption next to delivery on the executive trend', async () => {
    const api = buildApiApp({ snapshots: local.stores.snapshots, runs: local.stores.runs });
    const body = (await (await api.request('/api/org/trend')).json()) as OrgTrendResponse;
    const point = body.points.at(-1);
    expect(point?.aiAdoption?.copilotActiveShare).toBeGreaterThan(0.3);
    expect(point?.aiAdoption?.deploysPerWeekPerPod).toEqual(expect.any(Number));
  });

  it('leaves no login, user id or per-user figure in any stored object, log line or API response', async () => {
    const logins = [...new Set([...sandbox.github.people.keys(), ...sandbox.copilot.members.map((m) => m.login)])];
    const userIds = sandbox.copilot.members.map((m) => `"user_id":${m.id}`);
    expect(logins.length).toBeGreaterThan(50);

    const keys = await local.stores.objects.listKeys('');
    const copilotKeys = keys.filter((k) => k.includes('copilot'));
    expect(copilotKeys.length).toBeGreaterThan(40);
    const texts: string[] = [];
    // Every object the Copilot binding left (raw pages, run-log outcome) and its normalised activities. The GitHub
    // connector's own raw pages are as GitHub sent them and are that connector's to scrub, so they are not scanned.
    for (const key of copilotKeys.filter((k) => !k.startsWith('normalised/'))) texts.push(JSON.stringify(await local.stores.objects.getRawPage(key)));
    texts.push(JSON.stringify(await local.stores.objects.loadActivities('org/copilot')));
    for (const key of copilotKeys.filter((k) => k.startsWith('raw/'))) {
      const page = (await local.stores.objects.getRawPage(key)) as { body: { pods: { status: string; activeUsers?: number }[] } };
      for (const p of page.body.pods) if (p.status === 'measured') expect(p.activeUsers).toBeGreaterThanOrEqual(5);
    }

    const api = buildApiApp({ snapshots: local.stores.snapshots, runs: local.stores.runs });
    for (const path of ['/api/units', '/api/units/pod:recsys', '/api/units/pod:visual-design-ai', '/api/units/pod:recsys/trend', '/api/org/trend', '/api/runs']) {
      const res = await api.request(path);
      expect(res.status).toBe(200);
      texts.push(await res.text());
    }
    texts.push(...logLines);

    const all = texts.join('\n');
    expect(all).toContain('copilot');
    for (const login of logins) {
      const at = all.indexOf(login);
      expect(at === -1 ? '' : all.slice(Math.max(0, at - 300), at + 60)).toBe('');
    }
    for (const id of userIds) expect(all).not.toContain(id);
    expect(all).not.toMatch(/user_login|"login"/);
    expect(all).not.toContain(TEST_TOKEN);
  });
});
