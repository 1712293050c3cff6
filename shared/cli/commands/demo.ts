import { Command, InvalidArgumentError } from 'commander';
import { serveDashboard } from '../../api/index.js';
import type { OrgConfig } from '../../org/index.js';
import { backfill, openLocalPipeline } from '../../pipeline/index.js';
import type { LocalPipeline } from '../../pipeline/index.js';
import { defaultSources } from '../../sources/index.js';
import { DEMO_CREDENTIALS, DEMO_ORG_FILE, startSandboxes } from '../../sandbox/index.js';
import type { RunningSandboxes } from '../../sandbox/index.js';
import { demoAnchor, demoUnitSince } from '../../sandbox/demo/profile.js';
import type { LocalSignIn } from '../local-sign-in.js';
import { progressReporter, terminalLogger } from '../progress.js';
import { hostAllowed } from './serve.js';

const DEMO_WEEKS = 26;
const WEEK_MS = 7 * 86_400_000;

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

function isAddressInUse(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EADDRINUSE';
}

/**
 * Points the demo org's base URLs at the sandboxes actually started (they may have fallen back to free ports), and
 * gives the demo's late-starting units the `since` their history has (it moves with the demo's anchor).
 */
function pointAt(org: OrgConfig, urls: RunningSandboxes['urls'], anchor: Date): OrgConfig {
  const s = org.sources;
  const since = demoUnitSince(anchor);
  return {
    ...org,
    labs: org.labs.map((l) => (since[`lab:${l.id}`] ? { ...l, since: since[`lab:${l.id}`] } : l)),
    sources: {
      ...(s.jira ? { jira: { ...s.jira, baseUrl: urls.jira || s.jira.baseUrl } } : {}),
      ...(s.github ? { github: { ...s.github, baseUrl: urls.github || s.github.baseUrl } } : {}),
      ...(s.mlflow ? { mlflow: { ...s.mlflow, baseUrl: urls.mlflow || s.mlflow.baseUrl } } : {}),
    },
  };
}

/** `radar demo` (= `npm start`): embedded storage + sandboxes + 26 weekly snapshots through the real pipeline + dashboard. */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Start the demo: embedded storage, the Jira/GitHub/MLflow sandboxes with the demo organisation, a backfill of\n' +
        '26 weekly snapshots through the real pipeline (skipped where they already exist), and the dashboard.',
    )
    .option('--port <n>', 'dashboard port (falls back to a free port when taken)', parsePort, 8080)
    .option('--host <address>', 'interface to listen on (other than loopback only with --auth)', '127.0.0.1')
    .option('--auth', 'require sign-in: starts a local OpenID Connect provider with three demo users (steering, domain lead, pod lead) and prints them with their passwords')
    .action(async (opts: { port: number; host: string; auth?: boolean }) => {
      if (!hostAllowed(opts.host, opts.auth)) return;
      const logger = terminalLogger();
      // The OpenID Connect provider (koa, jose) loads only when sign-in is asked for.
      const signInModule = opts.auth ? await import('../local-sign-in.js') : undefined;
      const anchor = demoAnchor(new Date());
      let sandboxes: RunningSandboxes | undefined;
      let pipeline: LocalPipeline | undefined;
      let server: { url: string; close(): Promise<void> } | undefined;
      let signIn: LocalSignIn | undefined;
      const closeAll = async (): Promise<void> => {
        await server?.close();
        await signIn?.close();
        await sandboxes?.close();
        await pipeline?.close();
      };
      try {
        try {
          sandboxes = await startSandboxes({ port: 4101, anchor });
        } catch (err) {
          if (!isAddressInUse(err)) throw err;
          process.stderr.write('sandbox ports 4101-4103 are taken; using free ports\n');
          sandboxes = await startSandboxes({ port: 0, anchor });
        }
        // The demo credentials are what the sandboxes accept; real environment values win if set.
        for (const [name, value] of Object.entries(DEMO_CREDENTIALS)) process.env[name] ??= value;
        const urls = sandboxes.urls;
        pipeline = await openLocalPipeline({ configFile: DEMO_ORG_FILE, logger, sources: defaultSources(), adjustOrg: (org) => pointAt(org, urls, anchor) });
        const to = anchor.toISOString();
        const from = new Date(anchor.getTime() - (DEMO_WEEKS - 1) * WEEK_MS).toISOString();
        const result = await backfill(pipeline.deps, { from, to, everyDays: 7, skipExisting: true, progress: progressReporter() });
        process.stderr.write(
          `snapshots: ${result.scored.length} scored, ${result.skipped.length} already stored` +
            (result.run ? `; bindings failed: ${result.run.bindings.filter((b) => b.status !== 'ok').length}` : '') +
            '\n',
        );
        const org = pipeline.deps.org;
        const serveOpts = {
          snapshots: pipeline.deps.stores.snapshots,
          runs: pipeline.deps.stores.runs,
          logger,
          host: opts.host,
          ...(signInModule ? { signIn: signInModule.localDashboardSignIn(org, opts.host, (s) => (signIn = s)) } : {}),
        };
        try {
          server = await serveDashboard({ ...serveOpts, port: opts.port });
        } catch (err) {
          if (!isAddressInUse(err) && !/EADDRINUSE/.test(String(err))) throw err;
          server = await serveDashboard({ ...serveOpts, port: 0 });
        }
        if (signIn && signInModule) process.stdout.write(signInModule.formatSignInUsers(signIn));
        process.stdout.write(`dashboard ${server.url}\n`);
      } catch (err) {
        await closeAll();
        throw err;
      }
      // Serve until stopped; close servers and stores cleanly so the embedded data stays consistent.
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await closeAll();
    });
}
