import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, formatConfigProblem } from '../../kernel/index.js';
import { backfill, openLocalPipeline, rescoreHistory } from '../../pipeline/index.js';
import { defaultSources } from '../../sources/index.js';
import { formatRunSummary, progressReporter, terminalLogger } from '../progress.js';

/** Parses `7d` / `14d` / `7` into whole days. */
export function parseEvery(text: string): number {
  const m = /^(\d+)d?$/.exec(text.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 366) throw new InvalidArgumentError('expected a number of days such as 7d');
  return n;
}

/** `radar backfill`: collect once, then one snapshot per step from the stored history. */
export function backfillCommand(): Command {
  return new Command('backfill')
    .description('Collect once (as of --to), then score one snapshot per step back to --from. Idempotent.')
    .requiredOption('--config <file>', 'org config YAML')
    .requiredOption('--from <date>', 'first as-of (ISO date)')
    .requiredOption('--to <date>', 'last as-of (ISO date)')
    .option('--every <days>', 'step between snapshots, e.g. 7d', parseEvery, 7)
    .option('--json', 'print the run record as JSON on stdout')
    .option('--rescore', 'do not collect: re-score every stored snapshot between --from and --to under the current rubric')
    .action(async (opts: { config: string; from: string; to: string; every: number; json?: boolean; rescore?: boolean }) => {
      const logger = terminalLogger();
      let pipeline;
      try {
        pipeline = await openLocalPipeline({ configFile: opts.config, logger, sources: defaultSources() });
        if (opts.rescore === true) {
          const r = await rescoreHistory(pipeline.deps, { from: opts.from, to: opts.to });
          process.stdout.write(opts.json ? `${JSON.stringify(r.run, null, 2)}\n` : `${r.scored.length} snapshot(s) re-scored under rubric ${r.run.rubric.id} ${r.run.rubric.version}\n`);
          process.exitCode = 0;
          return;
        }
        const result = await backfill(pipeline.deps, { from: opts.from, to: opts.to, everyDays: opts.every, progress: progressReporter() });
        if (result.run) process.stdout.write(opts.json ? `${JSON.stringify(result.run, null, 2)}\n` : `${formatRunSummary(result.run)}\n${result.scored.length} snapshot(s) written\n`);
        process.exitCode = result.run === null || result.run.status === 'completed' ? 0 : 1;
      } catch (err) {
        if (err instanceof ConfigError) for (const p of err.problems) process.stderr.write(`${formatConfigProblem(p)}\n`);
        else process.stderr.write(`radar backfill: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      } finally {
        await pipeline?.close();
      }
    });
}
