import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/kernel/index.js';
import { loadOrgConfig } from '../../../shared/org/index.js';

const demoFile = fileURLToPath(new URL('../../../shared/sandbox/demo-org.yaml', import.meta.url));

describe('loadOrgConfig', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radar-org-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the demo organisation with its units and bindings listed', async () => {
    const org = await loadOrgConfig(demoFile);
    expect(org.file).toBe(demoFile);
    expect(org.config.organisation.id).toBe('acme');
    expect(org.units).toHaveLength(26);
    expect(org.bindings).toHaveLength(67); // 65 unit × source bindings, org/mlflow and org/copilot
  });

  it('returns frozen units and bindings', async () => {
    const org = await loadOrgConfig(demoFile);
    expect(Object.isFrozen(org.units)).toBe(true);
    expect(Object.isFrozen(org.bindings[0])).toBe(true);
  });

  it('reports a missing file as a problem at line 1 of that file', async () => {
    const file = join(dir, 'absent.yaml');
    await expect(loadOrgConfig(file)).rejects.toThrow(ConfigError);
    await expect(loadOrgConfig(file)).rejects.toMatchObject({
      problems: [{ file, line: 1, col: 1, path: '(file)', reason: 'cannot read file: ENOENT: no such file or directory' }],
    });
  });

  it('names the file as given by the caller in every problem', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'organisation: {id: acme}\n');
    const err: unknown = await loadOrgConfig(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.length).toBeGreaterThan(1);
    expect(problems.every((p) => p.file === file)).toBe(true);
  });
});
