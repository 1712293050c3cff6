import { RadarError } from '../../kernel/index.js';
import { JIRA_STATUSES, type JiraIssue } from './world.js';

// A JQL subset, enough for what connectors send and what users put in bindings: project, key, id, created,
// updated, resolved, issuetype, labels, status, statusCategory, parent; = != > >= < <= IN, NOT IN, IS [NOT]
// EMPTY; AND, OR, NOT, parentheses; ORDER BY up to 7 fields. Error messages follow Jira Cloud's wording so that
// clients see the same 400 bodies they would in production.

/** A JQL problem; `message` is the exact text Jira puts in `errorMessages`. */
export class JqlError extends RadarError {
  constructor(message: string) {
    super({ code: 'JQL_INVALID', reason: message, source: 'jira' });
  }
}

/** JQL with no search restriction; Jira's enhanced search refuses it. */
export class UnboundedJqlError extends RadarError {
  constructor() {
    super({
      code: 'JQL_UNBOUNDED',
      reason: 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
      source: 'jira',
    });
  }
}

type Token =
  | { t: 'word'; v: string; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'punct'; v: '(' | ')' | ','; pos: number };

export type Predicate = (issue: JiraIssue, now: Date) => boolean;

export interface OrderField {
  field: string;
  desc: boolean;
}

export interface ParsedJql {
  where: Predicate | null;
  orderBy: OrderField[];
  /** Project keys the query names (for "does not exist" checks). */
  projects: string[];
}

const OPS = ['>=', '<=', '!=', '!~', '=', '>', '<', '~'];
const VALID_OPERATORS =
  "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

function tokenise(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      out.push({ t: 'punct', v: ch, pos: i });
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let v = '';
      while (j < src.length && src[j] !== ch) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        v += src[j];
        j++;
      }
      if (j >= src.length) throw new JqlError(`Error in the JQL Query: The quoted string '${v}' has not been completed. (line 1, character ${i + 1})`);
      out.push({ t: 'str', v, pos: i });
      i = j + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ t: 'op', v: op, pos: i });
      i += op.length;
      continue;
    }
    const m = /^[^\s()",'=!<>~]+/.exec(src.slice(i));
    if (!m) throw new JqlError(`Error in the JQL Query: The character '${ch}' is a reserved JQL character. (line 1, character ${i + 1})`);
    out.push({ t: 'word', v: m[0], pos: i });
    i += m[0].length;
  }
  return out;
}

const FIELD_ALIASES: Record<string, string> = {
  project: 'project',
  key: 'key',
  issuekey: 'key',
  id: 'id',
  created: 'created',
  createddate: 'created',
  updated: 'updated',
  updateddate: 'updated',
  resolved: 'resolved',
  resolutiondate: 'resolved',
  issuetype: 'issuetype',
  type: 'issuetype',
  labels: 'labels',
  status: 'status',
  statuscategory: 'statuscategory',
  parent: 'parent',
};

const DATE_FIELDS = new Set(['created', 'updated', 'resolved']);

/** Parses a JQL date value in the sandbox's UTC time zone: absolute formats and relative periods like `-7d`. */
export function parseJqlDate(field: string, v: string, now: Date): number {
  const abs = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(v.trim());
  if (abs) {
    const [, y, mo, d, h, mi] = abs;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0));
    const check = new Date(ms);
    if (check.getUTCMonth() === Number(mo) - 1 && check.getUTCDate() === Number(d)) return ms;
  }
  const rel = /^([-+]?)((?:\d+[wdhm]\s*)+)$/.exec(v.trim());
  if (rel) {
    const unit: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 };
    let total = 0;
    for (const part of (rel[2] as string).matchAll(/(\d+)([wdhm])/g)) total += Number(part[1]) * (unit[part[2] as string] as number);
    return now.getTime() + (rel[1] === '-' ? -total : total);
  }
  throw new JqlError(
    `Date value '${v}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
  );
}

function fieldValues(issue: JiraIssue, field: string): (string | number | null)[] {
  switch (field) {
    case 'project':
      return [issue.projectKey];
    case 'key':
      return [issue.key];
    case 'id':
      return [Number(issue.id)];
    case 'created':
      return [issue.created];
    case 'updated':
      return [issue.updated];
    case 'resolved':
      return [issue.resolved];
    case 'issuetype':
      return [issue.type];
    case 'labels':
      return issue.labels.length ? issue.labels : [null];
    case 'status':
      return [issue.status];
    case 'statuscategory':
      return [JIRA_STATUSES[issue.status].category];
    case 'parent':
      return [issue.parentKey];
    default:
      return [null];
  }
}

const STATUS_CATEGORY_NAMES: Record<string, string> = {
  'to do': 'new',
  new: 'new',
  '2': 'new',
  'in progress': 'indeterminate',
  indeterminate: 'indeterminate',
  '4': 'indeterminate',
  done: 'done',
  complete: 'done',
  '3': 'done',
};

class Parser {
  private i = 0;
  readonly projects: string[] = [];
  constructor(private readonly toks: Token[]) {}

  private peek(): Token | undefined {
    return this.toks[this.i];
  }
  private isWord(v: string, tok = this.peek()): boolean {
    return tok !== undefined && tok.t === 'word' && tok.v.toLowerCase() === v;
  }
  private describe(tok: Token | undefined): string {
    return tok === undefined ? 'the end of the query' : `'${tok.v}'`;
  }
  private where(tok: Token | undefined): string {
    return tok === undefined ? '' : ` (line 1, character ${tok.pos + 1})`;
  }

  parse(): ParsedJql {
    let where: Predicate | null = null;
    if (this.peek() !== undefined && !this.isWord('order')) where = this.orExpr();
    const orderBy: OrderField[] = [];
    if (this.isWord('order')) {
      this.i++;
      if (!this.isWord('by')) {
        const tok = this.peek();
        throw new JqlError(`Error in the JQL Query: Expecting 'by' but got ${this.describe(tok)}.${this.where(tok)}`);
      }
      this.i++;
      for (;;) {
        const tok = this.peek();
        if (tok === undefined || (tok.t !== 'word' && tok.t !== 'str')) {
          throw new JqlError(`Error in the JQL Query: Expecting a field name but got ${this.describe(tok)}.${this.where(tok)}`);
        }
        this.i++;
        const field = this.fieldName(tok.v);
        let desc = false;
        if (this.isWord('asc')) this.i++;
        else if (this.isWord('desc')) {
          desc = true;
          this.i++;
        }
        orderBy.push({ field, desc });
        const next = this.peek();
        if (next?.t === 'punct' && next.v === ',') {
          this.i++;
          continue;
        }
        break;
      }
      if (orderBy.length > 7) throw new JqlError('The ORDER BY clause can not contain more than 7 fields.');
    }
    const rest = this.peek();
    if (rest !== undefined) {
      throw new JqlError(`Error in the JQL Query: Expecting either 'OR' or 'AND' but got ${this.describe(rest)}.${this.where(rest)}`);
    }
    return { where, orderBy, projects: this.projects };
  }

  private orExpr(): Predicate {
    const parts = [this.andExpr()];
    while (this.isWord('or')) {
      this.i++;
      parts.push(this.andExpr());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (x, now) => parts.some((p) => p(x, now));
  }

  private andExpr(): Predicate {
    const parts = [this.unary()];
    while (this.isWord('and')) {
      this.i++;
      parts.push(this.unary());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (x, now) => parts.every((p) => p(x, now));
  }

  private unary(): Predicate {
    const tok = this.peek();
    if (this.isWord('not')) {
      this.i++;
      const inner = this.unary();
      return (x, now) => !inner(x, now);
    }
    if (tok?.t === 'punct' && tok.v === '(') {
      this.i++;
      const inner = this.orExpr();
      const close = this.peek();
      if (!(close?.t === 'punct' && close.v === ')')) {
        throw new JqlError(
          close === undefined
            ? "Error in the JQL Query: Expecting ')' before the end of the query."
            : `Error in the JQL Query: Expecting ')' but got ${this.describe(close)}.${this.where(close)}`,
        );
      }
      this.i++;
      return inner;
    }
    return this.clause();
  }

  private fieldName(raw: string): string {
    const f = FIELD_ALIASES[raw.toLowerCase()];
    if (!f) throw new JqlError(`Field '${raw}' does not exist or you do not have permission to view it.`);
    return f;
  }

  private value(): Token {
    const tok = this.peek();
    if (tok === undefined || tok.t === 'op' || tok.t === 'punct') {
      throw new JqlError(
        tok === undefined
          ? 'Error in the JQL Query: Expecting either a value, list or function before the end of the query.'
          : `Error in the JQL Query: Expecting either a value, list or function but got ${this.describe(tok)}.${this.where(tok)}`,
      );
    }
    this.i++;
    return tok;
  }

  private clause(): Predicate {
    const ftok = this.peek();
    if (ftok === undefined || (ftok.t !== 'word' && ftok.t !== 'str')) {
      throw new JqlError(
        ftok === undefined
          ? 'Error in the JQL Query: Expecting a field name before the end of the query.'
          : `Error in the JQL Query: Expecting a field name but got ${this.describe(ftok)}.${this.where(ftok)}`,
      );
    }
    this.i++;
    const field = this.fieldName(ftok.v);
    const optok = this.peek();
    if (this.isWord('in') || this.isWord('not')) {
      const negate = this.isWord('not');
      this.i++;
      if (negate) {
        if (!this.isWord('in')) throw new JqlError(`Error in the JQL Query: Expecting 'IN' but got ${this.describe(this.peek())}.${this.where(this.peek())}`);
        this.i++;
      }
      const open = this.peek();
      if (!(open?.t === 'punct' && open.v === '(')) {
        throw new JqlError(`Error in the JQL Query: Expecting '(' but got ${this.describe(open)}.${this.where(open)}`);
      }
      this.i++;
      const values: string[] = [];
      for (;;) {
        values.push(this.value().v);
        const sep = this.peek();
        if (sep?.t === 'punct' && sep.v === ',') {
          this.i++;
          continue;
        }
        if (sep?.t === 'punct' && sep.v === ')') {
          this.i++;
          break;
        }
        throw new JqlError(
          sep === undefined
            ? "Error in the JQL Query: Expecting ')' before the end of the query."
            : `Error in the JQL Query: Expecting ',' or ')' but got ${this.describe(sep)}.${this.where(sep)}`,
        );
      }
      const tests = values.map((v) => this.matcher(field, '=', v));
      return negate ? (x, now) => !tests.some((t) => t(x, now)) : (x, now) => tests.some((t) => t(x, now));
    }
    if (this.isWord('is')) {
      this.i++;
      let negate = false;
      if (this.isWord('not')) {
        negate = true;
        this.i++;
      }
      if (!this.isWord('empty') && !this.isWord('null')) {
        throw new JqlError(`Error in the JQL Query: Expecting 'EMPTY' or 'NULL' but got ${this.describe(this.peek())}.${this.where(this.peek())}`);
      }
      this.i++;
      return (x) => fieldValues(x, field).every((v) => v === null) !== negate;
    }
    if (optok === undefined || optok.t !== 'op') {
      throw new JqlError(
        optok === undefined
          ? `Error in the JQL Query: Expecting operator before the end of the query. ${VALID_OPERATORS}`
          : `Error in the JQL Query: Expecting operator but got ${this.describe(optok)}. ${VALID_OPERATORS}${this.where(optok)}`,
      );
    }
    this.i++;
    if (optok.v === '~' || optok.v === '!~') {
      throw new JqlError(`The operator '${optok.v}' is not supported by the '${ftok.v}' field.`);
    }
    const v = this.value().v;
    return this.matcher(field, optok.v, v);
  }

  private matcher(field: string, op: string, raw: string): Predicate {
    if (field === 'project') this.projects.push(raw.toUpperCase());
    if (DATE_FIELDS.has(field)) {
      // Validate now so a bad date is a 400 even when no issue is compared.
      parseJqlDate(field, raw, new Date(0));
      return (x, now) => {
        const target = parseJqlDate(field, raw, now);
        return fieldValues(x, field).some((v) => typeof v === 'number' && compare(v, target, op));
      };
    }
    if (field === 'id') {
      const n = Number(raw);
      return (x) => fieldValues(x, field).some((v) => typeof v === 'number' && compare(v, n, op));
    }
    if (op !== '=' && op !== '!=') {
      if (field === 'key') {
        const [proj, num] = raw.toUpperCase().split('-');
        return (x) => x.projectKey === proj && compare(Number(x.key.split('-')[1]), Number(num), op);
      }
      throw new JqlError(`The operator '${op}' is not supported by the '${field}' field.`);
    }
    const want = field === 'statuscategory' ? (STATUS_CATEGORY_NAMES[raw.toLowerCase()] ?? raw.toLowerCase()) : raw.toLowerCase();
    const caseSensitive = field === 'labels';
    const eq = (v: string | number | null): boolean =>
      v !== null && (caseSensitive ? String(v) === raw : String(v).toLowerCase() === want);
    return op === '=' ? (x) => fieldValues(x, field).some(eq) : (x) => !fieldValues(x, field).some(eq);
  }
}

function compare(a: number, b: number, op: string): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    default:
      return false;
  }
}

/** Parses JQL; throws JqlError (400 body text) or UnboundedJqlError when nothing restricts the search. */
export function parseJql(jql: string): ParsedJql {
  const parsed = new Parser(tokenise(jql)).parse();
  if (parsed.where === null) throw new UnboundedJqlError();
  return parsed;
}

/** Sorts issues by the ORDER BY fields (default: key ascending within project order, like a backlog). */
export function sortIssues(issues: JiraIssue[], orderBy: OrderField[]): JiraIssue[] {
  const fields: OrderField[] = orderBy.length > 0 ? [...orderBy, { field: 'id', desc: false }] : [{ field: 'id', desc: false }];
  const keyOf = (x: JiraIssue, f: string): string | number => {
    switch (f) {
      case 'key':
        return `${x.projectKey}-${x.key.split('-')[1]?.padStart(10, '0')}`;
      case 'id':
        return Number(x.id);
      case 'created':
        return x.created;
      case 'updated':
        return x.updated;
      case 'resolved':
        return x.resolved ?? Number.MAX_SAFE_INTEGER;
      default:
        return String(fieldValues(x, f)[0] ?? '');
    }
  };
  return [...issues].sort((a, b) => {
    for (const { field, desc } of fields) {
      const ka = keyOf(a, field);
      const kb = keyOf(b, field);
      if (ka < kb) return desc ? 1 : -1;
      if (ka > kb) return desc ? -1 : 1;
    }
    return 0;
  });
}
