import fc from 'fast-check';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';

// Mutations of a valid YAML document, the way people break config files: keys deleted, values of the wrong
// type, unknown (often typo'd) keys, duplicated ids, credentials written inline, and text-level damage that
// leaves the file unparsable. Used by the config and rubric fuzz tests; the generator draws, the test checks.

type Path = Array<string | number>;

/** One mutation step, drawn by fast-check and applied to a parsed document (or to its text). */
export type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'retype'; at: number; value: unknown }
  | { op: 'unknown-key'; at: number; key: string; value: unknown }
  | { op: 'duplicate-id'; from: number; to: number }
  | { op: 'inline-secret'; where: number; secret: string }
  | { op: 'text'; kind: 'delete' | 'insert' | 'truncate' | 'swap-lines' | 'dup-line' | 'indent'; at: number; len: number; char: string };

/** Characters that mean something to YAML, so text damage hits the parser where it hurts. */
const YAML_CHARS = [':', '-', '[', ']', '{', '}', '"', "'", '\t', '&', '*', '!', '%', '@', '`', '|', '>', '#', ',', '?', '\n', ' ', '\u0000', '\ufeff'];

const scalarValue = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', ' ', 'yes', 'no', '~', '0x1F', '1e400', '2026-13-45', 'http://', 'NaN'),
);

/** A value of any YAML type (scalars, lists, small maps). */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalarValue },
  { weight: 1, arbitrary: fc.array(scalarValue, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), scalarValue, { maxKeys: 3 }) },
);

/** Secret-looking values a careless user might paste into the file. */
export const secretValue = fc
  .tuple(fc.constantFrom('ghp_', 'CANARY-', 'xoxb-', 'ATATT3x', 'pw-'), fc.stringMatching(/^[A-Za-z0-9]{16,28}$/))
  .map(([prefix, body]) => `${prefix}${body}`);

/** Keys that look like typos of real ones, or credential fields that must never be inline. */
const unknownKey = fc.oneof(
  fc.constantFrom('nmae', 'idd', 'baseURL', 'tokenEnvv', 'projets', 'repo', 'pods_', 'token', 'password', 'apiKey', 'secret', 'x'),
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,10}$/),
);

/** fast-check arbitrary of a short list of mutations (at least one). */
export const mutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('retype' as const), at: fc.nat(), value: anyValue }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('unknown-key' as const), at: fc.nat(), key: unknownKey, value: anyValue }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate-id' as const), from: fc.nat(), to: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('inline-secret' as const), where: fc.nat(), secret: secretValue }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('text' as const),
        kind: fc.constantFrom('delete', 'insert', 'truncate', 'swap-lines', 'dup-line', 'indent'),
        at: fc.nat(),
        len: fc.integer({ min: 1, max: 40 }),
        char: fc.constantFrom(...YAML_CHARS),
      }),
    },
  ),
  { minLength: 1, maxLength: 4 },
);

function collectPaths(doc: Document): { all: Path[]; maps: Path[]; ids: Path[] } {
  const all: Path[] = [];
  const maps: Path[] = [];
  const ids: Path[] = [];
  const walk = (node: unknown, path: Path): void => {
    if (isMap(node)) {
      maps.push(path);
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof key !== 'string' && typeof key !== 'number') continue;
        const child = [...path, key];
        all.push(child);
        if (key === 'id') ids.push(child);
        walk(pair.value, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const child = [...path, i];
        all.push(child);
        walk(item, child);
      });
    }
  };
  walk(doc.contents, []);
  return { all, maps, ids };
}

/** Where an inline secret goes in an org config: fields that must hold env var NAMES, or credential keys. */
const ORG_SECRET_SPOTS: Array<(s: string) => { path: Path; value: string }> = [
  (s) => ({ path: ['sources', 'github', 'auth', 'token'], value: s }),
  (s) => ({ path: ['sources', 'github', 'auth', 'tokenEnv'], value: s }),
  (s) => ({ path: ['sources', 'jira', 'auth', 'password'], value: s }),
  (s) => ({ path: ['sources', 'jira', 'auth', 'apiToken'], value: s }),
  (s) => ({ path: ['sources', 'mlflow', 'auth', 'passwordEnv'], value: s }),
  (s) => ({ path: ['sources', 'jira', 'baseUrl'], value: `https://radar:${s}@acme.atlassian.net` }),
  (s) => ({ path: ['sources', 'mlflow', 'baseUrl'], value: `http://127.0.0.1:4103/?token=${s}` }),
  (s) => ({ path: ['settings', 'actorHashKey'], value: s }),
];

/** Applies mutations to YAML text; returns the damaged text and the secret values it injected. */
export function mutateYaml(base: string, steps: readonly Mutation[]): { text: string; secrets: string[] } {
  const doc = parseDocument(base);
  const secrets: string[] = [];
  const textSteps: Array<Extract<Mutation, { op: 'text' }>> = [];
  for (const step of steps) {
    const { all, maps, ids } = collectPaths(doc);
    // The generator may ask for a path that an earlier step removed; that only makes the step a no-op. The
    // yaml library throws for some impossible edits (e.g. setIn through a scalar): also a no-op, not a finding.
    try {
      switch (step.op) {
        case 'delete': {
          const p = all[step.at % Math.max(1, all.length)];
          if (p) doc.deleteIn(p);
          break;
        }
        case 'retype': {
          const p = all[step.at % Math.max(1, all.length)];
          if (p) doc.setIn(p, doc.createNode(step.value));
          break;
        }
        case 'unknown-key': {
          const p = maps[step.at % Math.max(1, maps.length)];
          if (p) doc.setIn([...p, step.key], doc.createNode(step.value));
          break;
        }
        case 'duplicate-id': {
          const from = ids[step.from % Math.max(1, ids.length)];
          const to = ids[step.to % Math.max(1, ids.length)];
          if (from && to) doc.setIn(to, doc.getIn(from));
          break;
        }
        case 'inline-secret': {
          const spot = ORG_SECRET_SPOTS[step.where % ORG_SECRET_SPOTS.length];
          if (spot) {
            const { path, value } = spot(step.secret);
            doc.setIn(path, value);
            secrets.push(step.secret);
          }
          break;
        }
        case 'text':
          textSteps.push(step);
          break;
      }
    } catch {
      // see above
    }
  }
  let text = doc.toString();
  for (const t of textSteps) text = damageText(text, t);
  return { text, secrets };
}

function damageText(text: string, t: Extract<Mutation, { op: 'text' }>): string {
  if (text.length === 0) return t.char;
  const at = t.at % text.length;
  const lines = text.split('\n');
  const li = t.at % lines.length;
  switch (t.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + t.len);
    case 'insert':
      return text.slice(0, at) + t.char.repeat(1 + (t.len % 3)) + text.slice(at);
    case 'truncate':
      return text.slice(0, at);
    case 'swap-lines': {
      const lj = (li + 1 + (t.len % 5)) % lines.length;
      const a = lines[li] ?? '';
      lines[li] = lines[lj] ?? '';
      lines[lj] = a;
      return lines.join('\n');
    }
    case 'dup-line':
      lines.splice(li, 0, lines[li] ?? '');
      return lines.join('\n');
    case 'indent':
      lines[li] = `${' '.repeat(1 + (t.len % 4))}${lines[li] ?? ''}`;
      return lines.join('\n');
  }
}
