import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actorHasher } from '../../../../shared/kernel/index.js';
import type { RawPage } from '../../../../shared/sources/contract.js';
import { NormaliseError } from '../../../../shared/sources/errors.js';
import { normaliseMlflowPage } from '../../../../shared/sources/mlflow/index.js';

// Fixture pairs: test/fixtures/mlflow/<case>.raw.json (a raw page as the connector hands it on) →
// <case>.expected.json (the activities). Regenerating an expected file is a reviewed change, never automatic.

const dir = new URL('../../../fixtures/mlflow/', import.meta.url);
const ctx = {
  binding: { id: 'pod:recsys/mlflow', unit: 'pod:recsys', source: 'mlflow' as const },
  rawKey: 'raw/mlflow/pod_recsys_mlflow/run-1/0.json.gz',
  hashActor: actorHasher('fixture-key'),
  baseUrl: 'https://mlflow.acme.example',
};
const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));

describe('normaliseMlflowPage fixture pairs', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.raw.json'))) {
    const name = file.replace('.raw.json', '');
    it(`turns ${name} into the expected activities`, () => {
      expect(normaliseMlflowPage(read(file) as RawPage, ctx)).toEqual(read(`${name}.expected.json`));
    });
  }

  it('throws NormaliseError for a runs page whose runs are not a list', () => {
    const page = { ...(read('runs-page.raw.json') as RawPage), body: { runs: { run_id: "x" } } };
    expect(() => normaliseMlflowPage(page, ctx)).toThrow(NormaliseError);
  });

  it('throws NormaliseError for a stream it does not know', () => {
    const page = { ...(read('runs-page.raw.json') as RawPage), stream: 'artifacts' };
    expect(() => normaliseMlflowPage(page, ctx)).toThrow(NormaliseError);
  });

  it('is pure: the same page gives the same activities twice and is not modified', () => {
    const page = read('runs-page.raw.json') as RawPage;
    const before = JSON.stringify(page);
    expect(normaliseMlflowPage(page, ctx)).toEqual(normaliseMlflowPage(page, ctx));
    expect(JSON.stringify(page)).toBe(before);
  });
});
