import { Command, InvalidArgumentError } from 'commander';
import { serveDashboard } from '../../api/index.js';
import { isLoopbackAddress } from '../../kernel/index.js';
import { loadOrgConfig } from '../../org/index.js';
import { DEMO_ORG_FILE } from '../../sandbox/index.js';
import { openStores } from '../../storage/index.js';
import type { LocalSignIn } from '../local-sign-in.js';

// `radar serve`: the API and the dashboard on one local port, reading whatever storage the RADAR_* environment
// points at (embedded dynalite + s3rver under .radar/ when no endpoint is set). It serves until interrupted.

interface ServeOptions {
  port: number;
  host: string;
  auth?: boolean;
  config?: string;
}

/** `--host` other than loopback exposes the API to the network: only with sign-in. */
export function checkHostNeedsAuth(host: string, auth: boolean | undefined): void {
  if (!isLoopbackAddress(host) && auth !== true) {
    throw new InvalidArgumentError(
      `--host ${host} would expose every unit's scores to the network without sign-in; add --auth, or listen on 127.0.0.1 (the default)`,
    );
  }
}

/** For `serve` and `demo`: false (after printing the reason, exit code 2) when `--host` needs `--auth` it lacks. */
export function hostAllowed(host: string, auth: boolean | undefined): boolean {
  try {
    checkHostNeedsAuth(host, auth);
    return true;
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return false;
  }
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
    .option('--host <address>', 'interface to listen on (other than loopback only with --auth)', '127.0.0.1')
    .option('--auth', 'require sign-in: starts a local OpenID Connect provider with demo users (printed with passwords)')
    .option('--config <file>', 'org config whose units the sign-in groups name (with --auth)', DEMO_ORG_FILE)
    .addHelpText('after', '\nExamples:\n  $ radar serve\n  dashboard http://127.0.0.1:8080/\n\n  $ radar serve --port 0\n  $ radar serve --auth')
    .showHelpAfterError('(run `radar serve --help` for usage)')
    .action(async (opts: ServeOptions) => {
      await runServe(opts);
    });
  return cmd.exitOverride();
}

async function runServe(opts: ServeOptions): Promise<void> {
  if (!hostAllowed(opts.host, opts.auth)) return;
  const org = opts.auth ? (await loadOrgConfig(opts.config ?? DEMO_ORG_FILE)).config : undefined;
  // The OpenID Connect provider (koa, jose) loads only when sign-in is asked for.
  const signInModule = opts.auth ? await import('../local-sign-in.js') : undefined;
  const opened = await openStores(process.env);
  let server: Awaited<ReturnType<typeof serveDashboard>>;
  let signIn: LocalSignIn | undefined;
  try {
    server = await serveDashboard({
      snapshots: opened.stores.snapshots,
      runs: opened.stores.runs,
      port: opts.port,
      host: opts.host,
      ...(org && signInModule ? { signIn: signInModule.localDashboardSignIn(org, opts.host, (s) => (signIn = s)) } : {}),
    });
  } catch (err) {
    await signIn?.close();
    await opened.close();
    throw err;
  }
  if (signIn && signInModule) process.stdout.write(signInModule.formatSignInUsers(signIn));
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
  await signIn?.close();
  await opened.close();
}
