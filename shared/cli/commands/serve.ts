import { Command, InvalidArgumentError } from 'commander';
import { serveDashboard } from '../../api/index.js';
import { openStores } from '../../storage/index.js';

// `radar serve`: the API and the dashboard on one local port, reading whatever storage the RADAR_* environment
// points at (embedded dynalite + s3rver under .radar/ when no endpoint is set). It serves until interrupted.

interface ServeOptions {
  port: number;
  host: string;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return n;
}

/** Builds the `radar serve` subcommand. */
export function serveCommand(): Command {
  const cmd = new Command('serve')
    .summary('serve the API and dashboard on localhost')
    .description(
      'Serves the dashboard (executive trends, domain/network/lab views, pod scorecards, run health) and its API ' +
        'under /api from the snapshots in storage. Storage comes from RADAR_DYNAMODB_ENDPOINT / RADAR_S3_ENDPOINT, ' +
        'or the embedded servers with data under RADAR_DATA_DIR (default .radar/). The dashboard is built with ' +
        'Vite on first start (and whenever its sources are newer than dashboard/dist). Prints the URL; stop with Ctrl-C.',
    )
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', parsePort, 8080)
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .addHelpText('after', '\nExamples:\n  $ radar serve\n  dashboard http://127.0.0.1:8080/\n\n  $ radar serve --port 0')
    .showHelpAfterError('(run `radar serve --help` for usage)')
    .action(async (opts: ServeOptions) => {
      await runServe(opts);
    });
  return cmd.exitOverride();
}

async function runServe(opts: ServeOptions): Promise<void> {
  const opened = await openStores(process.env);
  let server: Awaited<ReturnType<typeof serveDashboard>>;
  try {
    server = await serveDashboard({ snapshots: opened.stores.snapshots, runs: opened.stores.runs, port: opts.port, host: opts.host });
  } catch (err) {
    await opened.close();
    throw err;
  }
  process.stdout.write(`dashboard ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  await opened.close();
}
