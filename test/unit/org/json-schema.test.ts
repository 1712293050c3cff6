import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ORG_CONFIG_JSON_SCHEMA_FILE,
  buildOrgConfigJsonSchema,
  renderOrgConfigJsonSchema,
} from '../../../shared/org/write-json-schema.js';

const demoFile = fileURLToPath(new URL('../../../shared/sandbox/demo-org.yaml', import.meta.url));

describe('org config JSON Schema', () => {
  it('is committed exactly as the zod schema generates it (run `npx tsx shared/org/write-json-schema.ts` if not)', () => {
    expect(readFileSync(ORG_CONFIG_JSON_SCHEMA_FILE, 'utf8')).toBe(renderOrgConfigJsonSchema());
  });

  it('rejects unknown top-level keys the way the loader does', () => {
    const schema = buildOrgConfigJsonSchema();
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['organisation', 'sources', 'domains']);
  });

  it('is referenced by the first line of the demo config for yaml-language-server', () => {
    const firstLine = readFileSync(demoFile, 'utf8').split('\n')[0];
    expect(firstLine).toBe('# yaml-language-server: $schema=../org/org-config.schema.json');
  });
});
