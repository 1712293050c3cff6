import { Command } from 'commander';
import { ConfigError, formatConfigProblem } from '../../kernel/index.js';
import { normaliseAsOf, openLocalPipeline, runScheduled } from '../../pipeline/index.js';
import { defaultSources } from '../../sources/index.js';
import { formatRunSummary, progressReporter, terminalLogger } from '../progress.js';

/** `radar run`: one scheduled run (plan → collect → score → store) through the same functions the Lambdas call. */
export function runCommand(): Command {
  return new Command('run')
    .description('Run one scheduled collection and scoring: plan, collect every binding, score, store snapshots.')
    .requiredOption('--config <file>', 'org config YAML')
    .option('--as-of <iso>', 'as-of time (ISO 8601); a rerun of the same as-of rewrites identical snapshots')
    .option('--json', 'print the run record as JSON on stdout instead of the summary table')
    .option('--verbose', 'log each binding as it finishes')
    .addHelpText('after', '\nExit 0 when the run completed (failed bindings are in the run log), 1 when no run could happen.')
    .action(async (opts: { config: string; asOf?: string; json?: boolean; verbose?: boolean }) => {
      process.exitCode = await runAction(opts);
    });
}

async function runAction(opts: { config: string; asOf?: string; json?: boolean; verbose?: boolean }): Promise<number> {
  const logger = terminalLogger(undefined, { verbose: opts.verbose });
  let pipeline;
  try {
    const asOf = normaliseAsOf(opts.asOf ?? new Date().toISOString());
    pipeline = await openLocalPipeline({ configFile: opts.config, logger, sources: defaultSources() });
    const { run } = await runScheduled(pipeline.deps, { asOf, progress: progressReporter() });
    process.stdout.write(opts.json ? `${JSON.stringify(run, null, 2)}\n` : `${formatRunSummary(run)}\n`);
    return run.status === 'completed' ? 0 : 1;
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) process.stderr.write(`${formatConfigProblem(p)}\n`);
    } else {
      process.stderr.write(`radar run: no run could happen: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    return 1;
  } finally {
    await pipeline?.close();
  }
}
