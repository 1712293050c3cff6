import { actorHasher } from '../../kernel/index.js';
import type { OrgConfig } from '../../org/index.js';
import type { CollectContext, RawPage } from '../contract.js';

// Raw pages are stored (S3) and kept for the run log, and nothing stored may name a person. Before a page leaves
// the connector, person objects lose their names, emails and avatars, and person identifiers (Jira account ids,
// MLflow user ids and the tags that repeat them) are replaced by a keyed pseudonym. The rest of the page stays
// exactly as the vendor sent it, so normalisers and debugging still see the vendor's shape. GitHub users
// (objects with a `login`) keep only a pseudonymous login and their type; git identities ({name, email, date})
// keep only the date.

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

/**
 * Returns the function a connector calls for each received JSON page: it numbers the page, pseudonymises the
 * people in it and hands it to ctx.onPage, in order.
 */
export function rawPageEmitter(
  source: RawPage['source'],
  ctx: Pick<CollectContext, 'org' | 'credentials' | 'binding' | 'onPage'>,
): (stream: string, res: { path: string; fetchedAt: string; status: number; body: unknown }) => Promise<void> {
  const pseudonymise = rawPagePseudonymiser(ctx);
  let seq = 0;
  return async (stream, res) => {
    await ctx.onPage({
      source, bindingId: ctx.binding.id, stream, path: res.path, seq: seq++,
      fetchedAt: res.fetchedAt, status: res.status, body: redactPeople(res.body, pseudonymise),
    });
  };
}
