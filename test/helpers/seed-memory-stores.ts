import type { UnitRef } from '../../shared/org/index.js';
import type { UnitScorecard } from '../../shared/scoring/types.js';
import type { RunRecord, RunStore, SnapshotStore } from '../../shared/storage/ports.js';
import { buildSeedHistory, buildSeedRuns } from './seed-scorecards.js';

// An in-memory implementation of the SnapshotStore and RunStore ports for in-process API tests (app.request()).
// It honours the port contract (complete as-ofs only, oldest first, newest-first runs) and counts calls, so tests
// can check how many store reads a view costs. Integration and e2e tests use the real DynamoDB/S3 adapters.

export interface MemoryStores {
  snapshots: SnapshotStore;
  runs: RunStore;
  /** Store calls by method name since creation or the last reset. */
  calls: Record<string, number>;
  resetCalls(): void;
}

/** Creates empty in-memory stores; JSON round-trips every value, as a real store would. */
export function createMemoryStores(): MemoryStores {
  const byAsOf = new Map<string, Map<UnitRef, string>>();
  const runs = new Map<string, string>();
  const calls: Record<string, number> = {};
  const count = (name: string): void => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  const sortedAsOfs = (): string[] => [...byAsOf.keys()].sort();
  const snapshots: SnapshotStore = {
    saveSnapshots(asOf, cards) {
      count('saveSnapshots');
      byAsOf.set(asOf, new Map(cards.map((c) => [c.unit, JSON.stringify(c)])));
      return Promise.resolve();
    },
    loadScorecard(unit, asOf) {
      count('loadScorecard');
      const at = asOf ?? sortedAsOfs().at(-1);
      const raw = at === undefined ? undefined : byAsOf.get(at)?.get(unit);
      return Promise.resolve(raw === undefined ? null : (JSON.parse(raw) as UnitScorecard));
    },
    loadAllAt(asOf) {
      count('loadAllAt');
      return Promise.resolve([...(byAsOf.get(asOf)?.values() ?? [])].map((r) => JSON.parse(r) as UnitScorecard));
    },
    listAsOfs() {
      count('listAsOfs');
      return Promise.resolve(sortedAsOfs());
    },
    loadUnitHistory(unit, opts) {
      count('loadUnitHistory');
      const out: UnitScorecard[] = [];
      for (const a of sortedAsOfs()) {
        if ((opts?.from && a < opts.from) || (opts?.to && a > opts.to)) continue;
        const raw = byAsOf.get(a)?.get(unit);
        if (raw !== undefined) out.push(JSON.parse(raw) as UnitScorecard);
      }
      return Promise.resolve(out);
    },
  };
  const runStore: RunStore = {
    saveRun(run) {
      count('saveRun');
      runs.set(run.runId, JSON.stringify(run));
      return Promise.resolve();
    },
    loadRun(runId) {
      count('loadRun');
      const raw = runs.get(runId);
      return Promise.resolve(raw === undefined ? null : (JSON.parse(raw) as RunRecord));
    },
    listRuns(limit = 20) {
      count('listRuns');
      const all = [...runs.values()].map((r) => JSON.parse(r) as RunRecord);
      all.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
      return Promise.resolve(all.slice(0, limit));
    },
  };
  return {
    snapshots,
    runs: runStore,
    calls,
    resetCalls: () => {
      for (const k of Object.keys(calls)) delete calls[k];
    },
  };
}

/** Writes the deterministic demo-org fixture (26 weekly as-ofs and their runs) into any SnapshotStore/RunStore. */
export async function seedStores(stores: { snapshots: SnapshotStore; runs: RunStore }, weeks?: number): Promise<void> {
  for (const { asOf, cards } of buildSeedHistory(undefined, weeks)) {
    await stores.snapshots.saveSnapshots(asOf, cards, { runId: `run-${asOf.slice(0, 10)}` });
  }
  for (const run of buildSeedRuns(undefined, weeks)) await stores.runs.saveRun(run);
}
