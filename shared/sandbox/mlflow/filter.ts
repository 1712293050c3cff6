import { RadarError } from '../../kernel/index.js';

// MLflow's search filter grammar, the part connectors and users write: clauses joined by AND (MLflow has no OR),
// `entity.key OP value` with entities attributes/metrics/params/tags (backticks quote keys with dots), values
// as numbers, quoted strings or ('a', 'b') lists, operators = != < <= > >= LIKE ILIKE IN NOT IN.

/** An invalid filter or order_by; answered as INVALID_PARAMETER_VALUE (400). */
export class MlflowFilterError extends RadarError {
  constructor(message: string) {
    super({ code: 'INVALID_PARAMETER_VALUE', reason: message, source: 'mlflow' });
  }
}

export type Entity = 'attribute' | 'metric' | 'param' | 'tag';

export interface Clause {
  entity: Entity;
  key: string;
  op: string;
  value: string | number | (string | number)[];
}

const ENTITY_PREFIX: Record<string, Entity> = {
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
};

type Tok = { t: 'id' | 'str' | 'num' | 'op' | 'punct'; v: string };

function tokenise(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      out.push({ t: 'punct', v: ch });
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      // As MLflow's parser (sqlparse) reads a quoted string: a backslash-escaped or doubled quote stays inside it,
      // and MLflow then only trims the outer quotes, unescaping nothing (`'it\'s'` is the value `it\'s`).
      let j = i + 1;
      for (; j < s.length; j++) {
        if (s[j] === '\\') j++;
        else if (s[j] === ch && s[j + 1] === ch) j++;
        else if (s[j] === ch) break;
      }
      if (j >= s.length) throw new MlflowFilterError(`Invalid filter '${s}'. Unterminated string.`);
      out.push({ t: 'str', v: s.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const op = ['>=', '<=', '!=', '=', '>', '<'].find((o) => s.startsWith(o, i));
    if (op) {
      out.push({ t: 'op', v: op });
      i += op.length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(s.slice(i));
    if (num && (out.length === 0 || out[out.length - 1]?.t !== 'id' || out[out.length - 1]?.v.endsWith('.'))) {
      out.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    // An identifier: dotted, with backtick-quoted parts (tags.`mlflow.source.type`).
    let j = i;
    let v = '';
    while (j < s.length && !/[\s()=!<>,'"]/.test(s[j] as string)) {
      if (s[j] === '`') {
        const k = s.indexOf('`', j + 1);
        if (k === -1) throw new MlflowFilterError(`Invalid filter '${s}'. Unterminated backtick.`);
        v += s.slice(j + 1, k);
        j = k + 1;
      } else {
        v += s[j];
        j++;
      }
    }
    if (j === i) throw new MlflowFilterError(`Invalid filter '${s}'. Unexpected character '${ch}'.`);
    out.push({ t: 'id', v });
    i = j;
  }
  return out;
}

/** Parses an MLflow filter string; `bareIsAttribute` lets `name = 'x'` mean an attribute (registry searches). */
export function parseFilter(filter: string | undefined, bareIsAttribute: boolean): Clause[] {
  if (filter === undefined || filter.trim() === '') return [];
  const toks = tokenise(filter);
  const clauses: Clause[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new MlflowFilterError(`Invalid filter '${filter}'. ${why}`);
  };
  for (;;) {
    const id = toks[i++];
    if (!id || id.t !== 'id') fail('Expected an identifier.');
    const raw = (id as Tok).v;
    const dot = raw.indexOf('.');
    let entity: Entity;
    let key: string;
    const prefix = dot === -1 ? undefined : ENTITY_PREFIX[raw.slice(0, dot).toLowerCase()];
    if (prefix !== undefined) {
      entity = prefix;
      key = raw.slice(dot + 1);
    } else if (bareIsAttribute) {
      entity = 'attribute';
      key = raw;
    } else {
      fail(`Invalid entity type '${raw.split('.')[0]}'. Valid values are ['metric', 'parameter', 'tag', 'attribute'].`);
    }
    let op: string;
    const optok = toks[i++];
    if (optok?.t === 'op') op = optok.v;
    else if (optok?.t === 'id' && /^(i?like|in)$/i.test(optok.v)) op = optok.v.toUpperCase();
    else if (optok?.t === 'id' && optok.v.toUpperCase() === 'NOT' && toks[i]?.v.toUpperCase() === 'IN') {
      i++;
      op = 'NOT IN';
    } else op = fail(`Invalid comparator '${optok?.v ?? ''}'.`);
    let value: Clause['value'];
    if (op === 'IN' || op === 'NOT IN') {
      if (toks[i]?.v !== '(') fail('Expected a parenthesised list after IN.');
      i++;
      const list: (string | number)[] = [];
      for (;;) {
        const v = toks[i++];
        if (!v || (v.t !== 'str' && v.t !== 'num')) fail('Expected a value in the IN list.');
        list.push((v as Tok).t === 'num' ? Number((v as Tok).v) : (v as Tok).v);
        const sep = toks[i++];
        if (sep?.v === ',') continue;
        if (sep?.v === ')') break;
        fail("Expected ',' or ')' in the IN list.");
      }
      value = list;
    } else {
      const v = toks[i++];
      if (!v || (v.t !== 'str' && v.t !== 'num')) fail('Expected a quoted string or a number value.');
      value = (v as Tok).t === 'num' ? Number((v as Tok).v) : (v as Tok).v;
    }
    clauses.push({ entity: entity!, key: key!, op, value });
    if (i >= toks.length) break;
    const and = toks[i++];
    if (!(and?.t === 'id' && and.v.toUpperCase() === 'AND')) fail(`Expected 'AND' but got '${and?.v ?? ''}'.`);
  }
  return clauses;
}

function likeToRegExp(pattern: string, flags: string): RegExp {
  const esc = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${esc}$`, flags);
}

/** Compares one value with a clause's operator, the way MLflow's file and SQL stores do. */
export function matches(actual: string | number | null | undefined, c: Clause): boolean {
  if (actual === null || actual === undefined) return c.op === '!=' || c.op === 'NOT IN';
  const v = c.value;
  switch (c.op) {
    case '=':
      return actual === v || String(actual) === String(v);
    case '!=':
      return String(actual) !== String(v);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const a = Number(actual);
      const b = Number(v);
      if (typeof v !== 'number') throw new MlflowFilterError(`Invalid filter: comparator '${c.op}' needs a numeric value for '${c.key}'.`);
      return c.op === '<' ? a < b : c.op === '<=' ? a <= b : c.op === '>' ? a > b : a >= b;
    }
    case 'LIKE':
      return likeToRegExp(String(v), '').test(String(actual));
    case 'ILIKE':
      return likeToRegExp(String(v), 'i').test(String(actual));
    case 'IN':
      return Array.isArray(v) && v.some((x) => String(x) === String(actual));
    case 'NOT IN':
      return Array.isArray(v) && !v.some((x) => String(x) === String(actual));
    default:
      return false;
  }
}

/** Parses `order_by` entries like `attributes.start_time DESC` or `name ASC`. */
export function parseOrderBy(entries: string[], bareIsAttribute: boolean): { entity: Entity; key: string; desc: boolean }[] {
  return entries.map((e) => {
    const m = /^\s*(.+?)(?:\s+(ASC|DESC))?\s*$/i.exec(e);
    if (!m) throw new MlflowFilterError(`Invalid order_by clause '${e}'.`);
    const raw = (m[1] as string).replace(/`/g, '');
    const dot = raw.indexOf('.');
    const prefix = dot === -1 ? undefined : ENTITY_PREFIX[raw.slice(0, dot).toLowerCase()];
    if (prefix === undefined && !bareIsAttribute) throw new MlflowFilterError(`Invalid order_by clause '${e}'.`);
    return { entity: prefix ?? 'attribute', key: prefix ? raw.slice(dot + 1) : raw, desc: (m[2] ?? 'ASC').toUpperCase() === 'DESC' };
  });
}
