import { writeFileSync } from 'node:fs';
import { silentLogger } from '../../shared/kernel/index.js';
import { boundModels, listBindings, listUnits } from '../../shared/org/index.js';
import type { OrgConfig } from '../../shared/org/index.js';
import { collectAll, defaultScorer, envCredentialResolver, handlePlan, handleScore, schedulerEvent } from '../../shared/pipeline/index.js';
import { defaultSources } from '../../shared/sources/index.js';
import type { PipelineDeps } from '../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, startSandboxes } from '../../shared/sandbox/index.js';
import type { GithubWorld } from '../../shared/sandbox/index.js';
import type { JiraWorld } from '../../shared/sandbox/jira/world.js';
import type { MlflowWorld } from '../../shared/sandbox/mlflow/world.js';
import { openStores } from '../../shared/storage/index.js';
import type { BindingOutcome, StorageCallCounts } from '../../shared/storage/index.js';
import { buildBigOrg, pointOrgAt } from './lib/big-org.js';
import { figure, since } from './lib/figures.js';
import type { Figure } from './lib/figures.js';
import { runNaiveSync } from './naive.js';

// Section 1 (sync efficiency) and section 3 (storage calls), measured on one generated organisation served by the
// product's own sandboxes and collected by the product's pipeline (plan → collect → score, the handler functions).
// Requests are counted where they arrive (each sandbox's request log), so the product and the naive baseline are
// counted the same way.

const DAY_MS = 86_400_000;
const ceil = (n: number, page: number): number => Math.max(1, Math.ceil(n / page));

/** Inputs of the sync section. */
export interface SyncShape {
  pods: number;
  reposPerPod: number;
  weeks: number;
  anchor: Date;
}

/** What the sync section hands to the others: per-binding costs for the capacity model, activities for scoring. */
export interface SyncResult {
  figures: Figure[];
  detail: Record<string, unknown>;
  org: OrgConfig;
  asOf: string;
  perBinding: {
    full: Record<string, number>;
    incremental: Record<string, number>;
    bindings: Record<string, number>;
    repos: number;
    /** Mean wall time of one binding's collect, in seconds (the Lambda duration proxy). */
    fullSeconds: number;
    incrementalSeconds: number;
    scoreSeconds: number;
  };
  /**
   * Storage calls of the full run; `partitions` (month partition objects) and `indexed` (bindings with a partition
   * index, i.e. with any activity) as the full run left them, for the S3 minimum.
   */
  storage: { full: StorageCallCounts; cards: number; bindings: number; pages: number; partitions: number; indexed: number };
  /** Closes the sandboxes and stores (kept open for the storage/API measurements). */
  deps: PipelineDeps;
  close(): Promise<void>;
}

/** The minimum requests for a full sync, per source: Σ over listings of ceil(items ÷ the API's maximum page). */
function minimumRequests(org: OrgConfig, worlds: { github: GithubWorld; jira: JiraWorld; mlflow: MlflowWorld }): Record<string, number> {
  const min: Record<string, number> = { jira: 0, github: 0, mlflow: 0 };
  const { github, jira, mlflow } = worlds;
  const issuesByProject = new Map<string, Array<{ histories: number }>>();
  for (const i of jira.issues.values()) {
    const list = issuesByProject.get(i.projectKey) ?? [];
    list.push({ histories: i.histories.length });
    issuesByProject.set(i.projectKey, list);
  }
  for (const unit of listUnits(org)) {
    const s = unit.sources;
    if (s.github) {
      const repos = new Set(s.github.repos ?? []);
      if (s.github.team) {
        const teamRepos = github.teams.get(s.github.team) ?? [];
        min.github = (min.github ?? 0) + ceil(teamRepos.length, 100);
        teamRepos.forEach((r) => repos.add(r));
      }
      for (const name of repos) {
        const r = github.repos.get(name);
        if (!r) continue;
        min.github = (min.github ?? 0) + ceil(r.pulls.length, 100) + ceil(r.commits.length, 100) + ceil(r.runs.length, 100) + ceil(r.deployments.length, 100) + ceil(r.releases.length, 100);
        for (const pr of r.pulls) min.github += ceil(r.reviews.get(pr.number)?.length ?? 0, 100);
        for (const d of r.deployments) min.github += ceil(r.statuses.get(d.id)?.length ?? 0, 100);
      }
    }
    if (s.jira?.projects) {
      const issues = s.jira.projects.flatMap((p) => issuesByProject.get(p) ?? []);
      // Search with fields and changelog: 100 per page; histories beyond the 20 inlined: 100 per changelog page.
      min.jira = (min.jira ?? 0) + ceil(issues.length, 100);
      for (const i of issues) if (i.histories > 20) min.jira += ceil(i.histories, 100);
      for (const p of s.jira.projects) {
        const boards = jira.boards.filter((b) => b.projectKey === p && b.type === 'scrum');
        min.jira += ceil(boards.length, 50);
        for (const b of boards) min.jira += ceil(jira.sprints.filter((x) => x.boardId === b.id).length, 50);
      }
    }
    if (s.mlflow) {
      const names = s.mlflow.experiments ?? [];
      const ids = new Set(mlflow.experiments.filter((e) => names.includes(e.name)).map((e) => e.experiment_id));
      min.mlflow = (min.mlflow ?? 0) + names.length;
      if (names.length > 0) min.mlflow += ceil(mlflow.runs.filter((r) => ids.has(r.info.experiment_id)).length, 50_000);
    }
  }
  // Registered models: one registered-models/search page per 1,000 bound models (the organisation's registry
  // binding), then each bound model's versions once, however many units bind it.
  const models = [...boundModels(org).keys()];
  if (models.length > 0) min.mlflow = (min.mlflow ?? 0) + ceil(models.length, 1_000);
  for (const m of models) min.mlflow = (min.mlflow ?? 0) + ceil(mlflow.versions.filter((v) => v.name === m).length, 10_000);
  return min;
}

function worldItems(worlds: { github: GithubWorld; jira: JiraWorld; mlflow: MlflowWorld }): Record<string, number> {
  let pulls = 0;
  for (const r of worlds.github.repos.values()) pulls += r.pulls.length;
  return { repos: worlds.github.repos.size, pulls, issues: worlds.jira.issues.size, mlflowRuns: worlds.mlflow.runs.length, modelVersions: worlds.mlflow.versions.length };
}

/**
 * GitHub rate-limit points spent so far: every REST request except a conditional 304 (free with Authorization,
 * API-FACTS §2) plus the GraphQL points the sandbox charged by GitHub's cost formula (./shared/sandbox/github/graphql.ts).
 */
function githubPoints(world: GithubWorld): { rest: number; graphql: number } {
  const rest = world.requestLog.filter((r) => r.status !== 304 && r.path !== '/graphql').length;
  return { rest, graphql: world.graphqlBudget.used };
}

function pointsSince(world: GithubWorld, before: { rest: number; graphql: number }): { rest: number; graphql: number; total: number } {
  const now = githubPoints(world);
  const rest = now.rest - before.rest;
  const graphql = now.graphql - before.graphql;
  return { rest, graphql, total: rest + graphql };
}

function logCounts(worlds: { github: GithubWorld; jira: JiraWorld; mlflow: MlflowWorld }): Record<string, number> {
  return { github: worlds.github.requestLog.length, jira: worlds.jira.requestLog.length, mlflow: worlds.mlflow.requestLog.length };
}

function diff(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(a).map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)]));
}

const sum = (r: Record<string, number>): number => Object.values(r).reduce((n, v) => n + v, 0);

/** Generates the organisation, runs full, incremental and naive syncs, and returns the figures. */
export async function runSyncBench(shape: SyncShape, log: (line: string) => void, activitiesFile: string): Promise<SyncResult> {
  const baseOrg = buildBigOrg({ pods: shape.pods, reposPerPod: shape.reposPerPod });
  let t = performance.now();
  const sandboxes = await startSandboxes({ org: baseOrg, port: 0, anchor: shape.anchor, weeks: shape.weeks });
  const generateMs = since(t);
  const worlds = { github: sandboxes.worlds.github, jira: sandboxes.worlds.jira as JiraWorld, mlflow: sandboxes.worlds.mlflow as MlflowWorld };
  // The benchmark measures requests, not waiting for a refill: lift the sandbox's hourly budget for this run.
  worlds.github.rateBudget = { ...worlds.github.rateBudget, limit: 100_000_000 };
  const items = worldItems(worlds);
  log(`  generated ${JSON.stringify(items)} in ${(generateMs / 1000).toFixed(1)} s`);
  const org = pointOrgAt(baseOrg, sandboxes.urls);
  const opened = await openStores({ RADAR_TABLE: 'radar', RADAR_BUCKET: 'radar-data' }, { mode: 'local', inMemory: true });
  const credentials = { ...DEMO_CREDENTIALS };
  const deps: PipelineDeps = { org, stores: opened.stores, scorer: defaultScorer(), sources: defaultSources(), credentials: envCredentialResolver(credentials), logger: silentLogger };
  const asOf = shape.anchor.toISOString();
  const bindings = listBindings(org);
  const bindingsBySource: Record<string, number> = {};
  for (const b of bindings) bindingsBySource[b.source] = (bindingsBySource[b.source] ?? 0) + 1;
  const minimum = minimumRequests(org, worlds);

  // Full sync: plan + collect (the Distributed Map's work), then score, as runScheduled does, split for timing.
  const before = logCounts(worlds);
  const pointsBefore = githubPoints(worlds.github);
  t = performance.now();
  const plan = await handlePlan(deps, schedulerEvent(asOf));
  const outcomes = await collectAll(deps, plan, {});
  const fullMs = since(t);
  const full = diff(logCounts(worlds), before);
  const fullPoints = pointsSince(worlds.github, pointsBefore);
  const failed = outcomes.filter((o) => o.status !== 'ok');
  if (failed.length > 0) log(`  ${failed.length} binding(s) failed: ${failed.slice(0, 3).map((o) => `${o.bindingId} ${o.errorCode ?? ''}`).join('; ')}`);
  t = performance.now();
  const run = await handleScore(deps, { runId: plan.runId, asOf: plan.asOf });
  const scoreMs = since(t);
  const storageFull = opened.stores.metrics();
  log(`  full sync ${sum(full)} requests in ${(fullMs / 1000).toFixed(1)} s; score ${(scoreMs / 1000).toFixed(1)} s, ${run.unitsScored} units`);
  const normalisedKeys = await opened.stores.objects.listKeys('normalised/');
  const indexed = normalisedKeys.filter((k) => k.endsWith('/index.json.gz')).length;
  const partitions = normalisedKeys.filter((k) => k.endsWith('.jsonl.gz')).length;

  // Incremental sync of the unchanged organisation: the next day's scheduled run.
  opened.stores.resetMetrics();
  const nextAsOf = new Date(shape.anchor.getTime() + DAY_MS).toISOString();
  const beforeIncr = logCounts(worlds);
  const pointsBeforeIncr = githubPoints(worlds.github);
  t = performance.now();
  const plan2 = await handlePlan(deps, schedulerEvent(nextAsOf));
  const outcomes2 = await collectAll(deps, plan2, {});
  const incrMs = since(t);
  const incremental = diff(logCounts(worlds), beforeIncr);
  const incrementalPoints = pointsSince(worlds.github, pointsBeforeIncr);
  await handleScore(deps, { runId: plan2.runId, asOf: plan2.asOf });
  const storageIncr = opened.stores.metrics();
  const normalisedBytes = storageIncr.putBytes.normalised ?? 0;
  log(`  incremental sync ${sum(incremental)} requests in ${(incrMs / 1000).toFixed(1)} s; ${normalisedBytes} normalised bytes written`);

  // Naive baseline on the same data, same bindings, same concurrency.
  const beforeNaive = logCounts(worlds);
  const pointsBeforeNaive = githubPoints(worlds.github);
  t = performance.now();
  const naiveItems = await runNaiveSync(org, credentials, { since: new Date(Date.parse(asOf) - org.settings.historyDays * DAY_MS).toISOString(), asOf });
  const naiveMs = since(t);
  const naive = diff(logCounts(worlds), beforeNaive);
  const naivePoints = pointsSince(worlds.github, pointsBeforeNaive);
  log(`  GitHub rate-limit points: full ${fullPoints.total} (REST ${fullPoints.rest} + GraphQL ${fullPoints.graphql}), incremental ${incrementalPoints.total}, naive REST ${naivePoints.total}`);
  log(`  naive baseline ${sum(naive)} requests in ${(naiveMs / 1000).toFixed(1)} s`);

  // Activities for the scoring section: the real normalised output of this sync, one JSON line per binding.
  const lines: string[] = [];
  for (const b of bindings) lines.push(JSON.stringify({ bindingId: b.id, unit: b.unit, source: b.source, activities: await opened.stores.objects.loadActivities(b.id) }));
  writeFileSync(activitiesFile, `${lines.join('\n')}\n`);

  const sec = '1 sync';
  const scale = `${shape.pods} pods, ${items.repos} repos, ${items.issues} issues, ${items.mlflowRuns} MLflow runs, ${shape.weeks} weeks`;
  const figures: Figure[] = [
    figure(sec, 'full sync requests ÷ minimum', sum(full) / sum(minimum), '×', 1.05, 'max', `${sum(full)} requests, minimum ${sum(minimum)} (${scale})`),
  ];
  for (const s of ['github', 'jira', 'mlflow']) {
    figures.push(figure(sec, `  ${s}: full ÷ minimum`, (full[s] ?? 0) / (minimum[s] ?? 1), '×', 1.05, 'max', `${full[s] ?? 0} of minimum ${minimum[s] ?? 0}`));
  }
  figures.push(figure(sec, 'naive baseline requests ÷ minimum', sum(naive) / sum(minimum), '×', null, 'info', `${sum(naive)} requests (octokit per_page 30, jira.js maxResults 50, MLflow max_results 1,000)`));
  for (const s of ['github', 'jira', 'mlflow']) {
    figures.push(figure(sec, `  ${s}: naive ÷ minimum`, (naive[s] ?? 0) / (minimum[s] ?? 1), '×', null, 'info', `${naive[s] ?? 0} requests`));
  }
  figures.push(figure(sec, 'product ÷ naive requests', sum(full) / sum(naive), '×', 1, 'max'));
  // GitHub's budget is points, not requests: REST requests (304s free) plus each GraphQL query's rateLimit cost.
  const ghBindings = bindingsBySource.github ?? 1;
  figures.push(figure(sec, 'github: full-sync rate-limit points ÷ naive REST', fullPoints.total / Math.max(1, naivePoints.total), '×', 0.1, 'max',
    `full ${fullPoints.total} points (REST ${fullPoints.rest} + GraphQL ${fullPoints.graphql}) vs naive ${naivePoints.total}`));
  figures.push(figure(sec, 'github: incremental rate-limit points per binding', incrementalPoints.total / ghBindings, 'pt', 1, 'max',
    `${incrementalPoints.total} points (REST ${incrementalPoints.rest} + GraphQL ${incrementalPoints.graphql}) over ${ghBindings} bindings`));
  figures.push(figure(sec, 'incremental requests per binding', sum(incremental) / bindings.length, 'req', 1, 'max', `${sum(incremental)} requests over ${bindings.length} bindings`));
  for (const s of ['github', 'jira', 'mlflow']) {
    figures.push(figure(sec, `  ${s}: incremental per binding`, (incremental[s] ?? 0) / (bindingsBySource[s] ?? 1), 'req', 1, 'max', `${incremental[s] ?? 0} over ${bindingsBySource[s] ?? 0} bindings`));
  }
  figures.push(figure(sec, 'full sync wall time (plan + collect)', fullMs / 1000, 's', null, 'info', `${Math.round(sum(full) / (fullMs / 1000))} req/s; score step ${(scoreMs / 1000).toFixed(1)} s`));
  figures.push(figure(sec, 'naive baseline wall time', naiveMs / 1000, 's', null, 'info', `${Math.round(sum(naive) / (naiveMs / 1000))} req/s (reads only, stores nothing)`));
  figures.push(figure(sec, 'incremental sync wall time', incrMs / 1000, 's', null, 'info'));
  // PutObject body bytes under normalised/ during the whole incremental run (plan, collect, score), counted by the
  // storage layer's SDK middleware: the sandboxes served nothing new, so nothing should be rewritten.
  figures.push(figure(sec, 'normalised bytes written, incremental run of an unchanged org', normalisedBytes, 'bytes', 0, 'max',
    `${storageIncr.calls['s3.PutObject'] ?? 0} PutObject calls in the run (raw pages and outcomes included)`));

  const pages = outcomes.reduce((n, o: BindingOutcome) => n + o.pages, 0);
  const perSource = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v / (bindingsBySource[k] ?? 1)]));
  return {
    figures,
    detail: {
      scale: { ...items, pods: shape.pods, weeks: shape.weeks, bindings: bindings.length, bindingsBySource, generateSeconds: generateMs / 1000 },
      requests: { minimum, full, incremental, naive },
      githubPoints: { full: fullPoints, incremental: incrementalPoints, naive: naivePoints },
      naiveItems,
      seconds: { full: fullMs / 1000, score: scoreMs / 1000, incremental: incrMs / 1000, naive: naiveMs / 1000 },
      failedBindings: failed.length,
      failedIncremental: outcomes2.filter((o) => o.status !== 'ok').length,
      storageIncremental: storageIncr,
    },
    org,
    asOf,
    perBinding: {
      full: perSource(full), incremental: perSource(incremental), bindings: bindingsBySource, repos: items.repos ?? 0,
      fullSeconds: outcomes.reduce((n, o) => n + o.durationMs, 0) / 1000 / outcomes.length,
      incrementalSeconds: outcomes2.reduce((n, o) => n + o.durationMs, 0) / 1000 / outcomes2.length,
      scoreSeconds: scoreMs / 1000,
    },
    storage: { full: storageFull, cards: run.unitsScored, bindings: bindings.length, pages, partitions, indexed },
    deps,
    close: async () => {
      await opened.close();
      await sandboxes.close();
    },
  };
}
