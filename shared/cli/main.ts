import { Command, CommanderError } from 'commander';
import { RadarError, ConfigError, formatConfigProblem } from '../kernel/index.js';
import { commands } from './commands/index.js';

/** Builds the `radar` program; each subcommand lives in ./commands/ and is a thin adapter over shared/. */
export function buildProgram(): Command {
  const program = new Command('radar')
    .description(
      'AI Maturity Radar: scores AI pods, domains, capability networks, labs, the steering group and the ' +
        'organisation from Jira, GitHub and MLflow evidence, explains every score and shows the trend.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const make of commands) {
    // Subcommands added with addCommand do not inherit exitOverride: set it on each, so usage errors exit 2.
    program.addCommand(make().exitOverride());
  }
  return program;
}

/** Runs the CLI and returns the exit code; errors are printed as one plain line each, never as a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 1 (commander already printed them).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ConfigError) {
      for (const p of err.problems) process.stderr.write(`${formatConfigProblem(p)}\n`);
      return 2;
    }
    if (err instanceof RadarError) {
      process.stderr.write(`radar: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`radar: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.RADAR_DEBUG) process.stderr.write(`${err instanceof Error ? (err.stack ?? '') : ''}\n`);
    return 1;
  }
}
