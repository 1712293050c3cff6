import { Command, InvalidArgumentError } from 'commander';
import { DEMO_CREDENTIALS, FaultRegistry, parseFaultSpec, startSandboxes } from '../../sandbox/index.js';

// `radar sandbox`: the three API simulators with the demo organisation's history, for `radar run --config
// shared/sandbox/demo-org.yaml` and for trying faults by hand. Output lines are a contract (DESIGN.md §5).

function portOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65533) throw new InvalidArgumentError('a port number from 0 to 65533 (0 = free ports)');
  return n;
}

function dateOption(v: string): Date {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('an ISO date such as 2026-11-23');
  return d;
}

function collectFault(v: string, prev: string[]): string[] {
  try {
    parseFaultSpec(v);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
  return [...prev, v];
}

/** Builds the `radar sandbox` command. */
export function sandboxCommand(): Command {
  return new Command('sandbox')
    .description(
      'Serve the Jira, GitHub and MLflow simulators with the demo organisation\'s history on 127.0.0.1.\n' +
        'Prints `jira <url>`, `github <url>`, `mlflow <url>`, then the credentials they accept as NAME=value\n' +
        '(the environment variables shared/sandbox/demo-org.yaml names); serves until Ctrl-C.',
    )
    .option('--port <n>', 'Jira port; GitHub uses port+1 and MLflow port+2 (0 = three free ports)', portOption, 4101)
    .option('--fault <spec>', 'inject a fault, API:PATH=KIND[:ARG][xTIMES], e.g. github:/pulls=status:500 (repeatable)', collectFault, [])
    .option('--anchor <date>', 'end of the generated history (default: the Monday on or before today)', dateOption)
    .addHelpText('after', '\nExample:\n  radar sandbox --port 4101 --fault "github:/reviews=rate-limit:2x1"\n')
    .action(async (o: { port: number; fault: string[]; anchor?: Date }) => {
      const faults = new FaultRegistry();
      for (const spec of o.fault) faults.add(parseFaultSpec(spec));
      const running = await startSandboxes({ port: o.port, faults, ...(o.anchor ? { anchor: o.anchor } : {}) });
      for (const api of ['jira', 'github', 'mlflow'] as const) {
        if (running.urls[api]) process.stdout.write(`${api} ${running.urls[api]}\n`);
        else process.stderr.write(`radar: the ${api} simulator is not available in this build\n`);
      }
      for (const [name, value] of Object.entries(DEMO_CREDENTIALS)) process.stdout.write(`${name}=${value}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await running.close();
    });
}
