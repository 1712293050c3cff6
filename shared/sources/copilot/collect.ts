import type { z } from 'zod';
import type { CollectContext, CollectOutcome, Cursor } from '../contract.js';
import { MalformedPageError, SourceAuthError, SourceError, SourceHttpError, SourceNetworkError } from '../errors.js';
import { GithubClient, pathOnly } from '../github/client.js';
import { rawPageEmitter } from '../http/index.js';
import { podsByTeam, reduceCopilotDay } from './reduce.js';
import { COPILOT_ALLOW_LISTS, reportMetadataSchema, userDayRowSchema, userTeamRowSchema } from './schemas.js';

// Collects GitHub Copilot usage reports day by day (API-FACTS "Copilot metrics"): for each day not yet fetched,
// ask the REST API for the day's signed download links, download the NDJSON files, and reduce them at once to
// pod-level aggregates (./reduce.ts). Only the reduced report reaches onPage, so the pipeline stores no per-user
// row. The cursor remembers the last day covered and the days GitHub had no report for yet (retried next run).

const DAY_MS = 86_400_000;
/** The usage reports start on this day; nothing earlier exists. */
const REPORTS_START = '2025-10-10';
/** GitHub serves one year back; a day short of it keeps clear of the boundary. */
const MAX_DAYS_BACK = 364;
/** A 422 for a day older than this many days before now is GitHub's one-year limit, not a bad request. */
const ONE_YEAR_EDGE_DAYS = 330;
const SOURCE = 'copilot';

export interface CopilotCollectOptions {
  /** Passed to the GitHub client (tests shorten waits). */
  maxWaitSeconds?: number;
  retryBaseMs?: number;
}

/** The Copilot binding's incremental position. */
interface CopilotCursor {
  version: 1;
  /** Last day (YYYY-MM-DD) of the range already covered, or null before the first sync. */
  through: string | null;
  /** Days in the covered range that had no report yet (404); fetched again next run. */
  pending: string[];
}

function readCursor(c: Cursor | null): CopilotCursor {
  if (c === null || c.version !== 1) return { version: 1, through: null, pending: [] };
  const through = typeof c.through === 'string' ? c.through : null;
  const pending = Array.isArray(c.pending) ? c.pending.filter((d): d is string => typeof d === 'string') : [];
  return { version: 1, through, pending };
}

const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);
const addDays = (day: string, n: number): string => dayOf(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);

/** Days to fetch this run, oldest first, and pending days dropped because GitHub no longer serves them. */
export function planCopilotDays(cursor: Cursor | null, asOf: string, since: string): { days: string[]; dropped: number; cursor: CopilotCursor } {
  const c = readCursor(cursor);
  const asOfMs = Date.parse(asOf);
  // A day's report exists once the day is over: the as-of's own day is not complete yet.
  const last = dayOf(asOfMs - DAY_MS);
  const oldest = [dayOf(Date.parse(since)), dayOf(asOfMs - MAX_DAYS_BACK * DAY_MS), REPORTS_START].sort().at(-1) as string;
  const keep = c.pending.filter((d) => d >= oldest && d <= last);
  const days = new Set(keep);
  let d = c.through !== null && addDays(c.through, 1) > oldest ? addDays(c.through, 1) : oldest;
  for (; d <= last; d = addDays(d, 1)) days.add(d);
  return { days: [...days].sort(), dropped: c.pending.length - keep.length, cursor: c };
}

/** Collects the days not yet fetched; hands one reduced, pod-level report per day to `onPage`. */
export async function collectCopilot(ctx: CollectContext, options: CopilotCollectOptions = {}): Promise<CollectOutcome> {
  const gh = ctx.org.sources.github;
  const bindingId = ctx.binding.id;
  if (!gh || gh.copilot?.enabled !== true) {
    throw new SourceHttpError({ source: SOURCE, bindingId, path: '', reason: 'sources.github.copilot is not enabled in the org config' });
  }
  const tokenEnv = gh.auth.tokenEnv;
  const token = ctx.credentials[tokenEnv];
  if (token === undefined) {
    throw new SourceAuthError({ source: SOURCE, bindingId, path: '', reason: `no value for the GitHub token variable ${tokenEnv}` });
  }
  const baseFetch = ctx.fetch ?? globalThis.fetch;
  const client = new GithubClient({
    baseUrl: gh.baseUrl, token, tokenEnv, bindingId, fetch: baseFetch,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(options.maxWaitSeconds !== undefined ? { maxWaitSeconds: options.maxWaitSeconds } : {}),
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
  });
  let downloads = 0;
  let relinked = 0;
  const minGroupSize = gh.copilot.minGroupSize;
  const teams = podsByTeam(ctx.org);
  const plan = planCopilotDays(ctx.cursor, ctx.asOf, ctx.since);
  const reportPath = (report: string, day: string): string => `/orgs/${encodeURIComponent(gh.org)}/copilot/metrics/reports/${report}?day=${day}`;

  /**
   * The day's download links; 'pending' when GitHub has no report for the day yet (404); 'empty' when it answers
   * 204 No Content (no data for the day, listed in the spec); 'too-old' on 422 for a day beyond the one year it
   * serves (the window is clamped to it, but GitHub counts the year from its own today, not from the as-of).
   */
  const links = async (report: string, day: string): Promise<string[] | 'pending' | 'empty' | 'too-old'> => {
    try {
      const res = await client.get(reportPath(report, day));
      // 204 No Content: the GitHub client reports it as status 204 (with an empty listing as data).
      if (res.status === 204 || res.data === undefined || res.data === null || res.data === '') return 'empty';
      const parsed = reportMetadataSchema.safeParse(res.data);
      if (!parsed.success) {
        throw new MalformedPageError({ source: SOURCE, bindingId, path: pathOnly(reportPath(report, day)), reason: `the ${report} report metadata has no download_links list` });
      }
      return parsed.data.download_links;
    } catch (err) {
      if (err instanceof SourceHttpError && err.status === 404) return 'pending';
      // A 422 for a day near the one-year edge is that limit; a 422 for a recent day is a real error.
      if (err instanceof SourceHttpError && err.status === 422 && day < addDays(dayOf(Math.max(Date.now(), Date.parse(ctx.asOf))), -ONE_YEAR_EDGE_DAYS)) return 'too-old';
      throw relabel(err);
    }
  };

  /** Downloads one signed file; returns null when the link was refused as expired or invalid (403/400). */
  const download = async (url: string): Promise<string | null> => {
    // A signed link is its own credential: no Authorization header goes with it (blob stores reject one).
    downloads += 1;
    let res: Response;
    try {
      res = await baseFetch(url, { ...(ctx.signal ? { signal: ctx.signal } : {}) });
    } catch (err) {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      throw new SourceNetworkError({ source: SOURCE, bindingId, path: pathOnly(url), reason: `downloading a Copilot report file failed before a response (${err instanceof Error ? err.name : 'error'})`, cause: err });
    }
    if (res.status === 403 || res.status === 400) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new SourceHttpError({ source: SOURCE, bindingId, path: pathOnly(url), status: res.status, reason: `a Copilot report file answered HTTP ${res.status}` });
    }
    return res.text();
  };

  /** A whole report for a day as rows; re-requests the links once when a download link has expired. */
  const report = async <S extends z.ZodType>(name: string, day: string, schema: S): Promise<z.infer<S>[] | 'pending' | 'empty' | 'too-old'> => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const urls = await links(name, day);
      if (typeof urls === 'string') return urls;
      const texts: string[] = [];
      let refused = false;
      for (const url of urls) {
        const text = await download(url);
        if (text === null) {
          refused = true;
          break;
        }
        texts.push(text);
      }
      if (!refused) return parseNdjson(texts, schema, bindingId, pathOnly(reportPath(name, day)));
      relinked += 1;
    }
    throw new SourceAuthError({
      source: SOURCE, bindingId, path: pathOnly(reportPath(name, day)), status: 403,
      reason: `the download links of the ${name} report for ${day} were refused twice (expired or invalid signature)`,
    });
  };

  const emit = rawPageEmitter(SOURCE, ctx, COPILOT_ALLOW_LISTS);
  const pending: string[] = [];
  let collected = 0;
  let empty = 0;
  let tooOld = 0;
  for (const day of plan.days) {
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    const memberships = await report('user-teams-1-day', day, userTeamRowSchema);
    const users = typeof memberships === 'string' ? memberships : await report('users-1-day', day, userDayRowSchema);
    if (memberships === 'pending' || users === 'pending') {
      pending.push(day);
      continue;
    }
    if (memberships === 'too-old' || users === 'too-old') {
      tooOld += 1;
      continue;
    }
    if (memberships === 'empty' || users === 'empty') {
      empty += 1;
      continue;
    }
    const body = reduceCopilotDay({ org: gh.org, day, users, memberships, teams, minGroupSize });
    await emit('copilot:team-day', { path: reportPath('users-1-day', day), status: 200, fetchedAt: new Date().toISOString(), body });
    collected += 1;
  }

  const lastPlanned = plan.days.at(-1);
  const through = lastPlanned !== undefined && (plan.cursor.through === null || lastPlanned > plan.cursor.through) ? lastPlanned : plan.cursor.through;
  const notes = [`copilot: ${collected} day report(s) reduced to pod aggregates`];
  if (pending.length > 0) notes.push(`copilot: ${pending.length} day report(s) not available yet (404); retried next run`);
  if (relinked > 0) notes.push(`copilot: ${relinked} expired download link set(s) re-requested`);
  if (empty > 0) notes.push(`copilot: ${empty} day(s) without data (204 No Content)`);
  if (tooOld > 0) notes.push(`copilot: ${tooOld} day(s) older than the one year GitHub serves (422): skipped`);
  if (plan.dropped > 0) notes.push(`copilot: ${plan.dropped} pending day(s) dropped: older than GitHub serves`);
  const cursor: CopilotCursor = { version: 1, through, pending };
  return { cursor: { ...cursor }, requests: client.requests + downloads, notes };
}

/** What GitHub's docs name as the token permission the usage-metrics reports need. */
const PERMISSION_HINT = 'the Copilot usage reports need a token with the organisation permission "View Organization Copilot Metrics" (fine-grained) or the read:org scope (classic)';

function relabel(err: unknown): unknown {
  // The GitHub client names the source `github`; these requests belong to the Copilot binding.
  if (err instanceof SourceError && err.source === 'github') {
    const o = { source: SOURCE, bindingId: err.bindingId, path: err.path ?? '', reason: err.reason, cause: err, ...(err.status !== undefined ? { status: err.status } : {}) };
    // A token that reads repositories but not the reports: say which permission the reports need.
    if (err instanceof SourceAuthError && err.status === 403) return new SourceAuthError({ ...o, reason: `${err.reason}; ${PERMISSION_HINT}` });
    if (err instanceof SourceAuthError) return new SourceAuthError(o);
    if (err instanceof SourceNetworkError) return new SourceNetworkError(o);
    if (err instanceof MalformedPageError) return new MalformedPageError(o);
    return new SourceHttpError(o);
  }
  return err;
}

function parseNdjson<S extends z.ZodType>(texts: readonly string[], schema: S, bindingId: string, path: string): z.infer<S>[] {
  const rows: z.infer<S>[] = [];
  for (const text of texts) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw new MalformedPageError({ source: SOURCE, bindingId, path, reason: `line ${i + 1} of a report file is not JSON`, cause: err });
      }
      const parsed = schema.safeParse(value);
      // The zod message may quote the row (with its login): keep only the field names.
      if (!parsed.success) {
        throw new MalformedPageError({
          source: SOURCE, bindingId, path,
          reason: `line ${i + 1} of a report file lacks ${parsed.error.issues.map((x) => x.path.join('.')).join(', ') || 'expected fields'}`,
        });
      }
      rows.push(parsed.data as z.infer<S>);
    }
  }
  return rows;
}
