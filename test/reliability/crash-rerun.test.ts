import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../shared/sandbox/index.js';
import { dumpStores, runRadar, subsetOrg, writeOrgYaml } from '../helpers/fault-kit.js';
import type { StoreDump } from '../helpers/fault-kit.js';
import { startLocalStores } from '../helpers/local-servers.js';
import type { LocalStores } from '../helpers/local-servers.js';

// Crash and rerun: `radar run` as a child process, SIGKILLed at seeded random points spread over startup/plan,
// collection and score/store, then rerun to completion; the final stored state must equal an uninterrupted
// run's byte for byte (snapshots, as-of markers, the latest pointer, normalised activities, cursors). Raw pages
// and the run log are excluded: a raw page records the response's Date header, and the run log its own times.

const LONG = process.env.RADAR_LONG === '1';
const SEED = process.env.RADAR_CRASH_SEED !== undefined ? Number(process.env.RADAR_CRASH_SEED) : 20261123;
const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const AS_OF = ANCHOR.toISOString();
/** Kill points per phase: startup and plan, collection, score and store. */
const PLAN = LONG ? { startup: 6, collect: 30, score: 12 } : { startup: 3, collect: 13, score: 6 };

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let sandboxes: RunningSandboxes;
let config: string;
let reference: StoreDump;
let referenceTimeline: { planned: number; collected: number; total: number; bindings: number };

/** The durable part of a dump: everything but raw pages and the run log, keyed and compared as text. */
function durable(d: StoreDump): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of d.items) if (!/^(RUN#|RUNS\|)/.test(k)) out.set(`dynamodb ${k}`, v);
  for (const [k, v] of d.objects) if (!k.startsWith('raw/') && !k.startsWith('runs/')) out.set(`s3 ${k}`, v.toString('base64'));
  return out;
}

function diff(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}

async function withStores<T>(fn: (local: LocalStores) => Promise<T>): Promise<T> {
  const local = await startLocalStores();
  try {
    return await fn(local);
  } finally {
    await local.close();
  }
}

function cliEnv(local: LocalStores): Record<string, string> {
  return { ...DEMO_CREDENTIALS, ...local.env, RADAR_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'radar-crash-')), '.radar') };
}

beforeAll(async () => {
  sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR, weeks: 8 });
  config = writeOrgYaml(subsetOrg(await loadDemoOrg(), sandboxes.urls, { pods: ['recsys'], maxConcurrency: 2 }));
  // A first uninterrupted run warms the sandboxes and the file cache: a cold first run took 5.5 s where the killed
  // runs took 3.5 s, so kill times placed on a cold timeline fell after some runs had already finished.
  await withStores(async (local) => {
    const warm = await runRadar(['run', '--config', config, '--as-of', AS_OF], cliEnv(local));
    expect(warm.code, warm.stderr).toBe(0);
  });
  // The uninterrupted run: its stored state is the reference, its stderr timeline places the kill points.
  await withStores(async (local) => {
    const started = Date.now();
    const marks: Array<{ at: number; text: string }> = [];
    const res = await runRadar(['run', '--config', config, '--as-of', AS_OF], cliEnv(local), {
      killWhen: (stderr) => {
        const lines = stderr.split('\n').filter((l) => l !== '');
        while (marks.length < lines.length) marks.push({ at: Date.now() - started, text: lines[marks.length] ?? '' });
        return false;
      },
    });
    expect(res.code, res.stderr).toBe(0);
    const total = Date.now() - started;
    const planned = marks.find((m) => m.text.startsWith('planned'))?.at ?? 0;
    const bindingLines = marks.filter((m) => /^bindings \d+\/\d+/.test(m.text));
    referenceTimeline = { planned, collected: bindingLines[bindingLines.length - 1]?.at ?? total, total, bindings: bindingLines.length };
    reference = await dumpStores(local.stores, { table: local.env.RADAR_TABLE, bucket: local.env.RADAR_BUCKET });
  });
});

afterAll(async () => {
  await sandboxes?.close();
});

interface KillPoint {
  phase: 'startup/plan' | 'collect' | 'score/store';
  /** Kill this many ms after spawn, or after the given stderr line plus a delay. */
  afterMs?: number;
  afterLine?: RegExp;
  extraMs?: number;
  label: string;
}

function killPoints(): KillPoint[] {
  const rnd = mulberry32(SEED);
  const t = referenceTimeline;
  const points: KillPoint[] = [];
  for (let i = 0; i < PLAN.startup; i++) {
    const ms = Math.round(200 + rnd() * Math.max(100, t.planned - 200));
    points.push({ phase: 'startup/plan', afterMs: ms, label: `${ms} ms after spawn` });
  }
  for (let i = 0; i < PLAN.collect; i++) {
    // Half by elapsed time within collection, half right after the k-th binding finished.
    if (i % 2 === 0) {
      const ms = Math.round(t.planned + rnd() * (t.collected - t.planned));
      points.push({ phase: 'collect', afterMs: ms, label: `${ms} ms after spawn` });
    } else {
      const k = 1 + Math.floor(rnd() * Math.max(1, t.bindings - 1));
      const extra = Math.round(rnd() * 150);
      points.push({ phase: 'collect', afterLine: new RegExp(`bindings ${k}/\\d+`), extraMs: extra, label: `${extra} ms after binding ${k}/${t.bindings}` });
    }
  }
  for (let i = 0; i < PLAN.score; i++) {
    // Scoring follows the last binding: kill a few ms into it (stores are read, cards computed, items written).
    const extra = Math.round(rnd() * Math.max(20, Math.min(400, t.total - t.collected)));
    points.push({ phase: 'score/store', afterLine: new RegExp(`bindings ${t.bindings}/${t.bindings}`), extraMs: extra, label: `${extra} ms after the last binding` });
  }
  return points;
}

describe('radar run killed at random points', () => {
  const results: Array<{ point: KillPoint; killed: boolean; stderrTail: string }> = [];

  afterAll(() => {
    const killed = results.filter((r) => r.killed);
    const byPhase = new Map<string, number>();
    for (const r of killed) byPhase.set(r.point.phase, (byPhase.get(r.point.phase) ?? 0) + 1);
    console.log(
      `crash and rerun (seed ${SEED}): ${killed.length} SIGKILLs of ${results.length} points ` +
        `(${[...byPhase].map(([p, n]) => `${p} ${n}`).join(', ')}); reference run ${referenceTimeline.total} ms, ` +
        `${referenceTimeline.bindings} bindings\n${results.map((r) => `  ${r.killed ? 'killed' : 'ran out'} ${r.point.phase}: ${r.point.label} · last line: ${r.stderrTail}`).join('\n')}`,
    );
  });

  it('ends every killed run, once rerun, in the stored state of an uninterrupted run', async () => {
    // The comparison covers what matters: every unit's snapshot, the as-of marker and pointer, normalised data, cursors.
    const keys = [...durable(reference).keys()];
    expect(keys.filter((k) => /\|SNAP#/.test(k)).length).toBe(3);
    expect(keys.filter((k) => k.startsWith('dynamodb ASOF|') || k.startsWith('dynamodb LATEST|')).length).toBe(2);
    // Normalised data: every binding has its own prefix (month partitions and their index) under normalised/.
    expect(new Set(keys.filter((k) => k.startsWith('s3 normalised/')).map((k) => k.split('/')[1])).size).toBe(referenceTimeline.bindings);
    expect(keys.filter((k) => k.startsWith('dynamodb CURSOR#')).length).toBe(referenceTimeline.bindings);
    const points = killPoints();
    for (const point of points) {
      await withStores(async (local) => {
        const env = cliEnv(local);
        const first = await runRadar(['run', '--config', config, '--as-of', AS_OF], env, {
          ...(point.afterMs !== undefined ? { killAfterMs: point.afterMs } : {}),
          ...(point.afterLine ? { killAfterLine: { pattern: point.afterLine, delayMs: point.extraMs ?? 0 } } : {}),
        });
        const killed = first.signal === 'SIGKILL';
        const tail = first.stderr.trim().split('\n').pop() ?? '';
        results.push({ point, killed, stderrTail: tail });
        const rerun = await runRadar(['run', '--config', config, '--as-of', AS_OF], env);
        expect(rerun.code, rerun.stderr).toBe(0);
        const got = await dumpStores(local.stores, { table: local.env.RADAR_TABLE, bucket: local.env.RADAR_BUCKET });
        expect(diff(durable(got), durable(reference)), `after a kill at ${point.phase}: ${point.label}`).toEqual([]);
      });
    }
    expect(results.filter((r) => r.killed).length).toBeGreaterThanOrEqual(20);
    for (const phase of ['startup/plan', 'collect', 'score/store'] as const) {
      expect(results.some((r) => r.killed && r.point.phase === phase), `no kill landed in ${phase}`).toBe(true);
    }
  });
});
