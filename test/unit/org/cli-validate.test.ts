import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs the real `radar` entry point (bin.js → tsx → main) the way a user or CI does.
const root = fileURLToPath(new URL('../../../', import.meta.url));

function radar(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['shared/cli/bin.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('radar validate', { timeout: 60_000 }, () => {
  it('exits 0 and prints the unit and binding counts for the demo config', () => {
    const r = radar('validate', '--config', 'shared/sandbox/demo-org.yaml');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('shared/sandbox/demo-org.yaml: ok (26 units, 67 bindings)\n');
  });

  it('exits 2 and prints one FILE:LINE:COL line per problem on stderr for a bad file', () => {
    const r = radar('validate', '--config', 'test/fixtures/config/unknown-network-member.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'test/fixtures/config/unknown-network-member.yaml:34:23 networks.0.members.1: `chrun` is not a known pod; did you mean `churn`?\n',
    );
    expect(r.stdout).toBe('');
  });

  it('exits 2 with a line at 1:1 when the file does not exist, without a stack trace', () => {
    const r = radar('validate', '--config', 'test/fixtures/config/no-such-file.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'test/fixtures/config/no-such-file.yaml:1:1 (file): cannot read file: ENOENT: no such file or directory\n',
    );
  });

  it('prints ok and problems as JSON with --json and keeps exit code 2 for a bad file', () => {
    const r = radar('validate', '--config', 'test/fixtures/config/missing-field.yaml', '--json');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: false,
      file: 'test/fixtures/config/missing-field.yaml',
      problems: [
        {
          file: 'test/fixtures/config/missing-field.yaml',
          line: 28,
          col: 9,
          path: 'domains.0.pods.1.name',
          reason: 'missing required field `name`',
        },
      ],
    });
  });

  it('exits 2 when --config is not given', () => {
    const r = radar('validate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("required option '-c, --config <file>' not specified");
  });

  it('describes itself with an example under --help and exits 0', () => {
    const r = radar('validate', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: radar validate [options]');
    expect(r.stdout).toContain('FILE:LINE:COL path.to.field: reason');
    expect(r.stdout).toContain('$ radar validate --config shared/sandbox/demo-org.yaml');
  });

  it('is listed with a summary in radar --help', () => {
    const r = radar('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/validate \[options\]\s+check an org config file/);
  });
});
