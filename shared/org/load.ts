import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigProblem } from '../kernel/index.js';
import type { OrgConfig } from './schema.js';
import { listBindings, listUnits, type Binding, type Unit } from './units.js';
import { validateOrgConfig } from './validate.js';
import { locatePath } from './yaml-locate.js';

// The org config loader: YAML text → frozen, typed OrgConfig, or a ConfigError listing every problem as
// FILE:LINE:COL. The YAML is parsed with node ranges kept (parseDocument + LineCounter) so that problems found
// on plain data (by zod or by the whole-document rules) can be mapped back to the offending node.

/** An org config read from a file, with its units and unit × source bindings listed once. */
export interface LoadedOrg {
  /** The file name as given by the caller (problems and messages use it verbatim). */
  file: string;
  config: OrgConfig;
  units: readonly Unit[];
  bindings: readonly Binding[];
}

/** Reads, parses and validates an org config file; throws ConfigError with every problem found. */
export async function loadOrgConfig(file: string): Promise<LoadedOrg> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ file, line: 1, col: 1, path: '(file)', reason: `cannot read file: ${describeFsError(err)}` }], err);
  }
  const config = parseOrgConfig(text, file);
  return deepFreeze({ file, config, units: listUnits(config), bindings: listBindings(config) });
}

/** Parses and validates org config YAML text (pure); `file` names it in problems. Throws ConfigError. */
export function parseOrgConfig(text: string, file: string): OrgConfig {
  const result = checkOrgConfigText(text, file);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.config;
}

/** Like parseOrgConfig but returns the problems instead of throwing (for `radar validate --json`). */
export function checkOrgConfigText(
  text: string,
  file: string,
): { ok: true; config: OrgConfig } | { ok: false; problems: ConfigProblem[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length > 0) {
    // Syntax errors make the rest of the tree unreliable, so they are reported alone.
    const problems = doc.errors.map((e): ConfigProblem => {
      const pos = e.linePos?.[0] ?? counter.linePos(e.pos[0]);
      return { file, line: pos.line, col: pos.col, path: '(yaml)', reason: `YAML syntax error: ${plainYamlMessage(e.message)}` };
    });
    return { ok: false, problems: sortProblems(problems) };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // e.g. an alias that expands into a huge document, or an unresolved alias.
    const reason = `YAML cannot be read: ${err instanceof Error ? plainYamlMessage(err.message) : String(err)}`;
    return { ok: false, problems: [{ file, line: 1, col: 1, path: '(yaml)', reason }] };
  }
  const validation = validateOrgConfig(data);
  if (validation.ok) return { ok: true, config: deepFreeze(validation.config) };
  const problems = validation.problems.map((p): ConfigProblem => {
    const pos = locatePath(doc, counter, p.path, p.at);
    let reason = p.reason;
    if (p.firstAt !== undefined) reason += `; first defined at line ${locatePath(doc, counter, p.firstAt, 'value').line}`;
    return { file, line: pos.line, col: pos.col, path: p.path.join('.'), reason };
  });
  return { ok: false, problems: sortProblems(problems) };
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.col - b.col || a.path.localeCompare(b.path));
}

/** The yaml library appends " at line L, column C:" and a code frame; the position is printed separately. */
function plainYamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+[\s\S]*$/, '').trim();
}

function describeFsError(err: unknown): string {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') {
    const known: Record<string, string> = {
      ENOENT: 'no such file or directory',
      EACCES: 'permission denied',
      EISDIR: 'is a directory, not a file',
      ENOTDIR: 'a parent of the path is not a directory',
    };
    return `${err.code}: ${known[err.code] ?? err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Config is read once and shared by every step; freezing makes an accidental mutation fail loudly. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
