import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import * as z from 'zod';
import type { LoggerPort } from '../kernel/index.js';
import { parseUnitRef } from '../org/index.js';
import type { UnitKind, UnitRef } from '../org/index.js';
import type { UnitScorecard } from '../scoring/types.js';
import type { RunStore, SnapshotStore } from '../storage/ports.js';
import type { AsOfsResponse, AttributionResponse, GridResponse, OrgTrendResponse, OverviewResponse, RunsResponse, UnitPageResponse, UnitsResponse, UnitTrendResponse } from './contract.js';
import {
  InvalidRequestError,
  OutOfScopeError,
  PROBLEM_CONTENT_TYPE,
  ResourceNotFoundError,
  UnauthenticatedError,
  toProblem,
} from './errors.js';
import { ALL_UNITS, canRead } from './scope.js';
import type { Scope } from './scope.js';
import { defaultRubric } from '../rubric/index.js';
import {
  buildAttribution,
  buildGrid,
  buildMovers,
  buildOrgTrend,
  buildRunSummary,
  buildUnitResponse,
  buildUnitSummaries,
  buildUnitTrend,
  findRubricChanges,
  pickBaseline,
} from './views.js';
import {
  attributionFromSummary,
  baselinePointFromSummary,
  downsample,
  gridFromSummary,
  orgTrendFromSummary,
  SUMMARY_PERIODS,
  unitsFromSummary,
} from './summaries.js';

/** What the API needs: read ports only, and how to turn a request into the caller's scope. */
export interface ApiDeps {
  snapshots: SnapshotStore;
  runs: RunStore;
  /** Defaults to "all units" (local mode); in AWS the JWT authoriser. Throws UnauthenticatedError for 401. */
  authorise?: (req: Request) => Promise<Scope>;
  logger?: LoggerPort;
}

type ApiEnv = { Variables: { scope: Scope } };

// Parameter schemas. An as-of is an ISO date or an ISO date-time with offset, as the pipeline writes them.
const asOfSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'must be an ISO 8601 date (2026-11-23) or date-time',
});
const unitSchema = z.string().refine((s) => parseUnitRef(s) !== null, {
  message: 'must be a unit such as pod:recsys, domain:supply-chain, network:nlp, lab:generative-ai, steering or org',
});
const kindSchema = z.enum(['pod', 'domain', 'network', 'lab', 'steering', 'org']);
const intIn = (min: number, max: number, dflt: number) =>
  z.coerce.number().int(`must be a whole number from ${min} to ${max}`).min(min).max(max).default(dflt);

const unitQuery = z.object({ asOf: asOfSchema.optional() });
const unitsQuery = z.object({ kind: kindSchema.optional(), weeks: intIn(1, 104, 4) });
const moversQuery = z.object({ kind: z.union([kindSchema, z.literal('all')]).default('pod'), weeks: intIn(1, 104, 4), limit: intIn(1, 50, 5) });
const gridQuery = z.object({ asOf: asOfSchema.optional() });
const attributionQuery = z.object({ weeks: intIn(1, 104, 4) });
const overviewQuery = z.object({ weeks: intIn(1, 104, 4), asOf: asOfSchema.optional() });
const runsQuery = z.object({ limit: intIn(1, 100, 10) });

/** Validates request input; the first problem becomes the 400's detail (`field: reason`). */
function parseInput<S extends z.ZodType>(schema: S, input: unknown, path: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new InvalidRequestError({ reason: `${where}${issue?.message ?? 'invalid input'}`, path });
}

// Snapshots change at most once per scheduled run, but answers depend on the caller's scope, so caches must be
// private and revalidate; the ETag makes revalidation a cheap 304.
const CACHE_CONTROL = 'private, no-cache';

function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  // Weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored.
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Sends JSON with an ETag of the exact bytes; a matching If-None-Match gets 304 with no body. */
function sendJson(c: Context<ApiEnv>, data: unknown): Response {
  const body = JSON.stringify(data);
  const etag = etagOf(body);
  const headers = { ETag: etag, 'Cache-Control': CACHE_CONTROL, Vary: 'Authorization' };
  if (matchesEtag(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
  return c.body(body, 200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
}

function requireReadable(scope: Scope, unit: UnitRef, path: string): void {
  if (!canRead(scope, unit)) throw new OutOfScopeError({ unit, path });
}

/**
 * Builds the dashboard's API (routes under /api). It knows nothing about Lambda or sockets: serve it with
 * @hono/node-server locally or hono/aws-lambda in AWS, and test it with `app.request()`.
 * @example const app = buildApiApp({ snapshots, runs }); const res = await app.request('/api/units');
 */
export function buildApiApp(deps: ApiDeps): Hono<ApiEnv> {
  const { snapshots, runs } = deps;
  // Routes that make several snapshot reads take one read session per request when the adapter offers it, so
  // their reads share one read of the as-of markers.
  const readSnapshots = (): SnapshotStore => deps.snapshots.readSession?.() ?? deps.snapshots;
  /** The latest as-of and the one `weeks` before it, with every unit's card at each (two snapshot reads). */
  const loadLatestAndBaseline = async (session: SnapshotStore, weeks: number, at?: string) => {
    const asOfs = await session.listAsOfs();
    const to = at !== undefined ? (asOfs.includes(at) ? at : null) : (asOfs[asOfs.length - 1] ?? null);
    const from = to ? pickBaseline(asOfs, to, weeks) : null;
    const [latest, baseline] = await Promise.all([
      to ? session.loadAllAt(to) : Promise.resolve([] as UnitScorecard[]),
      from ? session.loadAllAt(from) : Promise.resolve([] as UnitScorecard[]),
    ]);
    return { to, from, latest, baseline };
  };
  const authorise = deps.authorise ?? (() => Promise.resolve(ALL_UNITS));
  const app = new Hono<ApiEnv>();

  app.onError((err, c) => {
    const problem = toProblem(err, { instance: c.req.path, logger: deps.logger });
    const headers: Record<string, string> = { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store' };
    if (err instanceof UnauthenticatedError) headers['WWW-Authenticate'] = 'Bearer';
    return c.body(JSON.stringify(problem), problem.status as 400, headers);
  });
  app.notFound((c) => {
    throw new ResourceNotFoundError({ reason: `no route ${c.req.method} ${c.req.path}`, path: c.req.path });
  });

  app.use('/api/*', async (c, next) => {
    c.set('scope', await authorise(c.req.raw));
    await next();
  });

  app.get('/api/asofs', async (c) => {
    const body: AsOfsResponse = { asOfs: await snapshots.listAsOfs() };
    return sendJson(c, body);
  });

  // Several histories in one store call when the adapter batches them (DynamoDB then reads the as-of markers once
  // instead of once per unit), else one call per unit in parallel.
  const loadHistories = (store: SnapshotStore, units: readonly UnitRef[]): Promise<UnitScorecard[][]> =>
    units.length === 0
      ? Promise.resolve([])
      : store.loadHistories
        ? store.loadHistories(units)
        : Promise.all(units.map((u) => store.loadUnitHistory(u)));

  // Executive view: the org unit's history plus each domain's history (their rollups carry the pods' levels),
  // so the cost is 1 + number of domains store reads whatever the length of history; in a read session the
  // as-of markers are read once for all of them.
  /** The executive trend from the org and domain histories (up to `to` when given): the reads before summaries. */
  const loadOrgTrend = async (session: SnapshotStore, scope: Scope, to?: string): Promise<OrgTrendResponse> => {
    const range = to !== undefined ? { to } : {};
    const orgHistory = await session.loadUnitHistory('org', range);
    const last = orgHistory[orgHistory.length - 1];
    let domainRefs = (last?.rollup?.members ?? []).map((m) => m.unit).filter((u) => u.startsWith('domain:'));
    if (last && domainRefs.length === 0) {
      domainRefs = (await session.loadAllAt(last.asOf)).filter((x) => x.kind === 'domain').map((x) => x.unit);
    }
    const domainHistories =
      to !== undefined && session.loadHistories ? await session.loadHistories(domainRefs, range) : await loadHistories(session, domainRefs);
    return buildOrgTrend(scope, orgHistory, domainHistories);
  };

  // Executive view: the org unit's history plus each domain's history (their rollups carry the pods' levels),
  // so the cost is 1 + number of domains store reads whatever the length of history; in a read session the
  // as-of markers are read once for all of them.
  app.get('/api/org/trend', async (c) => {
    return sendJson(c, await loadOrgTrend(readSnapshots(), c.get('scope')));
  });

  /** The grid at an as-of (latest when omitted) from every card of that as-of: the read before summaries. */
  const loadGrid = async (session: SnapshotStore, scope: Scope, path: string, at?: string): Promise<GridResponse> => {
    const asOfs = await session.listAsOfs();
    const asOf = at ?? asOfs[asOfs.length - 1];
    if (asOf === undefined) return { asOf: null, dimensions: [], domains: [], networks: [], rows: [] };
    const cards = await session.loadAllAt(asOf);
    if (at && cards.length === 0) throw new ResourceNotFoundError({ reason: `no snapshot at ${at} (see /api/asofs)`, path });
    return buildGrid(scope, cards);
  };

  /** "Why it moved" from the two full snapshots: the read before summaries. */
  const loadAttribution = async (session: SnapshotStore, scope: Scope, weeks: number, at?: string): Promise<AttributionResponse> => {
    const { to, from, latest, baseline } = await loadLatestAndBaseline(session, weeks, at);
    return buildAttribution(scope, { latest, baseline, weights: defaultRubric.scoring.organisation, weeks, from, to });
  };

  /** The stored view summary, or null when there is none to serve from (the routes then take the full reads). */
  const loadSummary = (asOf?: string) => (deps.snapshots.loadSummary ? deps.snapshots.loadSummary(asOf) : Promise.resolve(null));

  // Everything the executive view draws in one request. From the as-of's summary this is two DynamoDB calls (the
  // latest pointer and one Query) whatever the number of weeks; without one, the full reads of the routes above.
  app.get('/api/overview', async (c) => {
    const scope = c.get('scope');
    const q = parseInput(overviewQuery, c.req.query(), c.req.path);
    const weights = defaultRubric.scoring.organisation;
    const stored = await loadSummary(q.asOf);
    const session = readSnapshots();
    if (stored) {
      const { view } = stored;
      const attribution = attributionFromSummary(scope, view, q.weeks, weights) ?? (await loadAttribution(session, scope, q.weeks, stored.asOf));
      // Pods-by-level counts cannot be re-scoped from stored aggregates: a caller who sees some units gets the full reads.
      const trend = scope.kind === 'all' ? orgTrendFromSummary(view) : await loadOrgTrend(session, scope, stored.asOf);
      const basePoint = baselinePointFromSummary(scope, view, q.weeks) ?? trend.points.find((p) => p.asOf === attribution.from) ?? null;
      return sendJson(c, { asOf: stored.asOf, trend, grid: gridFromSummary(scope, view), attribution, basePoint } satisfies OverviewResponse);
    }
    if (q.asOf && !(await session.listAsOfs()).includes(q.asOf)) {
      throw new ResourceNotFoundError({ reason: `no snapshot at ${q.asOf} (see /api/asofs)`, path: c.req.path });
    }
    const [trend, grid, attribution] = await Promise.all([
      loadOrgTrend(session, scope, q.asOf),
      loadGrid(session, scope, c.req.path, q.asOf),
      loadAttribution(session, scope, q.weeks, q.asOf),
    ]);
    const basePoint = trend.points.find((p) => p.asOf === attribution.from) ?? null;
    return sendJson(c, { asOf: grid.asOf, trend, grid, attribution, basePoint } satisfies OverviewResponse);
  });

  /** Each unit's domain and networks (from the grid rows), for the units list's filters. */
  const placementOf = (grid: GridResponse): NonNullable<UnitsResponse['placement']> => ({
    domains: grid.domains,
    networks: grid.networks,
    rows: grid.rows.map((r) => ({ unit: r.unit, domain: r.domain, networks: r.networks })),
  });

  app.get('/api/units', async (c) => {
    const scope = c.get('scope');
    const q = parseInput(unitsQuery, c.req.query(), c.req.path);
    const stored = await loadSummary();
    const fromSummary = stored ? unitsFromSummary(scope, stored.view, q.weeks, q.kind as UnitKind | undefined) : null;
    if (stored && fromSummary) {
      const body: UnitsResponse = { asOf: stored.asOf, ...fromSummary, placement: placementOf(gridFromSummary(scope, stored.view)) };
      return sendJson(c, body);
    }
    const session = readSnapshots();
    const asOfs = await session.listAsOfs();
    const latestAsOf = asOfs[asOfs.length - 1];
    if (latestAsOf === undefined) return sendJson(c, { asOf: null, deltaFrom: null, units: [] } satisfies UnitsResponse);
    const baseAsOf = pickBaseline(asOfs, latestAsOf, q.weeks);
    const [latest, baseline] = await Promise.all([
      session.loadAllAt(latestAsOf),
      baseAsOf ? session.loadAllAt(baseAsOf) : Promise.resolve([] as UnitScorecard[]),
    ]);
    const body: UnitsResponse = {
      asOf: latestAsOf,
      deltaFrom: baseAsOf,
      units: buildUnitSummaries(scope, latest, baseline, q.kind as UnitKind | undefined),
      placement: placementOf(buildGrid(scope, latest)),
    };
    return sendJson(c, body);
  });

  app.get('/api/units/:unit', async (c) => {
    const unit = parseInput(unitSchema, c.req.param('unit'), c.req.path);
    const q = parseInput(unitQuery, c.req.query(), c.req.path);
    requireReadable(c.get('scope'), unit, c.req.path);
    const card = await snapshots.loadScorecard(unit, q.asOf);
    if (!card) {
      throw new ResourceNotFoundError({
        reason: q.asOf ? `no snapshot of ${unit} at ${q.asOf} (see /api/asofs)` : `no snapshot of ${unit} yet`,
        path: c.req.path,
      });
    }
    return sendJson(c, buildUnitResponse(c.get('scope'), card));
  });

  // A unit's page in one request: from the unit's trend points this is at most three DynamoDB calls (the latest
  // pointer, one Query of the unit's partition, one BatchGetItem of the cards it shows) whatever the history.
  app.get('/api/units/:unit/page', async (c) => {
    const unit = parseInput(unitSchema, c.req.param('unit'), c.req.path);
    const q = parseInput(unitQuery, c.req.query(), c.req.path);
    const scope = c.get('scope');
    requireReadable(scope, unit, c.req.path);
    const notFound = () =>
      new ResourceNotFoundError({ reason: q.asOf ? `no snapshot of ${unit} at ${q.asOf} (see /api/asofs)` : `no snapshot of ${unit} yet`, path: c.req.path });
    const page = snapshots.loadUnitPage ? await snapshots.loadUnitPage(unit, q.asOf) : null;
    let card: UnitScorecard | null;
    let trend: UnitTrendResponse | null;
    let previous: UnitScorecard | null;
    let fourWeeks: UnitScorecard | null;
    if (page) {
      card = page.card;
      if (!card) throw notFound();
      trend = { unit, kind: card.kind, name: card.name, points: page.points, rubricChanges: findRubricChanges(page.points) };
      ({ previous, fourWeeks } = page);
    } else {
      const [c0, history] = await Promise.all([snapshots.loadScorecard(unit, q.asOf), snapshots.loadUnitHistory(unit)]);
      card = c0;
      if (!card) throw notFound();
      trend = buildUnitTrend(history, unit);
      const at = card.asOf;
      const idx = history.findIndex((h) => h.asOf === at);
      const cutoff = Date.parse(at) - 28 * 86_400_000;
      previous = idx > 0 ? (history[idx - 1] ?? null) : null;
      fourWeeks = [...history].reverse().find((h) => Date.parse(h.asOf) <= cutoff) ?? null;
    }
    if (!trend) throw notFound();
    const asOfs = trend.points.map((p) => p.asOf);
    const body: UnitPageResponse = {
      ...buildUnitResponse(scope, card),
      trend: { ...trend, points: downsample(trend.points), asOfs },
      previous: previous ? buildUnitResponse(scope, previous).scorecard : null,
      fourWeeks: fourWeeks ? buildUnitResponse(scope, fourWeeks).scorecard : null,
    };
    return sendJson(c, body);
  });

  app.get('/api/units/:unit/trend', async (c) => {
    const unit = parseInput(unitSchema, c.req.param('unit'), c.req.path);
    requireReadable(c.get('scope'), unit, c.req.path);
    const trend = buildUnitTrend(await snapshots.loadUnitHistory(unit), unit);
    if (!trend) throw new ResourceNotFoundError({ reason: `no snapshot of ${unit} yet`, path: c.req.path });
    return sendJson(c, trend);
  });

  app.get('/api/movers', async (c) => {
    const session = readSnapshots();
    const q = parseInput(moversQuery, c.req.query(), c.req.path);
    const kind = q.kind as UnitKind | 'all';
    const stored = SUMMARY_PERIODS.includes(q.weeks) ? await loadSummary() : null;
    const base = stored?.view.baselines.find((b) => b.weeks === q.weeks);
    if (stored && base) {
      return sendJson(c, buildMovers(c.get('scope'), { latest: stored.view.cards, baseline: base.cards, kind, weeks: q.weeks, limit: q.limit, from: base.asOf, to: stored.asOf }));
    }
    const { to, from, latest, baseline } = await loadLatestAndBaseline(session, q.weeks);
    return sendJson(c, buildMovers(c.get('scope'), { latest, baseline, kind, weeks: q.weeks, limit: q.limit, from, to }));
  });

  // The rubric matrix: one snapshot read (every unit at one as-of) whatever the number of units.
  app.get('/api/grid', async (c) => {
    const q = parseInput(gridQuery, c.req.query(), c.req.path);
    const stored = await loadSummary(q.asOf);
    if (stored) return sendJson(c, gridFromSummary(c.get('scope'), stored.view));
    return sendJson(c, await loadGrid(readSnapshots(), c.get('scope'), c.req.path, q.asOf));
  });

  // "Why it moved": the same two snapshot reads as /api/movers, split by the organisation score's kind weights.
  app.get('/api/attribution', async (c) => {
    const q = parseInput(attributionQuery, c.req.query(), c.req.path);
    const scope = c.get('scope');
    const stored = SUMMARY_PERIODS.includes(q.weeks) ? await loadSummary() : null;
    const fromSummary = stored ? attributionFromSummary(scope, stored.view, q.weeks, defaultRubric.scoring.organisation) : null;
    return sendJson(c, fromSummary ?? (await loadAttribution(readSnapshots(), scope, q.weeks)));
  });

  app.get('/api/runs', async (c) => {
    const q = parseInput(runsQuery, c.req.query(), c.req.path);
    const scope = c.get('scope');
    const body: RunsResponse = { runs: (await runs.listRuns(q.limit)).map((r) => buildRunSummary(scope, r)) };
    return sendJson(c, body);
  });

  return app;
}
