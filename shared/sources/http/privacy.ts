import { actorHasher } from '../../kernel/index.js';
import type { OrgConfig } from '../../org/index.js';
import { allowListFor, keepAllowed, type StreamAllowList } from '../allow-list.js';
import type { CollectContext, RawPage } from '../contract.js';

// Raw pages are stored (S3) and kept for the run log, and nothing stored may name a person. Jira, MLflow and
// Copilot pages pass through their streams' allow-lists (../allow-list.ts, declared next to each stream's schema):
// only the fields the normaliser reads survive, person identifiers become keyed pseudonyms. `redactPeople` is the
// older deny-list walk, still used by the GitHub connector until it declares its own allow-lists.

const PERSON_TEXT_KEYS = new Set(['displayName', 'emailAddress', 'avatarUrls', 'name', 'key']);
const PERSON_TAGS = new Set(['mlflow.user', 'mlflow.source.name', 'mlflow.databricks.notebookPath', 'mlflow.parentRunName']);

/** Returns the function that turns a person id into a stable pseudonym (keyed when a key is given). */
export function pseudonymiser(key: string | undefined): (personId: string) => string {
  // Without a key there is no safe pseudonym (an unkeyed hash of a login is reversible by dictionary).
  return key ? actorHasher(`raw:${key}`) : () => 'redacted';
}

/** Copies a JSON value, stripping person names/emails and pseudonymising person ids (Jira, GitHub, MLflow shapes). */
export function redactPeople<T>(body: T, pseudonymise: (personId: string) => string): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    if (typeof o.login === 'string' && o.type !== 'Organization') {
      return { login: pseudonymise(o.login), ...(typeof o.type === 'string' ? { type: o.type } : {}) };
    }
    if (typeof o.email === 'string' && 'date' in o) return { date: o.date };
    const isJiraPerson = typeof o.accountId === 'string';
    const isPersonTag = typeof o.key === 'string' && PERSON_TAGS.has(o.key) && typeof o.value === 'string';
    for (const [k, val] of Object.entries(o)) {
      if (isJiraPerson) {
        if (PERSON_TEXT_KEYS.has(k) || k === 'self') continue;
        if (k === 'accountId') {
          out[k] = pseudonymise(val as string);
          continue;
        }
      }
      if (isPersonTag && k === 'value') {
        out[k] = pseudonymise(val as string);
        continue;
      }
      if (k === 'user_id' && typeof val === 'string') {
        out[k] = val === '' ? val : pseudonymise(val);
        continue;
      }
      out[k] = walk(val);
    }
    return out;
  };
  return walk(body) as T;
}

/** The environment variable holding the actor-hash key: the org's setting, or the conventional name. */
export function actorKeyEnv(org: OrgConfig): string {
  return org.settings.actorHashKeyEnv ?? 'RADAR_ACTOR_HASH_KEY';
}

/** The pseudonymiser every connector applies to raw pages before they leave it (keyed by the actor-hash key). */
export function rawPagePseudonymiser(ctx: Pick<CollectContext, 'org' | 'credentials'>): (personId: string) => string {
  return pseudonymiser(ctx.credentials[actorKeyEnv(ctx.org)]);
}

/** What a connector hands the emitter for one page: the response, and for sub-listings the parent's fields. */
export interface EmittedPage {
  path: string;
  fetchedAt: string;
  status: number;
  body: unknown;
  parent?: Record<string, unknown>;
}

/**
 * Returns the function a connector calls for each received JSON page: it keeps only what the stream's allow-list
 * declares (pseudonymising person identifiers), numbers the page and hands it to ctx.onPage, in order. A stream
 * without an allow-list throws UndeclaredStreamError: nothing is stored unfiltered.
 */
export function rawPageEmitter(
  source: RawPage['source'],
  ctx: Pick<CollectContext, 'org' | 'credentials' | 'binding' | 'onPage'>,
  lists: Readonly<Record<string, StreamAllowList>>,
): (stream: string, res: EmittedPage) => Promise<void> {
  const pseudonymise = rawPagePseudonymiser(ctx);
  let seq = 0;
  return async (stream, res) => {
    const list = allowListFor(lists, stream);
    const parent = res.parent !== undefined && list.parent !== undefined ? keepAllowed(res.parent, list.parent, pseudonymise) : undefined;
    await ctx.onPage({
      source, bindingId: ctx.binding.id, stream, path: res.path, seq: seq++,
      fetchedAt: res.fetchedAt, status: res.status, body: keepAllowed(res.body, list.body, pseudonymise),
      ...(parent !== undefined && parent !== null ? { parent: parent as Record<string, unknown> } : {}),
    });
  };
}
