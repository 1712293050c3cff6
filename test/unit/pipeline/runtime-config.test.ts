import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultRubric } from '../../../shared/rubric/index.js';
import { DEPLOY_TIME_SETTINGS, loadRuntimeConfig } from '../../../shared/pipeline/index.js';
import { DEMO_ORG_FILE } from '../../../shared/sandbox/index.js';

// One runtime configuration for the CLI (org YAML from a file) and Lambda (org YAML from the data bucket).

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** An in-memory bucket standing in for S3 reads (keys → text). */
function bucketOf(objects: Record<string, string>) {
  return async (_bucket: string, key: string): Promise<string> => {
    const text = objects[key];
    if (text === undefined) throw new Error(`no object ${key}`);
    return text;
  };
}

describe('the runtime configuration', () => {
  it('reads the same org and settings from a file and from S3, frozen', async () => {
    const text = await readFile(DEMO_ORG_FILE, 'utf8');
    const fromFile = await loadRuntimeConfig({ at: { kind: 'file', path: DEMO_ORG_FILE }, env: {} });
    const fromS3 = await loadRuntimeConfig({
      at: { kind: 's3', bucket: 'b', key: 'config/org.yaml' }, env: {}, readS3: bucketOf({ 'config/org.yaml': text }),
    });
    expect(fromS3.org).toEqual(fromFile.org);
    expect(fromS3.maxConcurrency).toBe(fromFile.org.settings.maxConcurrency);
    expect(Object.isFrozen(fromS3)).toBe(true);
  });

  it('honours the org YAML rubric in S3, resolved next to the config key', async () => {
    const org = (await readFile(DEMO_ORG_FILE, 'utf8')).replace(/^rubric:.*$/m, '') + '\nrubric: rubric.yaml\n';
    const config = await loadRuntimeConfig({
      at: { kind: 's3', bucket: 'b', key: 'config/org.yaml' }, env: {},
      readS3: bucketOf({ 'config/org.yaml': org, 'config/rubric.yaml': stringify({ ...defaultRubric, version: '2099-01' }) }),
    });
    expect(config.rubric.version).toBe('2099-01');
  });

  it('refuses a rubric path that leaves config/, naming the key', async () => {
    const org = (await readFile(DEMO_ORG_FILE, 'utf8')).replace(/^rubric:.*$/m, '') + '\nrubric: ../raw/rubric.yaml\n';
    await expect(
      loadRuntimeConfig({ at: { kind: 's3', bucket: 'b', key: 'config/org.yaml' }, env: {}, readS3: bucketOf({ 'config/org.yaml': org }) }),
    ).rejects.toMatchObject({ problems: [{ path: 'rubric', reason: expect.stringMatching(/raw\/rubric\.yaml, outside config\//) as unknown }] });
  });

  it('lists run-time and deploy-time settings in `radar validate --json`', () => {
    const r = spawnSync(process.execPath, ['shared/cli/bin.js', 'validate', '--config', 'shared/sandbox/demo-org.yaml', '--json'], {
      cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000,
    });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { settings: { runTime: string[]; deployTime: Record<string, string>; maxConcurrency: number } };
    expect(out.settings.runTime).toContain('settings.maxConcurrency');
    expect(out.settings.runTime).toContain('rubric');
    expect(Object.keys(out.settings.deployTime)).toEqual(Object.keys(DEPLOY_TIME_SETTINGS));
    expect(out.settings.deployTime).toHaveProperty('schedule');
    expect(out.settings.deployTime).not.toHaveProperty('maxConcurrency');
  }, 60_000);
});
