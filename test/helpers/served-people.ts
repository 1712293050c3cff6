import type { LoggerPort } from '../../shared/kernel/index.js';
import type { Scanned } from './fault-scan.js';

// The people the sandboxes really serve, harvested from the bytes they sent (not from the worlds behind them), so
// a privacy scan cannot pass because a sandbox never served a field where real payloads carry people. One
// harvester per source names which served fields hold a person; add a source by adding a harvester.

/** One response body as the pipeline received it. */
export interface ServedBody {
  url: string;
  text: string;
}

/** A person identifier found in a served body, and the field (category) it was found in. */
export interface ServedPerson {
  value: string;
  field: string;
}

/** Finds the people in one served body of its source (return [] for a body of another source). */
export type PeopleHarvester = (body: ServedBody) => ServedPerson[];

/** A fetch that hands every response on unchanged and keeps a copy of its body text. */
export function recordingFetch(inner: typeof fetch = fetch): { fetch: typeof fetch; served: ServedBody[] } {
  const served: ServedBody[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const res = await inner(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const text = await res.clone().text();
    served.push({ url, text });
    return res;
  };
  return { fetch: wrapped, served };
}

/** A logger that keeps every line it is given, fields included, as text to scan. */
export function capturingLogger(): { logger: LoggerPort; lines: Scanned[] } {
  const lines: Scanned[] = [];
  const keep = (level: string) => (message: string, fields?: Record<string, unknown>): void => {
    lines.push({ where: `log ${level}`, text: `${message} ${JSON.stringify(fields ?? {})}` });
  };
  return { logger: { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') }, lines };
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

function parseAll(text: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch {
    // NDJSON (Copilot report files): one JSON value per line.
    return text.split('\n').flatMap((line) => {
      try {
        return line.trim() === '' ? [] : [JSON.parse(line) as unknown];
      } catch {
        return [];
      }
    });
  }
}

function walk(v: unknown, visit: (key: string, value: unknown, parent: Record<string, unknown>) => void): void {
  if (Array.isArray(v)) for (const x of v) walk(x, visit);
  else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(o)) {
      visit(k, x, o);
      walk(x, visit);
    }
  }
}

/** Emails anywhere in any string of the body, free text included. */
function emailsIn(text: string, field: string): ServedPerson[] {
  return [...new Set(text.match(EMAIL) ?? [])].filter((e) => !e.endsWith('@example.test')).map((value) => ({ value, field }));
}

const str = (v: unknown): v is string => typeof v === 'string' && v.trim().length >= 4;

/** Jira: person objects, user-field changelog items, history metadata ("on behalf of accountId=…"), emails anywhere. */
export const harvestJiraPeople: PeopleHarvester = ({ url, text }) => {
  if (!url.includes('/rest/')) return [];
  const out: ServedPerson[] = [...emailsIn(text, 'jira email (any field)')];
  for (const body of parseAll(text)) {
    walk(body, (k, v, parent) => {
      if (k === 'accountId' && str(v)) out.push({ value: v, field: 'jira accountId' });
      if (k === 'displayName' && str(v) && 'accountId' in parent) out.push({ value: v, field: 'jira displayName' });
      if ((k === 'tmpFromAccountId' || k === 'tmpToAccountId') && str(v)) out.push({ value: v, field: 'jira changelog tmp*AccountId' });
      if (k === 'fieldId' && (v === 'assignee' || v === 'reporter')) {
        for (const f of ['from', 'to']) if (str(parent[f])) out.push({ value: parent[f], field: 'jira changelog user item from/to' });
        for (const f of ['fromString', 'toString']) if (str(parent[f])) out.push({ value: parent[f], field: 'jira changelog user item display name' });
      }
      if (k === 'description' && str(v)) {
        for (const m of v.matchAll(/accountId=([\w:-]+)/g)) out.push({ value: m[1] as string, field: 'jira historyMetadata accountId' });
      }
    });
  }
  return out;
};

/** MLflow: user ids, the mlflow.user tag, and emails in any string (artifact locations, notebook paths, notes). */
export const harvestMlflowPeople: PeopleHarvester = ({ url, text }) => {
  if (!url.includes('/api/2.0/mlflow/')) return [];
  const out: ServedPerson[] = [];
  for (const body of parseAll(text)) {
    walk(body, (k, v, parent) => {
      if (k === 'user_id' && str(v) && !v.startsWith('svc-') && v !== 'pipeline-bot') out.push({ value: v, field: 'mlflow user_id' });
      if (k === 'value' && parent.key === 'mlflow.user' && str(v) && !v.startsWith('svc-') && v !== 'pipeline-bot') out.push({ value: v, field: 'mlflow tag mlflow.user' });
      if ((k === 'artifact_uri' || k === 'artifact_location' || k === 'source') && str(v)) out.push(...emailsIn(v, `mlflow ${k} email`));
      if (k === 'value' && parent.key === 'mlflow.note.content' && str(v)) out.push(...emailsIn(v, 'mlflow free-text note email'));
    });
  }
  return out;
};

/** Copilot report files: the login on every per-user row. */
export const harvestCopilotPeople: PeopleHarvester = ({ url, text }) => {
  if (!url.includes('/copilot-reports/')) return [];
  const out: ServedPerson[] = [];
  for (const body of parseAll(text)) {
    walk(body, (k, v) => {
      if (k === 'user_login' && str(v)) out.push({ value: v, field: 'copilot user_login' });
    });
  }
  return out;
};

/** Every person the given harvesters find in the served bodies: value → the fields it was served in. */
export function harvestServedPeople(served: readonly ServedBody[], harvesters: readonly PeopleHarvester[]): Map<string, Set<string>> {
  const people = new Map<string, Set<string>>();
  for (const body of served) {
    for (const h of harvesters) {
      for (const p of h(body)) people.set(p.value, (people.get(p.value) ?? new Set()).add(p.field));
    }
  }
  return people;
}

// GitHub: which served fields hold a person. Organisations are not people (`type: "Organization"` owners, the org
// in `base.label`/`full_name`), nor are GitHub Apps' bots (`…[bot]` over REST, `__typename: "Bot"` or the bare app
// slug over GraphQL) or machine git identities (`ci-bot`, names ending in `[bot]`); every email address is kept
// whoever it belongs to, since no stored byte may hold one.
const GITHUB_APP_SLUGS = new Set(['github-actions', 'dependabot', 'renovate']);
const GIT_LINE = /^(author|committer) (.+?) <([^>]*)> \d+ [+-]\d{4}$/gm;
const SIGNED_OFF = /^Signed-off-by: (.+?) <([^>]*)>\s*$/gm;

function githubBot(login: string, holder: Record<string, unknown>): boolean {
  return login.endsWith('[bot]') || holder.type === 'Bot' || holder.__typename === 'Bot' || GITHUB_APP_SLUGS.has(login);
}
const machineName = (name: string): boolean => name.endsWith('[bot]') || name === 'ci-bot';

function walkPath(v: unknown, path: string[], visit: (path: string[], value: unknown, parent: Record<string, unknown>) => void): void {
  if (Array.isArray(v)) for (const x of v) walkPath(x, [...path, '[]'], visit);
  else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(o)) {
      visit([...path, k], x, o);
      walkPath(x, [...path, k], visit);
    }
  }
}

/** `user`, `owner`, … : the key holding a user object, with array steps dropped (`requested_reviewers[]` → `requested_reviewers`). */
const holderKey = (path: string[]): string => path.filter((p) => p !== '[]').at(-2) ?? '';

/** A repository object of a fork owned by a person: its owner's login, or null. */
function forkOwner(repo: unknown): string | null {
  if (repo === null || typeof repo !== 'object') return null;
  const owner = (repo as Record<string, unknown>).owner as Record<string, unknown> | undefined;
  if (!owner || owner.type === 'Organization' || typeof owner.login !== 'string' || githubBot(owner.login, owner)) return null;
  return owner.login;
}

/**
 * GitHub (REST JSON and POST /graphql answers): logins in every user object (`user`, `author`, `creator`, `actor`,
 * `triggering_actor`, `owner`, reviewers, GraphQL `author { login }` / `creator { login }`, events' `display_login`),
 * git names and emails (`commit.author/committer`, runs' `head_commit.author/committer`, push events'
 * `payload.commits[].author`), the people in `commit.verification.payload` and in `Signed-off-by:` trailers, emails in
 * pull request bodies, and a fork owner's login in `head.label`, `head.repo.full_name` and runs' `head_repository`.
 */
export const harvestGithubPeople: PeopleHarvester = ({ url, text }) => {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return [];
  }
  const graphql = path === '/graphql';
  if (!graphql && !/^\/(repos|repositories|orgs)\//.test(path)) return [];
  const api = graphql ? 'github graphql' : 'github';
  const out: ServedPerson[] = [...emailsIn(text, 'github email (any field)')];
  const git = (who: unknown, field: string): void => {
    if (who === null || typeof who !== 'object') return;
    const { name, email } = who as Record<string, unknown>;
    if (str(name) && !machineName(name)) out.push({ value: name, field: `${field}.name` });
    if (str(email)) out.push({ value: email, field: `${field}.email` });
  };
  for (const body of parseAll(text)) {
    walkPath(body, [], (p, v, parent) => {
      const k = p.at(-1) as string;
      const holder = holderKey(p);
      if ((k === 'login' || k === 'display_login') && str(v) && parent.type !== 'Organization' && !githubBot(v, parent)) {
        out.push({ value: v, field: `${api} ${holder || '(top)'}.${k}` });
      }
      if ((k === 'author' || k === 'committer') && (holder === 'commit' || holder === 'head_commit')) git(v, `github ${holder}.${k}`);
      if (k === 'author' && holder === 'commits' && p.includes('payload')) git(v, 'github payload.commits[].author');
      if (k === 'payload' && holder === 'verification' && str(v)) {
        for (const m of v.matchAll(GIT_LINE)) git({ name: m[2], email: m[3] }, `github verification.payload ${m[1] as string}`);
      }
      if (k === 'message' && str(v)) for (const m of v.matchAll(SIGNED_OFF)) git({ name: m[1], email: m[2] }, 'github Signed-off-by');
      if (k === 'body' && str(v) && ('number' in parent || parent.__typename === 'PullRequest')) out.push(...emailsIn(v, `${api} pull body email`));
      if (k === 'head' && v !== null && typeof v === 'object') {
        const head = v as Record<string, unknown>;
        const owner = forkOwner(head.repo);
        if (owner && typeof head.label === 'string' && head.label.startsWith(`${owner}:`)) out.push({ value: owner, field: 'github head.label fork owner' });
        const full = (head.repo as Record<string, unknown> | undefined)?.full_name;
        if (owner && typeof full === 'string' && full.startsWith(`${owner}/`)) out.push({ value: owner, field: 'github head.repo.full_name fork owner' });
      }
      if (k === 'head_repository') {
        const owner = forkOwner(v);
        if (owner) out.push({ value: owner, field: 'github head_repository fork owner' });
      }
    });
  }
  return out;
};
