import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, formatConfigProblem } from '../../shared/kernel/index.js';
import type { ConfigProblem } from '../../shared/kernel/index.js';
import { parseOrgConfig } from '../../shared/org/index.js';
import { parseRubricText } from '../../shared/pipeline/index.js';
import { defaultRubric } from '../../shared/rubric/index.js';
import { loadRubric } from '../../shared/rubric/load.js';
import { DEMO_ORG_FILE } from '../../shared/sandbox/index.js';
import { anyValue, mutateYaml, mutations } from './yaml-mutations.js';

// Config and rubric fuzzing: thousands of generated and mutated files. Every outcome must be a valid config or a
// ConfigError whose every problem names the file, a line and column ≥ 1, a path and a one-line reason, and never
// echoes a credential the file contained inline. No other exception may escape, and the CLI prints no stack trace.
// RADAR_LONG=1 multiplies the case counts by ten; RADAR_FUZZ_SEED replays a reported failure.

const LONG = process.env.RADAR_LONG === '1';
const SCALE = LONG ? 10 : 1;
const SEED = process.env.RADAR_FUZZ_SEED !== undefined ? Number(process.env.RADAR_FUZZ_SEED) : LONG ? Date.now() : 20261123;
const BIN = fileURLToPath(new URL('../../shared/cli/bin.js', import.meta.url));
const DEMO_TEXT = readFileSync(DEMO_ORG_FILE, 'utf8');
// The default rubric as a user would copy it into a file to customise it.
const RUBRIC_TEXT = stringify(JSON.parse(JSON.stringify(defaultRubric)) as unknown);
const dir = mkdtempSync(join(tmpdir(), 'radar-fuzz-'));
const counts = { org: 0, orgValid: 0, rubric: 0, rubricValid: 0, cli: 0 };

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `config fuzzing (seed ${SEED}): ${counts.org} org configs (${counts.orgValid} valid), ${counts.rubric} rubric files ` +
      `(${counts.rubricValid} valid), ${counts.cli} CLI runs`,
  );
});

/**
 * The checks every reported problem must pass. Plain comparisons rather than one `expect` per field: thousands of
 * cases with dozens of problems each would otherwise spend most of their time in the assertion library.
 */
function checkProblems(err: unknown, file: string, text: string, secrets: readonly string[]): void {
  if (!(err instanceof ConfigError)) {
    throw new Error(`expected a ConfigError, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, { cause: err });
  }
  if (err.problems.length === 0) throw new Error('ConfigError without problems');
  const lines = text.split('\n').length;
  for (const p of err.problems as ConfigProblem[]) {
    const line = formatConfigProblem(p);
    const fail = (what: string): never => {
      throw new Error(`${what}: ${JSON.stringify(p)}`);
    };
    if (p.file !== file) fail('problem names another file');
    if (!Number.isInteger(p.line) || p.line < 1 || p.line > lines + 1) fail('line out of range');
    if (!Number.isInteger(p.col) || p.col < 1) fail('column below 1');
    if (typeof p.path !== 'string') fail('no path');
    if (typeof p.reason !== 'string' || p.reason.trim() === '') fail('no reason');
    // One problem is one line on the terminal.
    if (line.includes('\n')) fail('problem spans several lines');
    for (const s of secrets) if (line.includes(s)) fail('problem echoes an inline secret');
  }
}

function checkOrgText(text: string, secrets: readonly string[]): void {
  const file = 'fuzz/org.yaml';
  counts.org += 1;
  try {
    parseOrgConfig(text, file);
    counts.orgValid += 1;
  } catch (err) {
    checkProblems(err, file, text, secrets);
  }
}

async function checkRubricText(text: string, secrets: readonly string[]): Promise<void> {
  counts.rubric += 1;
  // The file path: `rubric: ./custom-rubric.yaml` in the org config, resolved next to the config file.
  const rubricFile = join(dir, 'custom-rubric.yaml');
  writeFileSync(rubricFile, text);
  let valid = true;
  try {
    await loadRubric('./custom-rubric.yaml', join(dir, 'org.yaml'));
  } catch (err) {
    valid = false;
    checkProblems(err, rubricFile, text, secrets);
  }
  // The same text as Lambda reads it from S3.
  try {
    parseRubricText(text, 's3://config/rubric.yaml');
    if (!valid) throw new Error('parseRubricText accepted a rubric that loadRubric rejected');
  } catch (err) {
    if (valid) throw err;
    checkProblems(err, 's3://config/rubric.yaml', text, secrets);
  }
  if (valid) counts.rubricValid += 1;
}

describe('org config fuzzing', () => {
  it('accepts the unmutated demo config', () => {
    expect(() => parseOrgConfig(DEMO_TEXT, 'demo-org.yaml')).not.toThrow();
  });

  it('answers every mutated demo config with a valid config or precise ConfigError problems', () => {
    fc.assert(
      fc.property(mutations, (steps) => {
        const { text, secrets } = mutateYaml(DEMO_TEXT, steps);
        checkOrgText(text, secrets);
      }),
      { numRuns: 1500 * SCALE, seed: SEED },
    );
  });

  it('answers every generated document (any YAML value, or arbitrary text) with valid or precise problems', () => {
    const doc = fc.oneof(
      fc.jsonValue().map((v) => stringify(v)),
      fc.dictionary(fc.constantFrom('organisation', 'rubric', 'settings', 'sources', 'domains', 'networks', 'labs', 'steering', 'extra'), anyValue).map((v) => stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    fc.assert(
      fc.property(doc, (text) => checkOrgText(text, [])),
      { numRuns: 500 * SCALE, seed: SEED + 1 },
    );
  });

  it('ran at least 2,000 org config cases', () => {
    expect(counts.org).toBeGreaterThanOrEqual(2000);
  });
});

describe('rubric fuzzing', () => {
  it('accepts the unmutated default rubric written as YAML', async () => {
    await expect(checkRubricText(RUBRIC_TEXT, [])).resolves.toBeUndefined();
    expect(counts.rubricValid).toBe(1);
  });

  it('answers every mutated rubric file with a valid rubric or precise ConfigError problems', async () => {
    await fc.assert(
      fc.asyncProperty(mutations, async (steps) => {
        const { text, secrets } = mutateYaml(RUBRIC_TEXT, steps);
        await checkRubricText(text, secrets);
      }),
      { numRuns: 1500 * SCALE, seed: SEED + 2 },
    );
  });

  it('answers every generated rubric document with a valid rubric or precise problems', async () => {
    const doc = fc.oneof(
      fc.jsonValue().map((v) => stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(doc, (text) => checkRubricText(text, [])),
      { numRuns: 500 * SCALE, seed: SEED + 3 },
    );
  });

  it('emits no process warning for a rubric text with unknown directives or tags (Lambda reads it from S3)', () => {
    // Found by the fuzzer: the yaml library printed `YAMLWarning` lines with a code frame of the file on stderr.
    const warnings: unknown[] = [];
    const onWarning = (w: unknown): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      for (const text of ['%FUZZ directive\n---\nid: x\n', '!unknown-tag\nid: x\n']) {
        expect(() => parseRubricText(text, 's3://config/rubric.yaml')).toThrow(ConfigError);
      }
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('ran at least 2,000 rubric cases', () => {
    expect(counts.rubric).toBeGreaterThanOrEqual(2000);
  });
});

function runCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, RADAR_DATA_DIR: join(cwd, '.radar'), RADAR_DEBUG: '', NODE_OPTIONS: '--openssl-legacy-provider' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A stack trace line (`    at fn (file:1:2)`) or a Node uncaught-error banner. */
const STACK = /^\s+at .+[:(]|^(?:node:internal|Error:|TypeError:|ReferenceError:|SyntaxError:)/m;

describe('the CLI on fuzzed files', () => {
  it('prints one FILE:LINE:COL line per problem and no stack trace for a sample of broken org configs', async () => {
    const samples = fc.sample(mutations, { numRuns: 6 * SCALE, seed: SEED + 4 });
    for (const [i, steps] of samples.entries()) {
      const caseDir = mkdtempSync(join(dir, `cli-org-${i}-`));
      const { text, secrets } = mutateYaml(DEMO_TEXT, steps);
      writeFileSync(join(caseDir, 'org.yaml'), text);
      const res = await runCli(['validate', '--config', 'org.yaml'], caseDir);
      counts.cli += 1;
      expect(res.stderr).not.toMatch(STACK);
      expect([0, 2]).toContain(res.code);
      if (res.code === 2) {
        for (const line of res.stderr.trim().split('\n')) expect(line).toMatch(/^org\.yaml:\d+:\d+ \S+: \S/);
      }
      for (const s of secrets) expect(res.stdout + res.stderr).not.toContain(s);
    }
  });

  it('prints only problem lines, no YAML library warning, for unknown directives and unresolved tags', async () => {
    // Found by the fuzzer: the yaml library reports these through process.emitWarning, which Node prints on stderr
    // as `(node:PID) [BAD_DIRECTIVE] YAMLWarning: …` with a code frame of the file.
    const caseDir = mkdtempSync(join(dir, 'cli-warning-'));
    writeFileSync(join(caseDir, 'org.yaml'), `%FUZZ directive\n---\n${DEMO_TEXT.replace('organisation:', 'organisation: !custom-tag\n ')}`);
    const res = await runCli(['validate', '--config', 'org.yaml'], caseDir);
    counts.cli += 1;
    expect(res.stderr).not.toMatch(/YAMLWarning|\(node:\d+\)/);
    for (const line of res.stderr.trim().split('\n').filter((l) => l !== '')) expect(line).toMatch(/^org\.yaml:\d+:\d+ \S+: \S/);
  });

  it('reports a broken custom rubric from `radar run` as problem lines without a stack trace', async () => {
    const samples = fc.sample(mutations, { numRuns: 4 * SCALE, seed: SEED + 5 });
    for (const [i, steps] of samples.entries()) {
      const caseDir = mkdtempSync(join(dir, `cli-rubric-${i}-`));
      // A rubric mutation that happens to stay valid is made invalid, so every sample exercises the error path.
      let { text } = mutateYaml(RUBRIC_TEXT, steps);
      if (parseRubricSafe(text)) text = `${text}\nunknownTopLevelKey: 1\n`;
      writeFileSync(join(caseDir, 'custom-rubric.yaml'), text);
      writeFileSync(join(caseDir, 'org.yaml'), DEMO_TEXT.replace(/^rubric: default$/m, 'rubric: ./custom-rubric.yaml'));
      const res = await runCli(['run', '--config', 'org.yaml', '--as-of', '2026-11-23'], caseDir);
      counts.cli += 1;
      expect(res.code).toBe(1);
      expect(res.stderr).not.toMatch(STACK);
      const lines = res.stderr.trim().split('\n');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(/custom-rubric\.yaml:\d+:\d+ \S+: \S/);
    }
  });
});

function parseRubricSafe(text: string): boolean {
  try {
    parseRubricText(text, 'probe');
    return true;
  } catch {
    return false;
  }
}
