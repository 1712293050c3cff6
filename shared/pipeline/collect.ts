import { actorHasher, RadarError, safeEvidenceUrl } from '../kernel/index.js';
import { listBindings } from '../org/index.js';
import type { Binding, OrgConfig } from '../org/index.js';
import type { Activity, RawPage } from '../sources/contract.js';
import type { BindingOutcome } from '../storage/ports.js';
import { DeadlineExceededError, MissingCredentialError, UnknownBindingError } from './errors.js';
import { rawPageKey } from './keys.js';
import { scrubSecrets } from './redact.js';
import type { CollectTask, PipelineDeps } from './types.js';

/** Options for one binding's collection. */
export interface CollectOptions {
  runId: string;
  asOf: string;
  /** Time budget in ms (Lambda: remaining time − 10 s); the binding fails with DeadlineExceededError after it. */
  budgetMs?: number;
  /** External stop (shutdown). */
  signal?: AbortSignal;
}

const DAY_MS = 86_400_000;

/**
 * Collects one binding: load its cursor, run the source's collect storing every raw page and normalising it at
 * once, then merge into the stored month partitions it touches (writing only changed ones), and only then save
 * the cursor. Never throws:
 * any failure returns a `failed` outcome and leaves the previous activities and cursor untouched.
 */
export async function collectBinding(deps: PipelineDeps, task: CollectTask, opts: CollectOptions): Promise<BindingOutcome> {
  const started = Date.now();
  let pages = 0;
  let requests = 0;
  const fresh: Activity[] = [];
  const base = { bindingId: task.bindingId, unit: task.unit, source: task.source };
  const log = { runId: opts.runId, bindingId: task.bindingId, source: task.source };
  // Requests are counted here as well as by the source, so a failed binding still reports what it cost.
  const baseFetch = deps.fetch ?? globalThis.fetch;
  const countingFetch: typeof fetch = (input, init) => {
    requests += 1;
    return baseFetch(input, init);
  };
  const controller = new AbortController();
  let deadlineHit = false;
  const timer =
    opts.budgetMs !== undefined
      ? setTimeout(() => {
          deadlineHit = true;
          controller.abort(new DeadlineExceededError(task.bindingId, opts.budgetMs ?? 0));
        }, Math.max(0, opts.budgetMs))
      : undefined;
  const onExternalAbort = (): void => controller.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onExternalAbort, { once: true });
  let finished = false;
  try {
    const binding = findBinding(deps.org, task);
    const plugin = deps.sources[binding.source];
    if (!plugin) throw new UnknownBindingError(binding.id, `no connector is installed for ${binding.source}`);
    // Copilot usage reports come from the GitHub API (same base URL and token), so they read GitHub's settings.
    const configKey = binding.source === 'copilot' ? 'github' : binding.source;
    const sourceConfig = deps.org.sources[configKey];
    if (!sourceConfig) throw new UnknownBindingError(binding.id, `sources.${configKey} is not configured`);

    const credentials: Record<string, string> = {};
    for (const name of plugin.credentialEnvNames(deps.org)) credentials[name] = await deps.credentials.resolve(name);
    const hashActor = actorHasher(await resolveActorKey(deps));

    const previous = await deps.stores.cursors.loadCursor(binding.id);
    const since = new Date(Date.parse(opts.asOf) - deps.org.settings.historyDays * DAY_MS).toISOString();

    const collecting = plugin.collect({
      binding,
      org: deps.org,
      credentials,
      cursor: previous?.cursor ?? null,
      asOf: opts.asOf,
      since,
      signal: controller.signal,
      fetch: countingFetch,
      onPage: async (page: RawPage) => {
        // A source that ignores the abort signal must not write on after the binding was given up.
        if (finished || controller.signal.aborted) throw controller.signal.reason ?? new Error('collection stopped');
        const key = rawPageKey(binding.source, binding.id, opts.runId, page.seq, page.body);
        await deps.stores.objects.putRawPage(key, page);
        pages += 1;
        // Normalise now (pure): a malformed page fails the binding before anything is merged.
        const items = plugin.normalise(page, { binding, rawKey: key, hashActor, baseUrl: sourceConfig.baseUrl });
        for (const a of items) fresh.push(withSafeEvidenceUrl(a));
      },
    });
    const outcome = await raceAbort(collecting, controller.signal);
    if (controller.signal.aborted) throw controller.signal.reason;

    // Only the month partitions this collection's activities and removals touch are read, and only those whose
    // bytes change are written: a binding that brought nothing new reads and writes nothing here.
    const removedIds = outcome.removedIds ?? [];
    const idPrefixes = outcome.removedIdPrefixes ?? [];
    let stored: number | undefined;
    if (fresh.length > 0 || removedIds.length > 0 || idPrefixes.length > 0) {
      const touch = { ats: fresh.map((a) => a.at), ids: [...fresh.map((a) => a.id), ...removedIds], idPrefixes };
      const updated = await deps.stores.objects.updateActivities(binding.id, touch, (before) =>
        mergeActivities(idPrefixes.length > 0 ? before.filter((a) => !idPrefixes.some((p) => a.id.startsWith(p))) : before, fresh, removedIds));
      stored = updated.stored;
    }
    // The cursor moves only now that the data it covers is stored; it never moves backwards in as-of.
    const cursorAsOf = previous && previous.asOf > opts.asOf ? previous.asOf : opts.asOf;
    await deps.stores.cursors.saveCursor(binding.id, outcome.cursor, cursorAsOf);

    const result: BindingOutcome = {
      ...base,
      status: 'ok',
      items: fresh.length,
      requests: Math.max(outcome.requests, requests),
      pages,
      durationMs: Date.now() - started,
      notes: outcome.notes.map((n) => scrubSecrets(n, deps.credentials.knownValues())),
    };
    deps.logger.info('binding collected', { ...log, items: result.items, pages, requests: result.requests, ...(stored !== undefined ? { stored } : {}) });
    return result;
  } catch (raw) {
    const err = deadlineHit && !(raw instanceof DeadlineExceededError) ? new DeadlineExceededError(task.bindingId, opts.budgetMs ?? 0, raw) : raw;
    const outcome = failedOutcome(base, err, deps.credentials.knownValues(), { requests, pages, durationMs: Date.now() - started });
    deps.logger.warn('binding failed', { ...log, errorClass: outcome.errorClass, errorCode: outcome.errorCode, message: outcome.message, pages, requests });
    return outcome;
  } finally {
    finished = true;
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onExternalAbort);
  }
}

function findBinding(org: OrgConfig, task: CollectTask): Binding {
  const b = listBindings(org).find((x) => x.id === task.bindingId);
  if (!b) throw new UnknownBindingError(task.bindingId, 'the org config has no such binding');
  if (b.unit !== task.unit || b.source !== task.source) {
    throw new UnknownBindingError(task.bindingId, 'the task names a different unit or source than the config');
  }
  return b;
}

async function resolveActorKey(deps: PipelineDeps): Promise<string> {
  const name = deps.org.settings.actorHashKeyEnv;
  if (name !== undefined) return deps.credentials.resolve(name);
  // Without a configured key the product still needs one that is stable across runs (idempotent counts) and
  // not guessable; RADAR_ACTOR_HASH_KEY is the conventional name.
  try {
    return await deps.credentials.resolve('RADAR_ACTOR_HASH_KEY');
  } catch {
    throw new MissingCredentialError(
      'RADAR_ACTOR_HASH_KEY',
      undefined,
      'set settings.actorHashKeyEnv in the org config or the RADAR_ACTOR_HASH_KEY variable (the key for opaque actor hashes)',
    );
  }
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

/**
 * Merges a sync's activities into the stored set: removed ids go, new ids come in, changed ones replace the old.
 * An activity whose content is unchanged keeps its stored version (and its rawRef), so re-reading the same item
 * in a rerun leaves the stored bytes identical. Output is sorted by id.
 */
/**
 * Evidence links come from vendor data: only an http(s) URL is kept as an activity's link, anything else (a
 * `javascript:` or `data:` URL in a vendor field) is stored as no link at all.
 */
export function withSafeEvidenceUrl(activity: Activity): Activity {
  return safeEvidenceUrl(activity.url) === null ? { ...activity, url: '' } : activity;
}

export function mergeActivities(stored: readonly Activity[], fresh: readonly Activity[], removedIds: readonly string[]): Activity[] {
  const byId = new Map<string, Activity>();
  for (const a of stored) byId.set(a.id, a);
  for (const id of removedIds) byId.delete(id);
  for (const a of fresh) {
    const prev = byId.get(a.id);
    if (prev !== undefined && sameContent(prev, a)) continue;
    byId.set(a.id, a);
  }
  return [...byId.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

function sameContent(a: Activity, b: Activity): boolean {
  return canonical({ ...a, rawRef: null }) === canonical({ ...b, rawRef: null });
}

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** Builds a failed outcome from any thrown value: error class, code and a message scrubbed of secrets. */
export function failedOutcome(
  base: Pick<BindingOutcome, 'bindingId' | 'unit' | 'source'>,
  err: unknown,
  secrets: readonly string[],
  counts: { requests: number; pages: number; durationMs: number },
): BindingOutcome {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = e instanceof RadarError ? e.code : 'UNEXPECTED';
  return {
    ...base,
    status: 'failed',
    errorClass: e.name || 'Error',
    errorCode: code,
    message: scrubSecrets(e.message, secrets).slice(0, 500),
    items: 0,
    requests: counts.requests,
    pages: counts.pages,
    durationMs: counts.durationMs,
    notes: [],
  };
}
