import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { newestNodeRuntime } from '../../infra/constructs/handler.js';
import { figure } from './lib/figures.js';
import type { Figure } from './lib/figures.js';

// Cold start proxy: each handler bundled by esbuild with the options infra/constructs/handler.ts gives
// NodejsFunction (ESM, minified, everything bundled incl. the AWS SDK, the createRequire banner), then imported in
// a fresh Node process. The import is what Lambda's init phase runs; dependencies (stores, config) are built on
// the first invocation, so they are not part of this figure.

const HANDLERS = ['plan', 'collect', 'score', 'api'] as const;
const INIT_SAMPLES = 7;

/** Bundles every handler and measures bundle size and module initialisation time. */
export async function runColdStartBench(root: string): Promise<{ figures: Figure[]; detail: Record<string, unknown> }> {
  const out = mkdtempSync(join(tmpdir(), 'radar-bench-bundle-'));
  const figures: Figure[] = [];
  const detail: Record<string, unknown> = {};
  const runtime = newestNodeRuntime();
  try {
    for (const name of HANDLERS) {
      const outfile = join(out, name, 'index.mjs');
      await build({
        entryPoints: [join(root, 'functions', `${name}.ts`)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: `node${/\d+/.exec(runtime.name)?.[0] ?? '20'}`,
        minify: true,
        sourcemap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: { js: "import { createRequire as __radarCreateRequire } from 'node:module'; const require = __radarCreateRequire(import.meta.url);" },
        logLevel: 'error',
      });
      const bytes = statSync(outfile).size;
      const gz = gzipSync(readFileSync(outfile)).length;
      const samples: number[] = [];
      for (let i = 0; i < INIT_SAMPLES; i++) samples.push(measureInit(outfile));
      samples.sort((a, b) => a - b);
      const median = samples[Math.floor(samples.length / 2)] ?? Number.NaN;
      detail[name] = { bytes, gzipBytes: gz, initMsSamples: samples.map((s) => Math.round(s * 10) / 10) };
      figures.push(figure('5 cold start', `${name} bundle size`, Math.round(bytes / 1024), 'KB', 1024, 'max', `${Math.round(gz / 1024)} KB gzip; target ${runtime.name}`));
      figures.push(figure('5 cold start', `${name} module init (median of ${INIT_SAMPLES})`, median, 'ms', 150, 'max'));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return { figures, detail };
}

/** Imports a bundle in a fresh Node process and returns how long the import took, in ms. */
function measureInit(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(`file://${file}`)});process.stdout.write(String(performance.now()-t));`;
  // The handler modules read names from the environment lazily; give them what Lambda would so nothing differs.
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'eu-west-1',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    RADAR_TABLE: 'radar',
    RADAR_BUCKET: 'radar-data',
    RADAR_CONFIG_KEY: 'config/org.yaml',
    POWERTOOLS_LOGGER_LOG_EVENT: 'false',
  };
  const outText = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  return Number(outText);
}
