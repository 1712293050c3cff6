import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { ConfigError } from '../kernel/index.js';
import type { ConfigProblem } from '../kernel/index.js';
import { defaultRubric } from './index.js';
import { parseRubric } from './schema.js';
import type { Rubric } from './schema.js';

// The only file in shared/rubric that does I/O. It is deliberately not exported from ./index.ts, so scoring and
// signals never import node:fs; the pipeline and CLI import it directly.

/**
 * Resolves the org config's `rubric` setting: `default` gives the built-in rubric; anything else is a YAML or JSON
 * file path relative to the config file, validated by the same schema (ConfigError with line:col per problem).
 */
export async function loadRubric(setting: string, configFile: string): Promise<Rubric> {
  if (setting === 'default') return defaultRubric;
  const file = resolve(dirname(configFile), setting);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const problem: ConfigProblem = { file, line: 1, col: 1, path: '', reason: 'cannot read the rubric file' };
    throw new ConfigError([problem], cause);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, col: pos.col, path: '', reason: e.message.split('\n')[0] ?? 'invalid YAML' };
      }),
    );
  }
  const parsed = parseRubric(doc.toJS(), file, (path) => {
    // Point at the deepest node that exists on the path, so a missing key points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]);
    }
    return { line: 1, col: 1 };
  });
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  return parsed.rubric;
}
