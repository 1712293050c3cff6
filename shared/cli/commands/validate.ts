import { Command } from 'commander';
import { ConfigError, formatConfigProblem, type ConfigProblem } from '../../kernel/index.js';
import { loadOrgConfig } from '../../org/index.js';
import { DEPLOY_TIME_SETTINGS, RUN_TIME_SETTINGS } from '../../pipeline/runtime-config.js';

// `radar validate`: checks an org config file without touching any source or store, so it runs in CI and in
// editors' pre-commit hooks. Exit codes follow the CLI contract: 0 valid, 2 invalid (one line per problem).

interface ValidateOptions {
  config: string;
  json?: boolean;
}

/** Builds the `radar validate` subcommand. */
export function validateCommand(): Command {
  const cmd = new Command('validate')
    .summary('check an org config file and list every problem with its line and column')
    .description(
      'Checks an organisation config (YAML) against the schema and the structure rules: required fields, types, ' +
        'unknown keys (with "did you mean" hints), duplicate unit ids, network members that are not pods, a pod ' +
        'listed in two domains, bindings to sources not configured under `sources`, and credentials written ' +
        'inline instead of as environment variable names. Nothing is fetched and nothing is stored.\n\n' +
        'Exit 0 and print `FILE: ok (N units, M bindings)` when the file is valid. Otherwise exit 2 and print ' +
        'every problem on stderr, one line each, sorted by line: `FILE:LINE:COL path.to.field: reason`.',
    )
    .requiredOption('-c, --config <file>', 'org config YAML file to check')
    .option('--json', 'print {"ok", "file", "units", "bindings", "problems", "settings"} as JSON on stdout instead (settings: which are read at run time, which are fixed at deploy time)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ radar validate --config shared/sandbox/demo-org.yaml\n' +
        '  shared/sandbox/demo-org.yaml: ok (26 units, 65 bindings)\n\n' +
        '  $ radar validate --config org.yaml\n' +
        '  org.yaml:6:3 organisation.nmae: unknown key `nmae`; did you mean `name`?\n\n' +
        '  $ radar validate --config org.yaml --json\n' +
        '\nEditors: make `# yaml-language-server: $schema=<path to>/shared/org/org-config.schema.json`\n' +
        'the first line of a config file for completion and inline checks while typing.',
    )
    .showHelpAfterError('(run `radar validate --help` for usage)')
    .action(async (opts: ValidateOptions) => {
      await runValidate(opts);
    });
  // Subcommands do not inherit the program's exitOverride: without it a usage error would exit(1) here instead
  // of reaching main's handler, which maps usage errors to exit 2.
  return cmd.exitOverride();
}

async function runValidate(opts: ValidateOptions): Promise<void> {
  const file = opts.config;
  let problems: readonly ConfigProblem[];
  try {
    const org = await loadOrgConfig(file);
    if (opts.json) {
      // Which settings this file moves at run time (CLI and Lambda alike) and which stay fixed at deploy time.
      const settings = { runTime: RUN_TIME_SETTINGS, maxConcurrency: org.config.settings.maxConcurrency, rubric: org.config.rubric, deployTime: DEPLOY_TIME_SETTINGS };
      process.stdout.write(`${JSON.stringify({ ok: true, file, units: org.units.length, bindings: org.bindings.length, problems: [], settings })}\n`);
    } else {
      process.stdout.write(`${file}: ok (${org.units.length} units, ${org.bindings.length} bindings)\n`);
    }
    return;
  } catch (err) {
    // Anything else is a bug, not a config problem: let main report it.
    if (!(err instanceof ConfigError)) throw err;
    problems = err.problems;
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ok: false, file, problems }, null, 2)}\n`);
  } else {
    for (const p of problems) process.stderr.write(`${formatConfigProblem(p)}\n`);
  }
  process.exitCode = 2;
}
