import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod';
import { orgConfigSchema } from './schema.js';

// Generates shared/org/org-config.schema.json from the zod schema, so editors (yaml-language-server) complete
// and check org config files while they are typed. The zod schema stays the single source of truth; a unit
// test fails when the committed file is stale. Regenerate with: npx tsx shared/org/write-json-schema.ts

/** Where the generated JSON Schema is committed. */
export const ORG_CONFIG_JSON_SCHEMA_FILE = fileURLToPath(new URL('./org-config.schema.json', import.meta.url));

/** Builds the JSON Schema (draft-07, which yaml-language-server supports fully) of what a config file may contain. */
export function buildOrgConfigJsonSchema(): Record<string, unknown> {
  // `io: 'input'` describes the file as written: fields with defaults are optional there. Cross-reference rules
  // (unique ids, known members, inline secrets) cannot be expressed here; `radar validate` checks them.
  const generated = z.toJSONSchema(orgConfigSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'AI Maturity Radar organisation config',
    description:
      'Pods, domains, capability networks, innovation labs and the steering group, with their Jira, GitHub and ' +
      'MLflow bindings. Credentials are NAMES of environment variables, never the secrets. Check with `radar validate`.',
    ...rest,
  };
}

/** Renders the JSON Schema exactly as committed (2-space indent, trailing newline). */
export function renderOrgConfigJsonSchema(): string {
  return `${JSON.stringify(buildOrgConfigJsonSchema(), null, 2)}\n`;
}

/** Writes the JSON Schema file; returns its path. */
export async function writeOrgConfigJsonSchema(file: string = ORG_CONFIG_JSON_SCHEMA_FILE): Promise<string> {
  await writeFile(file, renderOrgConfigJsonSchema(), 'utf8');
  return file;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`wrote ${await writeOrgConfigJsonSchema()}\n`);
}
