import * as z from 'zod';
import { closestMatch } from './did-you-mean.js';
import { envVarNameSchema, orgConfigSchema, type OrgConfig } from './schema.js';
import type { ConfigPath, ProblemAnchor } from './yaml-locate.js';

// Validation of an org config document that is already plain data (YAML parsed, positions kept elsewhere).
// Two layers: the zod schema (shapes, types, unknown keys) and the rules that need the whole document
// (unique ids, network members exist, a pod in one domain only, bindings name configured sources, no inline
// credentials). Both report every problem they find, so one `radar validate` run lists all of them.
// Pure: no I/O, no clock; the loader turns paths into FILE:LINE:COL.

/** One problem found in the config data, located by path; the loader adds file, line and column. */
export interface OrgProblem {
  path: ConfigPath;
  /** `key` points at the mapping key (unknown or forbidden keys), `value` at the value (or its parent if missing). */
  at: ProblemAnchor;
  /** Plain words; never echoes a value that could be a secret. */
  reason: string;
  /** Where the clashing first occurrence is (duplicate ids); the loader names its line. */
  firstAt?: ConfigPath;
  /** A missing field this problem already explains (`nmae` → `name`), so "missing `name`" is not repeated. */
  covers?: ConfigPath;
  /** Set on "missing required field" problems (only those can be covered by a typo elsewhere). */
  missing?: boolean;
}

/** Outcome of validating config data: the parsed config, or every problem found. */
export type OrgValidation = { ok: true; config: OrgConfig } | { ok: false; problems: OrgProblem[] };

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const dotted = (p: ConfigPath): string => p.join('.');
const BOUND_SOURCES = ['jira', 'github', 'mlflow'] as const;

/** Validates parsed config data against the schema and the whole-document rules; reports all problems. */
export function validateOrgConfig(data: unknown): OrgValidation {
  const structural = findStructureProblems(data);
  // A specific structural finding (an inline secret, a URL with credentials) replaces zod's generic complaint
  // about the same spot, e.g. "unknown key `token`".
  const claimed = new Set(structural.map((p) => dotted(p.path)));
  const parsed = orgConfigSchema.safeParse(data);
  const fromSchema = parsed.success ? [] : describeSchemaIssues(parsed.error.issues, data);
  const all = [...structural, ...fromSchema.filter((p) => !claimed.has(dotted(p.path)))];
  // A typo'd key and the field it should have been are one mistake: report the typo with its hint only.
  const covered = new Set(all.flatMap((p) => (p.covers !== undefined ? [dotted(p.covers)] : [])));
  const problems = all.filter((p) => !(p.missing === true && covered.has(dotted(p.path))));
  if (parsed.success && problems.length === 0) return { ok: true, config: parsed.data };
  return { ok: false, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Whole-document rules

/** Finds the problems the schema cannot see: duplicate ids, unknown members, unbound sources, inline secrets. */
export function findStructureProblems(data: unknown): OrgProblem[] {
  if (!isRecord(data)) return [];
  return [
    ...findCredentialProblems(data),
    ...findDuplicateAndMembershipProblems(data),
    ...findUnconfiguredSourceBindings(data),
  ];
}

const SECRET_PREFIXES = /^(gh[pousr]_|github_pat_|glpat-|xox[abposr]-|sk-|AKIA|ASIA|eyJ|ATATT|Bearer\s|Basic\s)/;

/** True when a would-be environment variable name looks like a credential (token, password, email). */
export function looksLikeSecret(value: string): boolean {
  if (envVarNameSchema.safeParse(value).success) return false;
  return (
    SECRET_PREFIXES.test(value) ||
    // Names are letters, digits and underscores; tokens and passwords carry `-`, `.`, `/`, `+`, `=`, `@` …
    /[^A-Za-z0-9_]/.test(value) ||
    (value.length >= 20 && /[0-9]/.test(value) && /[a-z]/.test(value))
  );
}

// Keys people write when they paste a credential into the file instead of naming its environment variable.
const INLINE_CREDENTIAL_KEY =
  /^(token|api[-_]?token|access[-_]?token|auth[-_]?token|pat|secret|client[-_]?secret|password|passwd|pass|api[-_]?key|key|credentials?|bearer|email|user|username|login)$/i;

/** Env-key names each source's `auth` accepts, so a hint names a key that will actually validate. */
const AUTH_ENV_KEYS: Record<string, readonly string[]> = {
  jira: ['tokenEnv', 'emailEnv'],
  github: ['tokenEnv'],
  mlflow: ['tokenEnv', 'usernameEnv', 'passwordEnv'],
};

function envKeyFor(source: string, credentialKey: string): string {
  const allowed = AUTH_ENV_KEYS[source] ?? ['tokenEnv'];
  const k = credentialKey.toLowerCase();
  const wanted = /^pass/.test(k) ? 'passwordEnv' : k === 'email' ? 'emailEnv' : /^(user|username|login)$/.test(k) ? 'usernameEnv' : 'tokenEnv';
  return allowed.includes(wanted) ? wanted : (allowed[0] ?? 'tokenEnv');
}

const neverTheSecret = (envKey: string): string =>
  `give the NAME of an environment variable in \`${envKey}\`, never the secret itself`;

function findCredentialProblems(data: Rec): OrgProblem[] {
  const out: OrgProblem[] = [];
  const sources = data.sources;
  if (isRecord(sources)) {
    for (const [source, cfg] of Object.entries(sources)) {
      if (!isRecord(cfg)) continue;
      const base: ConfigPath = ['sources', source];
      const scan = (node: Rec, path: ConfigPath): void => {
        for (const [key, value] of Object.entries(node)) {
          if (INLINE_CREDENTIAL_KEY.test(key)) {
            const envKey = envKeyFor(source, key);
            out.push({
              path: [...path, key],
              at: 'key',
              reason: `\`${key}\` puts a credential in the config file: ${neverTheSecret(envKey)}`,
              covers: [...path, envKey],
            });
          } else if (isRecord(value)) {
            scan(value, [...path, key]);
          }
        }
      };
      scan(cfg, base);
      const url = cfg.baseUrl;
      if (typeof url === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !isSecureOrLoopbackUrl(url)) {
        out.push({
          path: [...base, 'baseUrl'],
          at: 'value',
          reason: 'must use https: (plain http: is allowed only on loopback: 127.0.0.1, ::1, localhost), or the credential crosses the network in clear text',
        });
      }
      if (typeof url === 'string' && urlCarriesCredentials(url)) {
        const envKey = /\/\/[^/@]*:[^/@]*@/.test(url) ? envKeyFor(source, 'password') : envKeyFor(source, 'token');
        out.push({
          path: [...base, 'baseUrl'],
          at: 'value',
          reason: `the URL carries credentials; remove them and, under \`auth\`, ${neverTheSecret(envKey)}`,
        });
      }
    }
  }
  // `…Env` values anywhere (auth, settings.actorHashKeyEnv) must be variable names, not the values themselves.
  const scanEnv = (node: unknown, path: ConfigPath): void => {
    if (Array.isArray(node)) node.forEach((v, i) => scanEnv(v, [...path, i]));
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key.endsWith('Env') && typeof value === 'string' && looksLikeSecret(value)) {
        out.push({
          path: [...path, key],
          at: 'value',
          reason: `\`${key}\` looks like a secret, not an environment variable name: ${neverTheSecret(key)}`,
        });
      } else {
        scanEnv(value, [...path, key]);
      }
    }
  };
  scanEnv(data, []);
  return out;
}

/**
 * True when a base URL may carry a credential: `https:`, or `http:` on loopback only (127.0.0.0/8, ::1,
 * localhost), where the sandboxes and local tests run and nothing crosses a network.
 */
export function isSecureOrLoopbackUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  if (u.protocol !== 'http:') return false;
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function urlCarriesCredentials(url: string): boolean {
  // user:password@host, or a token in the query string.
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url) || /[?&](token|access_token|api[-_]?key|key|password|secret|sig|auth)=/i.test(url);
}

interface Seen {
  path: ConfigPath;
  group: number;
}

function findDuplicateAndMembershipProblems(data: Rec): OrgProblem[] {
  const out: OrgProblem[] = [];
  const domains = list(data.domains);
  const pods = new Map<string, Seen>();
  domains.forEach((d, di) => {
    if (!isRecord(d)) return;
    list(d.pods).forEach((p, pi) => {
      if (!isRecord(p) || typeof p.id !== 'string') return;
      const path: ConfigPath = ['domains', di, 'pods', pi, 'id'];
      const first = pods.get(p.id);
      if (first === undefined) {
        pods.set(p.id, { path, group: di });
      } else if (first.group === di) {
        out.push({ path, at: 'value', reason: `duplicate pod id \`${p.id}\``, firstAt: first.path });
      } else {
        const firstDomain = domains[first.group];
        const firstDomainId = isRecord(firstDomain) && typeof firstDomain.id === 'string' ? firstDomain.id : `#${first.group}`;
        const thisDomainId = typeof d.id === 'string' ? d.id : `#${di}`;
        out.push({
          path,
          at: 'value',
          reason:
            `pod \`${p.id}\` is listed in two domains, \`${firstDomainId}\` and \`${thisDomainId}\`; ` +
            'a pod belongs to exactly one domain (use a capability network to share it)',
          firstAt: first.path,
        });
      }
    });
  });
  for (const [key, kind] of [
    ['domains', 'domain'],
    ['networks', 'network'],
    ['labs', 'lab'],
  ] as const) {
    const seen = new Map<string, ConfigPath>();
    list(data[key]).forEach((u, i) => {
      if (!isRecord(u) || typeof u.id !== 'string') return;
      const path: ConfigPath = [key, i, 'id'];
      const first = seen.get(u.id);
      if (first === undefined) seen.set(u.id, path);
      else out.push({ path, at: 'value', reason: `duplicate ${kind} id \`${u.id}\``, firstAt: first });
    });
  }
  const podIds = [...pods.keys()];
  list(data.networks).forEach((n, ni) => {
    if (!isRecord(n)) return;
    list(n.members).forEach((m, mi) => {
      if (typeof m !== 'string' || pods.has(m)) return;
      const hint = closestMatch(m, podIds);
      out.push({
        path: ['networks', ni, 'members', mi],
        at: 'value',
        reason:
          `\`${m}\` is not a known pod` +
          (hint !== undefined ? `; did you mean \`${hint}\`?` : '; network members are pod ids from `domains[].pods[].id`'),
      });
    });
  });
  return out;
}

function findUnconfiguredSourceBindings(data: Rec): OrgProblem[] {
  const configured = data.sources;
  if (!isRecord(configured)) return [];
  const out: OrgProblem[] = [];
  const check = (unit: unknown, path: ConfigPath): void => {
    if (!isRecord(unit) || !isRecord(unit.sources)) return;
    for (const source of BOUND_SOURCES) {
      if (source in unit.sources && configured[source] === undefined) {
        out.push({
          path: [...path, 'sources', source],
          at: 'key',
          reason: `binds \`${source}\`, but \`${source}\` is not configured under top-level \`sources\` (add its baseUrl and auth there)`,
        });
      }
    }
  };
  list(data.domains).forEach((d, di) => {
    check(d, ['domains', di]);
    if (isRecord(d)) list(d.pods).forEach((p, pi) => check(p, ['domains', di, 'pods', pi]));
  });
  list(data.networks).forEach((n, i) => check(n, ['networks', i]));
  list(data.labs).forEach((l, i) => check(l, ['labs', i]));
  check(data.steering, ['steering']);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Schema issues in plain words

function valueAt(data: unknown, path: ConfigPath): unknown {
  let v = data;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
    else if (isRecord(v)) v = v[String(seg)];
    else return undefined;
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'boolean') return 'true/false';
  return `a ${typeof v}`;
}

const EXPECTED: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

const quoteAll = (values: readonly unknown[]): string => values.map((v) => `\`${String(v)}\``).join(', ');

function unwrapSchema(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else return s;
  }
}

/** The keys the schema allows in the mapping at `path` (for "did you mean" hints). */
export function allowedKeysAt(path: ConfigPath, data: unknown, schema: z.ZodType = orgConfigSchema): string[] {
  const s = unwrapSchema(schema);
  if (s instanceof z.ZodUnion) {
    const options = s.options as readonly z.ZodType[];
    // For a discriminated union, the option whose `kind` matches the document's says which keys belong.
    const here = valueAt(data, path);
    const matching = options.filter((o) => {
      const u = unwrapSchema(o);
      if (!(u instanceof z.ZodObject) || !isRecord(here)) return false;
      const kind = (u.shape as Record<string, z.ZodType>).kind;
      return kind !== undefined && kind.safeParse(here.kind).success;
    });
    const chosen = matching.length > 0 ? matching : options;
    return [...new Set(chosen.flatMap((o) => allowedKeysAt(path, data, o)))];
  }
  const [head, ...rest] = path;
  if (head === undefined) return s instanceof z.ZodObject ? Object.keys(s.shape as Record<string, unknown>) : [];
  if (s instanceof z.ZodObject && typeof head === 'string') {
    const field = (s.shape as Record<string, z.ZodType | undefined>)[head];
    return field === undefined ? [] : allowedKeysAt(rest, valueAt(data, [head]), field);
  }
  if (s instanceof z.ZodArray && typeof head === 'number') {
    return allowedKeysAt(rest, valueAt(data, [head]), s.element as z.ZodType);
  }
  return [];
}

/** Turns zod issues into located problems with plain reasons (unknown keys get a "did you mean" hint). */
export function describeSchemaIssues(issues: readonly z.core.$ZodIssue[], data: unknown): OrgProblem[] {
  const out: OrgProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(path, data);
      for (const key of issue.keys) {
        const hint = closestMatch(key, allowed);
        out.push({
          path: [...path, key],
          at: 'key',
          ...(hint !== undefined ? { covers: [...path, hint] } : {}),
          reason:
            `unknown key \`${key}\`` +
            (hint !== undefined ? `; did you mean \`${hint}\`?` : allowed.length > 0 ? `; allowed here: ${quoteAll(allowed)}` : ''),
        });
      }
      continue;
    }
    const value = valueAt(data, path);
    const field = path[path.length - 1];
    if (path.length === 0) {
      out.push({
        path,
        at: 'value',
        reason: `the file must be a YAML mapping with \`organisation\`, \`sources\` and \`domains\`, got ${describeValue(value)}`,
      });
      continue;
    }
    if (value === undefined && issue.code !== 'custom') {
      const oneOf =
        issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)
          ? ` (one of ${quoteAll(issue.options)})`
          : issue.code === 'invalid_value'
            ? ` (${issue.values.length === 1 ? '' : 'one of '}${quoteAll(issue.values)})`
            : '';
      out.push({ path, at: 'value', missing: true, reason: `missing required field \`${String(field)}\`${oneOf}` });
      continue;
    }
    out.push({ path, at: 'value', reason: describeIssue(issue, value) });
  }
  return out;
}

function typoHint(value: unknown, options: readonly unknown[]): string {
  // With a single allowed value, "must be `x`" already says it all.
  if (typeof value !== 'string' || options.length < 2) return '';
  const hint = closestMatch(value, options.map(String));
  return hint !== undefined ? `; did you mean \`${hint}\`?` : '';
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(value)}`;
    case 'invalid_value':
      return (issue.values.length === 1 ? `must be ${quoteAll(issue.values)}` : `must be one of ${quoteAll(issue.values)}`) + typoHint(value, issue.values);
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options)) return `must be one of ${quoteAll(issue.options)}${typoHint(value, issue.options)}`;
      return 'does not match any allowed form';
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'array') return `must list at least ${n} item${n === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return n <= 1 ? 'must not be empty' : `must be at least ${n} characters`;
      return issue.inclusive === false ? `must be more than ${n}` : `must be at least ${n}`;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'array') return `must list at most ${n} item${n === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `must be at most ${n} characters`;
      return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
    }
    case 'invalid_format':
      if (issue.format === 'date') return 'must be a date written YYYY-MM-DD';
      if (issue.format === 'url') return 'must be an http(s) URL, e.g. https://acme.atlassian.net';
      return issue.message;
    default:
      return issue.message;
  }
}
