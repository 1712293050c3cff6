import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUnits } from '../../shared/org/index.js';
import type { OrgConfig } from '../../shared/org/index.js';
import { runScheduled } from '../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../shared/sandbox/index.js';
import { reliabilityDeps, subsetOrg } from '../helpers/fault-kit.js';
import { apiTexts, findLeaks, storedTexts } from '../helpers/fault-scan.js';
import { startLocalStores } from '../helpers/local-servers.js';
import type { LocalStores } from '../helpers/local-servers.js';

// Privacy: every login, email, display name and account id the sandbox worlds hold (the people behind the Jira,
// GitHub, MLflow and Copilot data) is collected, two runs go through the real pipeline, and no stored item or
// object (raw pages included, gzip opened) and no API response may contain any of them.

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
/** Keys under which the vendors' bodies (and so the sandbox worlds) carry a person. */
const PERSON_KEYS = new Set(['login', 'user_login', 'email', 'emailAddress', 'displayName', 'accountId', 'user_id', 'userId']);

let sandboxes: RunningSandboxes;
let local: LocalStores;
let org: OrgConfig;

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR, weeks: 8 });
  local = await startLocalStores();
  org = subsetOrg(await loadDemoOrg(), sandboxes.urls, { copilot: true });
});

afterAll(async () => {
  await local?.close();
  await sandboxes?.close();
});

/**
 * Walks a world object (maps, arrays, class instances) and collects person identifiers: values under person keys,
 * and the `name` of any object that also has a login or an email (a person, not an experiment or a repo).
 */
function collectPeople(root: unknown): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new WeakSet<object>();
  const add = (kind: string, v: unknown): void => {
    if (typeof v === 'string' && v.trim().length >= 5) found.set(v, kind);
  };
  const walk = (v: unknown, depth: number): void => {
    // The Copilot world keeps the report files it served as NDJSON lines: read them as the rows they are.
    if (typeof v === 'string' && v.startsWith('{')) {
      try {
        walk(JSON.parse(v), depth + 1);
      } catch {
        // not JSON after all: an ordinary string
      }
      return;
    }
    if (v === null || typeof v !== 'object' || depth > 12 || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Map) {
      for (const x of v.values()) walk(x, depth + 1);
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(o)) {
      if (PERSON_KEYS.has(k)) add(k, x);
      else walk(x, depth + 1);
    }
    if (('login' in o || 'email' in o || 'emailAddress' in o) && typeof o.name === 'string') add('name', o.name);
  };
  walk(root, 0);
  return found;
}

describe('privacy', () => {
  it('stores and serves no login, email, display name or account id of anyone in the sandbox data', async () => {
    const env = { ...DEMO_CREDENTIALS };
    const first = await runScheduled(reliabilityDeps(org, local.stores, env), { asOf: '2026-11-23T00:00:00.000Z' });
    expect(first.run.bindings.filter((b) => b.status !== 'ok')).toEqual([]);
    await runScheduled(reliabilityDeps(org, local.stores, env), { asOf: '2026-11-30T00:00:00.000Z' });

    // Collected after the runs: the Copilot world generates (and keeps) its daily report files when first asked.
    // The same person appears in several worlds (one login, email and name across Jira, GitHub and MLflow).
    const people = new Map<string, Set<string>>();
    for (const [api, world] of Object.entries(sandboxes.worlds)) {
      for (const [value, kind] of collectPeople(world)) people.set(value, (people.get(value) ?? new Set()).add(`${api} ${kind}`));
    }
    const labels = [...people.values()].flatMap((s) => [...s]);
    const kinds = new Map<string, number>();
    for (const k of labels) kinds.set(k, (kinds.get(k) ?? 0) + 1);
    console.log(`privacy: ${people.size} distinct person identifiers in the sandbox worlds (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})`);
    // The worlds really hold people of every source, or the scan below would prove nothing.
    for (const api of ['jira', 'github', 'mlflow', 'copilot']) expect(labels.some((k) => k.startsWith(`${api} `)), api).toBe(true);
    for (const kind of ['login', 'email', 'name', 'displayName', 'accountId']) expect(labels.some((k) => k.endsWith(` ${kind}`)), kind).toBe(true);

    const stored = await storedTexts(local.stores, { table: local.env.RADAR_TABLE, bucket: local.env.RADAR_BUCKET });
    const api = await apiTexts(local.stores, listUnits(org).map((u) => u.ref));
    expect(stored.some((s) => s.where.startsWith('s3 raw/'))).toBe(true);
    expect(stored.some((s) => s.where.startsWith('s3 normalised/'))).toBe(true);
    const leaks = findLeaks([...stored, ...api], [...people.keys()]);
    expect(leaks.slice(0, 20)).toEqual([]);
  });
});
