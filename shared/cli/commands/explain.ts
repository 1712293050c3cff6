import { Command } from 'commander';
import { parseUnitRef } from '../../org/index.js';
import { openStores } from '../../storage/index.js';
import type { SnapshotStore } from '../../storage/ports.js';
import type { UnitScorecard } from '../../scoring/types.js';
import { formatScorecard } from '../format-scorecard.js';

// `radar explain UNIT`: a unit's scorecard from the stored snapshots, explained (signals, thresholds, evidence,
// next steps, missing data, MLOps placement, rollup coverage). Exit 2 for a unit that does not exist, exit 1 when
// there is nothing stored yet or no snapshot at the requested as-of.

interface ExplainOptions {
  asOf?: string;
  json?: boolean;
}

/** Outcome of looking a unit up, so the command can choose the message and exit code in one place. */
export type ExplainLookup =
  | { kind: 'found'; card: UnitScorecard }
  | { kind: 'bad-unit' | 'no-snapshots' | 'no-such-as-of' | 'unknown-unit'; message: string };

/** Resolves `--as-of` (a date or an ISO timestamp) to a stored as-of: exact, else the latest one on that date. */
export function resolveAsOf(asOfs: readonly string[], wanted: string): string | null {
  if (asOfs.includes(wanted)) return wanted;
  const t = Date.parse(wanted);
  if (!Number.isNaN(t) && /T/.test(wanted)) {
    const iso = new Date(t).toISOString();
    if (asOfs.includes(iso)) return iso;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(wanted)) {
    const sameDay = asOfs.filter((a) => a.startsWith(wanted));
    return sameDay.at(-1) ?? null;
  }
  return null;
}

/** Finds a unit's scorecard (latest, or at an as-of) and explains in plain words why it cannot when it cannot. */
export async function lookupScorecard(snapshots: SnapshotStore, unit: string, asOf?: string): Promise<ExplainLookup> {
  if (parseUnitRef(unit) === null) {
    return { kind: 'bad-unit', message: `unknown unit "${unit}": name a unit as pod:ID, domain:ID, network:ID, lab:ID, steering or org` };
  }
  const asOfs = await snapshots.listAsOfs();
  if (asOfs.length === 0) {
    return { kind: 'no-snapshots', message: 'no snapshot yet: run `radar run --config FILE` or `radar backfill --config FILE --from DATE --to DATE` first' };
  }
  let at: string | undefined;
  if (asOf !== undefined) {
    const resolved = resolveAsOf(asOfs, asOf);
    if (resolved === null) {
      return { kind: 'no-such-as-of', message: `no snapshot at ${asOf}; stored as-ofs run from ${asOfs[0]} to ${asOfs.at(-1)}` };
    }
    at = resolved;
  }
  const card = await snapshots.loadScorecard(unit, at);
  if (card === null) {
    return { kind: 'unknown-unit', message: `unknown unit "${unit}": the snapshot at ${at ?? asOfs.at(-1)} has no scorecard for it` };
  }
  return { kind: 'found', card };
}

/** Builds the `radar explain` subcommand. */
export function explainCommand(): Command {
  const cmd = new Command('explain')
    .summary("explain a unit's scorecard")
    .description(
      "Prints a unit's scorecard from the stored snapshots: score and level, each dimension with its signals " +
        '(value, unit, window, thresholds, level, evidence links), the next steps, missing data with reasons, MLOps ' +
        'placement for pods, rollup coverage/spread/weakest member, and the rubric version. UNIT is pod:ID, ' +
        'domain:ID, network:ID, lab:ID, steering or org. Without --as-of, the latest snapshot.',
    )
    .argument('<unit>', 'the unit, e.g. pod:recsys, domain:customer-engagement, steering, org')
    .option('--as-of <date>', 'the snapshot to explain: an ISO timestamp or a date (latest snapshot that day)')
    .option('--json', 'print the scorecard as JSON instead of text')
    .addHelpText('after', '\nExamples:\n  $ radar explain pod:recsys\n  $ radar explain org --as-of 2026-11-23\n  $ radar explain domain:supply-chain --json')
    .showHelpAfterError('(run `radar explain --help` for usage)')
    .action(async (unit: string, opts: ExplainOptions) => {
      process.exitCode = await runExplain(unit, opts);
    });
  return cmd.exitOverride();
}

async function runExplain(unit: string, opts: ExplainOptions): Promise<number> {
  if (parseUnitRef(unit) === null) {
    process.stderr.write(`radar: unknown unit "${unit}": name a unit as pod:ID, domain:ID, network:ID, lab:ID, steering or org\n`);
    return 2;
  }
  const opened = await openStores(process.env);
  try {
    const found = await lookupScorecard(opened.stores.snapshots, unit, opts.asOf);
    if (found.kind !== 'found') {
      process.stderr.write(`radar: ${found.message}\n`);
      return found.kind === 'bad-unit' || found.kind === 'unknown-unit' ? 2 : 1;
    }
    process.stdout.write(opts.json ? `${JSON.stringify(found.card, null, 2)}\n` : formatScorecard(found.card));
    return 0;
  } finally {
    await opened.close();
  }
}
