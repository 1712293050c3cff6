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
