import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** A path into the parsed document: mapping keys and list indices, as zod reports them. */
export type ConfigPath = readonly (string | number)[];

/** Where a problem points: the key of the last path segment (unknown keys) or its value (wrong values). */
export type ProblemAnchor = 'key' | 'value';

/** A 1-based line and column in the config text. */
export interface TextPosition {
  line: number;
  col: number;
}

interface Walked {
  /** True when every path segment exists in the document. */
  found: boolean;
  /** The deepest node reached: the target value when found, else the closest existing ancestor. */
  node: Node | null;
  /** The key node of the last segment (only when found and the parent is a mapping). */
  key: Node | null;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function walk(doc: Document, path: ConfigPath): Walked {
  let node = doc.contents as Node | null;
  let key: Node | null = null;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (pair === undefined) return { found: false, node, key: null };
      key = (pair.key as Node | null) ?? null;
      // `name:` with nothing after it has no value node; the key is then the best place to point.
      node = (pair.value as Node | null) ?? null;
      if (node === null) return { found: true, node: key, key };
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (item === undefined) return { found: false, node, key: null };
      node = item;
      key = null;
    } else {
      return { found: false, node, key: null };
    }
  }
  return { found: true, node, key };
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && (node.source === '' || node.source === undefined);
}

/**
 * Maps a document path to a line and column: the value node (or, for `key` anchors, the key node) when the path
 * exists; for a missing field, the parent mapping that should have held it; 1:1 when the document is empty.
 */
export function locatePath(doc: Document, counter: LineCounter, path: ConfigPath, anchor: ProblemAnchor): TextPosition {
  const w = walk(doc, path);
  let target: Node | null = w.node;
  if (w.found && w.key !== null && (anchor === 'key' || (target !== null && isEmptyScalar(target)))) target = w.key;
  const offset = target?.range?.[0];
  if (offset === undefined) return { line: 1, col: 1 };
  return counter.linePos(offset);
}
