import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// GitHub's own OpenAPI description of api.github.com (npm @octokit/openapi, generated/api.github.com.json, an
// OpenAPI 3.0.3 document) compiled with ajv 8 (+ ajv-formats for date-time, uri, email…). Each response the
// connector reads is matched to its operation by path template and checked against that operation's response
// schema for the status it came with.

const require = createRequire(import.meta.url);
const SPEC_ID = 'https://api.github.com/openapi.json';

interface ResponseSpec {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
}

interface Spec {
  paths: Record<string, Record<string, { operationId?: string; responses: Record<string, ResponseSpec> }>>;
  components: { responses: Record<string, ResponseSpec> };
}

let ajv: Ajv | undefined;
let spec: Spec | undefined;
const compiled = new Map<string, ValidateFunction>();

function load(): { ajv: Ajv; spec: Spec } {
  if (!ajv || !spec) {
    spec = openApi30ToJsonSchema(structuredClone(require('@octokit/openapi/generated/api.github.com.json'))) as Spec;
    // The document's event payload is a `oneOf` whose `public-event` member is a bare `{type: object}`: every payload
    // matches it plus its own type, so no real event could pass "exactly one". Read as `anyOf` (its evident intent).
    const payload = (spec as unknown as { components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> } })
      .components.schemas.event?.properties.payload;
    if (payload?.oneOf) {
      payload.anyOf = payload.oneOf;
      delete payload.oneOf;
    }
    // strict off: the document carries OpenAPI keywords (example, x-github, discriminator) ajv does not know.
    ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    ajv.addSchema(spec as object, SPEC_ID);
  }
  return { ajv, spec };
}

/**
 * OpenAPI 3.0's `nullable: true` is not JSON Schema: ajv accepts it only next to `type`, and GitHub's document also
 * puts it on `$ref`/`allOf`/`anyOf` schemas. Rewrites every nullable schema as `anyOf: [schema, {type: 'null'}]`.
 */
function openApi30ToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openApi30ToJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) out[k] = openApi30ToJsonSchema(v);
  if (out.nullable === true) {
    delete out.nullable;
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/** The spec's path template matching a request path; `/repositories/{id}/…` next links map to `/repos/{owner}/{repo}/…`. */
export function operationPath(path: string): string | null {
  const { spec: s } = load();
  const p = path.replace(/^\/repositories\/\d+(?=\/|$)/, '/repos/o/r');
  const segs = p.split('/');
  for (const template of Object.keys(s.paths)) {
    const t = template.split('/');
    if (t.length !== segs.length) continue;
    if (t.every((part, i) => part.startsWith('{') || part === segs[i])) return template;
  }
  return null;
}

/** The operation of a GET on `path` (e.g. `repos/list-commits`). */
export function operationId(path: string): string | null {
  const template = operationPath(path);
  return template ? (load().spec.paths[template]?.get?.operationId ?? null) : null;
}

/** Validates a response body against the operation's schema for `status`; returns ajv's errors ([] when it fits). */
export function validateResponse(path: string, status: number, body: unknown): ErrorObject[] | 'no-operation' | 'no-schema' {
  const { ajv: a, spec: s } = load();
  const template = operationPath(path);
  if (!template) return 'no-operation';
  const declared = s.paths[template]?.get?.responses[String(status)];
  if (!declared) return 'no-schema';
  // Shared responses (404 not_found, 409 conflict…) are `$ref`s to components/responses.
  const shared = declared.$ref?.replace('#/components/responses/', '');
  const response = shared ? s.components.responses[shared] : declared;
  const hasJson = response?.content?.['application/json']?.schema !== undefined;
  if (!hasJson) return body === null || body === undefined || body === '' ? [] : 'no-schema';
  const pointer = shared
    ? `#/components/responses/${shared}/content/application~1json/schema`
    : `#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/${status}/content/application~1json/schema`;
  const key = `${template} ${status}`;
  let v = compiled.get(key);
  if (!v) {
    v = a.compile({ $ref: `${SPEC_ID}${pointer}` });
    compiled.set(key, v);
  }
  return v(body) ? [] : [...(v.errors ?? [])];
}
