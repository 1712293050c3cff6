import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { listBindings, listUnits, orgConfigSchema } from '../../shared/org/index.js';
import type { OrgConfig, Unit, UnitRef } from '../../shared/org/index.js';
import { maturityAt, seedFor, seededRandom } from '../../shared/sandbox/demo/profile.js';
import { LEVEL_NAMES } from '../../shared/scoring/types.js';
import type {
  DimensionResult,
  Level,
  PrincipleId,
  PrincipleScore,
  RollupSummary,
  SignalResult,
  SourceStatus,
  UnitScorecard,
} from '../../shared/scoring/types.js';
import type { BindingOutcome, RunRecord } from '../../shared/storage/ports.js';

// A deterministic fixture builder for realistic scorecards of the demo organisation, used to seed the API and
// dashboard tests until (and alongside) real scored data from the pipeline. It follows the demo trajectories
// (improving / flat / declining / new-halfway), leaves signals missing with reasons where the demo org really
// lacks data (Pricing Insights has no MLflow; Route Optimiser's GitHub collection fails in the last weeks),
// and switches rubric version part-way through history. Names are team names only; no person appears anywhere.

export const SEED_WEEKS = 26;
/** The newest as-of of the fixture (a Monday), fixed so screenshots and assertions are stable. */
export const SEED_ANCHOR = '2026-11-23';
export const SEED_RUBRIC_ID = 'radar-default';
/** History starts on the old rubric and moves to the new one at week index SEED_RUBRIC_SWITCH_WEEK. */
export const SEED_RUBRIC_VERSIONS = ['2026-05', '2026-09'] as const;
export const SEED_RUBRIC_SWITCH_WEEK = 14;
/** How many of the newest weeks Route Optimiser's GitHub binding fails. */
export const SEED_GITHUB_FAILED_WEEKS = 2;

const DAY_MS = 86_400_000;

/** Loads the demo organisation exactly as the product does (schema-validated). */
export function loadDemoOrg(): OrgConfig {
  const file = fileURLToPath(new URL('../../shared/sandbox/demo-org.yaml', import.meta.url));
  return orgConfigSchema.parse(parse(readFileSync(file, 'utf8')));
}

/** The fixture's weekly as-ofs, oldest first, as ISO date-times at 00:00 UTC. */
export function seedAsOfs(weeks: number = SEED_WEEKS, anchor: string = SEED_ANCHOR): string[] {
  const end = Date.parse(`${anchor}T00:00:00.000Z`);
  return Array.from({ length: weeks }, (_, i) => new Date(end - (weeks - 1 - i) * 7 * DAY_MS).toISOString());
}

interface SignalDef {
  id: string;
  name: string;
  unit: string;
  source: 'jira' | 'github' | 'mlflow';
  direction: SignalResult['direction'];
  thresholds: [number, number, number, number];
  windowDays: number;
  evidence: (u: Unit, i: number) => { url: string; label: string };
}

interface DimensionDef {
  id: string;
  name: string;
  principles: PrincipleId[];
  signals: SignalDef[];
  motivation: string;
  remediation: string;
}

const jiraIssue = (key: string) => (_u: Unit, i: number) => ({ url: `http://127.0.0.1:4101/browse/${key}-${100 + i}`, label: `${key}-${100 + i}` });
const ghPr = (u: Unit, i: number) => ({ url: `http://127.0.0.1:4102/acme/${u.id}/pull/${40 + i}`, label: `acme/${u.id}#${40 + i}` });
const ghDeploy = (u: Unit, i: number) => ({ url: `http://127.0.0.1:4102/acme/${u.id}/deployments/${7 + i}`, label: `deploy ${7 + i} (${u.id})` });
const mlRun = (u: Unit, i: number) => ({ url: `http://127.0.0.1:4103/#/experiments/${u.id}/runs/r${i}`, label: `run ${u.id}-${i}` });

function jiraKey(u: Unit): string {
  const p = u.sources.jira?.projects?.[0];
  return p ?? 'AI';
}

const podDimensions: DimensionDef[] = [
  {
    id: 'pod.rapid-experimentation',
    name: 'Rapid experimentation',
    principles: ['rapid-learning-cycles', 'continuous-innovation'],
    motivation: 'Pods that run many small experiments learn faster than pods that bet on one big model.',
    remediation: 'Track every training run in MLflow and close pilots (A/B tests, MVPs) within a quarter.',
    signals: [
      { id: 'mlflow.runs-per-week', name: 'MLflow runs per week', unit: 'runs/week', source: 'mlflow', direction: 'higher-is-better', thresholds: [5, 15, 30, 60], windowDays: 28, evidence: mlRun },
      { id: 'jira.pilots-resolved-per-quarter', name: 'Pilots and A/B tests resolved per quarter', unit: 'count', source: 'jira', direction: 'higher-is-better', thresholds: [1, 3, 6, 10], windowDays: 91, evidence: (u, i) => jiraIssue(jiraKey(u))(u, i) },
    ],
  },
  {
    id: 'pod.end-to-end-delivery',
    name: 'End-to-end delivery',
    principles: ['data-driven-autonomy'],
    motivation: 'A pod owns its models into production; deployments and quick reviews show that ownership.',
    remediation: 'Automate deployment of the model service and keep pull requests small so reviews are quick.',
    signals: [
      { id: 'github.deployments-per-week', name: 'Production deployments per week', unit: 'deploys/week', source: 'github', direction: 'higher-is-better', thresholds: [0.25, 1, 2, 5], windowDays: 28, evidence: ghDeploy },
      { id: 'github.pr-review-latency-p50', name: 'Pull request review latency (median)', unit: 'hours', source: 'github', direction: 'lower-is-better', thresholds: [72, 24, 8, 2], windowDays: 28, evidence: ghPr },
    ],
  },
  {
    id: 'pod.feedback-loops',
    name: 'Feedback loops',
    principles: ['rapid-learning-cycles', 'data-driven-autonomy'],
    motivation: 'Models improve when user and data feedback reaches the pod and is acted on.',
    remediation: 'Label feedback tickets and link them to the model version that addresses them.',
    signals: [
      { id: 'jira.feedback-resolved-per-month', name: 'Feedback items resolved per month', unit: 'count', source: 'jira', direction: 'higher-is-better', thresholds: [2, 5, 10, 20], windowDays: 28, evidence: (u, i) => jiraIssue(jiraKey(u))(u, i + 20) },
      { id: 'mlflow.model-promotions-per-quarter', name: 'Model promotions per quarter', unit: 'count', source: 'mlflow', direction: 'higher-is-better', thresholds: [1, 2, 4, 8], windowDays: 91, evidence: (u, i) => ({ url: `http://127.0.0.1:4103/#/models/${u.id}-model/versions/${i + 1}`, label: `${u.id}-model v${i + 1}` }) },
    ],
  },
  {
    id: 'pod.cross-functional-collaboration',
    name: 'Cross-functional collaboration',
    principles: ['cross-functional-collaboration'],
    motivation: 'Reviews across roles and teams spread knowledge and catch problems early.',
    remediation: 'Ask a reviewer from another pod or role on every change that touches shared data or models.',
    signals: [
      { id: 'github.cross-team-review-ratio', name: 'Share of PRs reviewed across teams', unit: 'ratio', source: 'github', direction: 'higher-is-better', thresholds: [0.05, 0.15, 0.3, 0.5], windowDays: 28, evidence: (u, i) => ghPr(u, i + 10) },
    ],
  },
  {
    id: 'pod.responsible-ai',
    name: 'Responsible AI',
    principles: ['data-driven-autonomy', 'continuous-innovation'],
    motivation: 'Governance reviews before release keep fairness and transparency part of the work.',
    remediation: 'Run a governance review (model card, bias check) for every model version promoted to production.',
    signals: [
      { id: 'jira.governance-reviews-per-quarter', name: 'Governance reviews per quarter', unit: 'count', source: 'jira', direction: 'higher-is-better', thresholds: [1, 2, 4, 6], windowDays: 91, evidence: (u, i) => jiraIssue(jiraKey(u))(u, i + 40) },
    ],
  },
];

function ownDimensions(kind: Unit['kind']): DimensionDef[] {
  const d = (id: string, name: string, principles: PrincipleId[], signal: Omit<SignalDef, 'evidence'>): DimensionDef => ({
    id,
    name,
    principles,
    motivation: `${name} is what this unit exists for.`,
    remediation: `Raise ${signal.name.toLowerCase()} towards the next threshold.`,
    signals: [{ ...signal, evidence: (u, i) => jiraIssue(jiraKey(u))(u, i) }],
  });
  switch (kind) {
    case 'domain':
      return [
        d('domain.strategic-alignment', 'Strategic alignment', ['data-driven-autonomy'], { id: 'jira.objectives-linked-ratio', name: 'Epics linked to domain objectives', unit: 'ratio', source: 'jira', direction: 'higher-is-better', thresholds: [0.2, 0.4, 0.6, 0.8], windowDays: 91 }),
        d('domain.inter-pod-collaboration', 'Inter-pod collaboration', ['cross-functional-collaboration'], { id: 'github.cross-pod-prs-per-month', name: 'Cross-pod pull requests per month', unit: 'count', source: 'github', direction: 'higher-is-better', thresholds: [1, 4, 8, 15], windowDays: 28 }),
      ];
    case 'network':
      return [
        d('network.knowledge-sharing', 'Knowledge sharing', ['cross-functional-collaboration'], { id: 'jira.talks-and-trainings-per-quarter', name: 'Talks and trainings per quarter', unit: 'count', source: 'jira', direction: 'higher-is-better', thresholds: [1, 3, 5, 8], windowDays: 91 }),
        d('network.standards-adoption', 'Standards adoption', ['continuous-innovation'], { id: 'github.standard-template-adoption', name: 'Member repos using the network templates', unit: 'ratio', source: 'github', direction: 'higher-is-better', thresholds: [0.2, 0.4, 0.6, 0.85], windowDays: 91 }),
      ];
    case 'lab':
      return [
        d('lab.exploration', 'Exploratory prototyping', ['continuous-innovation'], { id: 'jira.prototypes-per-quarter', name: 'Prototypes per quarter', unit: 'count', source: 'jira', direction: 'higher-is-better', thresholds: [1, 3, 5, 8], windowDays: 91 }),
        d('lab.technology-evaluation', 'Technology evaluation', ['rapid-learning-cycles'], { id: 'jira.evaluations-adopted-ratio', name: 'Evaluations that reached a pod', unit: 'ratio', source: 'jira', direction: 'higher-is-better', thresholds: [0.1, 0.25, 0.4, 0.6], windowDays: 182 }),
      ];
    case 'steering':
      return [
        d('steering.governance', 'Ethical AI governance', ['data-driven-autonomy'], { id: 'jira.governance-decisions-per-quarter', name: 'Governance decisions recorded per quarter', unit: 'count', source: 'jira', direction: 'higher-is-better', thresholds: [2, 5, 8, 12], windowDays: 91 }),
        d('steering.strategy', 'Strategy and priorities', ['continuous-innovation'], { id: 'jira.priorities-reviewed-ratio', name: 'Priorities reviewed on schedule', unit: 'ratio', source: 'jira', direction: 'higher-is-better', thresholds: [0.25, 0.5, 0.75, 0.9], windowDays: 91 }),
      ];
    default:
      return [];
  }
}

const PRINCIPLE_NAMES: Record<PrincipleId, string> = {
  'data-driven-autonomy': 'Data-driven autonomy',
  'rapid-learning-cycles': 'Rapid learning cycles',
  'cross-functional-collaboration': 'Cross-functional collaboration',
  'continuous-innovation': 'Continuous innovation',
};

function round(n: number, dp: number): number {
  const f = 10 ** dp;
  return Math.round(n * f) / f;
}

function levelFromScore(score: number): Level {
  return Math.min(5, Math.max(1, 1 + Math.floor(score / 20))) as Level;
}

/** Value that a unit of maturity m (0..1) shows on a signal; noise keeps weeks from being identical. */
function valueFor(def: SignalDef, m: number, rand: () => number): number {
  const [t2, , , t5] = def.thresholds;
  const noise = (rand() - 0.5) * 0.12;
  const x = Math.min(1.1, Math.max(0, m + noise));
  if (def.direction === 'higher-is-better') return round(x * t5 * 1.1, def.unit === 'ratio' ? 2 : 1);
  // Lower is better: maturity 0 sits well above the level-2 threshold, full maturity below level 5's.
  return round(t2 * 1.6 * Math.pow(t5 / (t2 * 1.6) * 0.8, x), 1);
}

function levelFor(def: SignalDef, v: number): Level {
  let level = 1;
  def.thresholds.forEach((t, i) => {
    if (def.direction === 'higher-is-better' ? v >= t : v <= t) level = i + 2;
  });
  return level as Level;
}

/** Position within the level bands, 0..100 (level 1 = 0..20, …, level 5 = 80..100). */
function scoreFor(def: SignalDef, v: number, level: Level): number {
  const t = def.thresholds;
  const lo = level === 1 ? (def.direction === 'higher-is-better' ? 0 : t[0] * 2) : (t[level - 2] as number);
  const hi = level === 5 ? (def.direction === 'higher-is-better' ? t[3] * 1.2 : t[3] * 0.5) : (t[level - 1] as number);
  const frac = hi === lo ? 1 : Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
  return (level - 1) * 20 + frac * 19.9;
}

interface Ctx {
  asOf: string;
  week: number;
  rubricVersion: string;
  failedGithub: boolean;
}

function buildSignal(u: Unit, def: SignalDef, m: number, ctx: Ctx, rand: () => number): SignalResult {
  const to = ctx.asOf;
  const window = { from: new Date(Date.parse(to) - def.windowDays * DAY_MS).toISOString(), to, days: def.windowDays };
  const base = { signalId: def.id, name: def.name, unit: def.unit, window, direction: def.direction, thresholds: def.thresholds };
  let missingReason: string | undefined;
  if (u.sources[def.source] === undefined) missingReason = `${def.source} is not configured for this unit`;
  else if (def.source === 'github' && ctx.failedGithub) missingReason = 'GitHub collection failed (SourceAuthError HTTP_401); last good data is older than the window';
  else if (m === 0) missingReason = 'no activity in the window (the unit started later)';
  if (missingReason) return { ...base, status: 'missing', evidence: [], evidenceCount: 0, missingReason };
  const value = valueFor(def, m, rand);
  const level = levelFor(def, value);
  const evidenceCount = Math.max(1, Math.round(m * 20));
  const evidence = Array.from({ length: Math.min(3, evidenceCount) }, (_, i) => def.evidence(u, i));
  const next =
    level < 5
      ? { level: (level + 1) as Level, target: def.thresholds[level - 1] as number, change: round((def.thresholds[level - 1] as number) - value, 2) }
      : undefined;
  return { ...base, status: 'scored', value, level, evidence, evidenceCount, ...(next ? { next } : {}) };
}

function buildDimension(u: Unit, def: DimensionDef, m: number, ctx: Ctx, rand: () => number): DimensionResult {
  const signals = def.signals.map((s) => buildSignal(u, s, m, ctx, rand));
  const scored = signals.filter((s) => s.status === 'scored');
  const base = { dimensionId: def.id, name: def.name, combine: 'mean', principles: def.principles, signals, motivation: def.motivation, remediation: def.remediation };
  if (scored.length === 0) {
    return { ...base, status: 'missing', nextSteps: [], missingReason: signals[0]?.missingReason ?? 'no signal has data' };
  }
  const score = round(scored.reduce((a, s) => a + scoreFor(def.signals.find((d) => d.id === s.signalId) as SignalDef, s.value as number, s.level as Level), 0) / scored.length, 1);
  const nextSteps = scored
    .filter((s) => s.next)
    .map((s) => `${s.name}: reach ${s.next?.target} ${s.unit} (${(s.next?.change ?? 0) > 0 ? '+' : ''}${s.next?.change}) for ${LEVEL_NAMES[s.next?.level as Level]}`);
  return { ...base, status: 'scored', score, level: levelFromScore(score), nextSteps };
}

function buildSources(u: Unit, ctx: Ctx, asOfs: readonly string[]): SourceStatus[] {
  return (['jira', 'github', 'mlflow'] as const).map((source) => {
    const bindingId = `${u.ref}/${source}`;
    if (u.sources[source] === undefined) return { source, bindingId, status: 'not-configured' as const };
    if (source === 'github' && ctx.failedGithub) {
      const lastOk = asOfs[asOfs.length - 1 - SEED_GITHUB_FAILED_WEEKS];
      return { source, bindingId, status: 'failed' as const, reason: 'SourceAuthError HTTP_401: the token was rejected', ...(lastOk ? { lastSuccessAt: lastOk } : {}) };
    }
    return { source, bindingId, status: 'ok' as const, lastSuccessAt: ctx.asOf };
  });
}

function rollupOf(members: readonly UnitScorecard[]): RollupSummary {
  const scores = members.filter((c) => c.score !== undefined).map((c) => c.score as number);
  const mean = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : 0;
  const weakestCard = members.filter((c) => c.score !== undefined).sort((a, b) => (a.score as number) - (b.score as number) || a.unit.localeCompare(b.unit))[0];
  return {
    members: members.map((c) => ({ unit: c.unit, name: c.name, score: c.score ?? null, level: c.level ?? null })),
    coverage: members.length ? round(scores.length / members.length, 2) : 0,
    min: scores.length ? Math.min(...scores) : null,
    max: scores.length ? Math.max(...scores) : null,
    stdev: scores.length ? round(Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / scores.length), 1) : null,
    weakest: weakestCard ? { unit: weakestCard.unit, score: weakestCard.score as number } : null,
    insufficientCoverage: members.length > 0 && scores.length / members.length < 0.5,
  };
}

function principlesOf(cards: readonly UnitScorecard[]): PrincipleScore[] {
  return (Object.keys(PRINCIPLE_NAMES) as PrincipleId[]).map((principle) => {
    const scores: number[] = [];
    let total = 0;
    for (const c of cards) {
      for (const d of c.dimensions) {
        if (!d.principles.includes(principle)) continue;
        total += 1;
        if (d.score !== undefined) scores.push(d.score);
      }
    }
    if (scores.length === 0) return { principle, name: PRINCIPLE_NAMES[principle], status: 'missing' as const, coverage: 0 };
    const score = round(scores.reduce((a, b) => a + b, 0) / scores.length, 1);
    return { principle, name: PRINCIPLE_NAMES[principle], status: 'scored' as const, score, level: levelFromScore(score), coverage: round(scores.length / total, 2) };
  });
}

function finishCard(u: Unit, ctx: Ctx, dimensions: DimensionResult[], asOfs: readonly string[], extra: Partial<UnitScorecard>, ownWeight: number, memberScore: number | null): UnitScorecard {
  const scoredDims = dimensions.filter((d) => d.score !== undefined);
  const own = scoredDims.length ? scoredDims.reduce((a, d) => a + (d.score as number), 0) / scoredDims.length : null;
  let score: number | null;
  if (own !== null && memberScore !== null) score = own * ownWeight + memberScore * (1 - ownWeight);
  else score = own ?? memberScore;
  const base: UnitScorecard = {
    unit: u.ref, kind: u.kind, id: u.id, name: u.name, parent: u.parent, asOf: ctx.asOf,
    rubric: { id: SEED_RUBRIC_ID, version: ctx.rubricVersion },
    status: score === null ? 'insufficient-data' : 'scored',
    dimensions, sources: buildSources(u, ctx, asOfs), ...extra,
  };
  if (score === null) return { ...base, statusReason: 'no dimension has data in the window' };
  const s = round(score, 1);
  return { ...base, score: s, level: levelFromScore(s) };
}

/** Builds every unit's scorecard at one week of the fixture (pods first, org last, like scoreOrganisation). */
export function buildScorecardsAt(org: OrgConfig, week: number, asOfs: readonly string[] = seedAsOfs()): UnitScorecard[] {
  const units = listUnits(org);
  const asOf = asOfs[week] as string;
  const ctx: Ctx = {
    asOf,
    week,
    rubricVersion: week < SEED_RUBRIC_SWITCH_WEEK ? SEED_RUBRIC_VERSIONS[0] : SEED_RUBRIC_VERSIONS[1],
    failedGithub: false,
  };
  // The newer rubric is stricter, so scores step down a little at the switch (visible next to the marker).
  const rubricShift = week < SEED_RUBRIC_SWITCH_WEEK ? 0.04 : 0;
  const byRef = new Map<UnitRef, UnitScorecard>();
  const cardOf = (u: Unit): UnitScorecard => {
    const rand = seededRandom(seedFor(week + 1, u.ref));
    const m = Math.min(1, maturityAt(u.ref, week, asOfs.length) + (maturityAt(u.ref, week, asOfs.length) > 0 ? rubricShift : 0));
    const uctx = { ...ctx, failedGithub: u.ref === 'pod:route-optimiser' && week >= asOfs.length - SEED_GITHUB_FAILED_WEEKS };
    if (u.kind === 'pod') {
      const dims = podDimensions.map((d) => buildDimension(u, d, m, uctx, rand));
      const stage = m < 0.35 ? 0 : m < 0.7 ? 1 : 2;
      const steps = ['Manual training and deployment', 'Automated training pipeline', 'Automated CI/CD of the pipeline'];
      const mlops = u.sources.mlflow === undefined ? [] : [{
        framework: 'google' as const, level: stage, maxLevel: 2,
        evidence: steps.map((step, i) => ({ step, met: i <= stage, detail: i <= stage ? 'seen in the window' : 'not seen in the window', links: [] })),
        missingStep: stage < 2 ? (steps[stage + 1] as string) : null,
      }];
      return finishCard(u, uctx, dims, asOfs, { mlops }, 1, null);
    }
    const dims = ownDimensions(u.kind).map((d) => buildDimension(u, d, m, uctx, rand));
    if (u.kind === 'domain' || u.kind === 'network' || u.kind === 'org') {
      const members = u.members.map((r) => byRef.get(r)).filter((c): c is UnitScorecard => c !== undefined);
      const rollup = rollupOf(members);
      const memberScores = members.filter((c) => c.score !== undefined).map((c) => c.score as number);
      const memberMean = memberScores.length ? memberScores.reduce((a, b) => a + b, 0) / memberScores.length : null;
      const extra: Partial<UnitScorecard> = { rollup };
      if (u.kind === 'org') extra.principles = principlesOf([...byRef.values()]);
      return finishCard(u, uctx, dims, asOfs, extra, u.kind === 'org' ? 0 : 0.4, memberMean);
    }
    return finishCard(u, uctx, dims, asOfs, {}, 1, null);
  };
  for (const u of units) byRef.set(u.ref, cardOf(u));
  return units.map((u) => byRef.get(u.ref) as UnitScorecard);
}

/** Builds the whole fixture history: one array of scorecards per as-of, oldest first. */
export function buildSeedHistory(org: OrgConfig = loadDemoOrg(), weeks: number = SEED_WEEKS): { asOf: string; cards: UnitScorecard[] }[] {
  const asOfs = seedAsOfs(weeks);
  return asOfs.map((asOf, week) => ({ asOf, cards: buildScorecardsAt(org, week, asOfs) }));
}

/** Builds a run record per as-of (newest last): every binding ok, except Route Optimiser's GitHub at the end. */
export function buildSeedRuns(org: OrgConfig = loadDemoOrg(), weeks: number = SEED_WEEKS): RunRecord[] {
  const asOfs = seedAsOfs(weeks);
  const bindings = listBindings(org);
  return asOfs.map((asOf, week) => {
    const rand = seededRandom(seedFor(week + 101, 'runs'));
    const failing = week >= asOfs.length - SEED_GITHUB_FAILED_WEEKS;
    const outcomes: BindingOutcome[] = bindings.map((b) => {
      const requests = 2 + Math.floor(rand() * 6);
      const base = { bindingId: b.id, unit: b.unit, source: b.source, requests, pages: requests, durationMs: 120 + Math.floor(rand() * 900), notes: [] as string[] };
      if (failing && b.id === 'pod:route-optimiser/github') {
        return { ...base, status: 'failed' as const, errorClass: 'SourceAuthError', errorCode: 'HTTP_401', message: 'GitHub rejected the token (401); check the credential named by RADAR_GITHUB_TOKEN', items: 0, requests: 1, pages: 0 };
      }
      return { ...base, status: 'ok' as const, items: Math.floor(rand() * 80) };
    });
    const startedAt = new Date(Date.parse(asOf) + 2 * 3_600_000).toISOString();
    return {
      runId: `run-${asOf.slice(0, 10)}`,
      asOf,
      kind: week === asOfs.length - 1 ? 'scheduled' : 'backfill',
      status: 'completed',
      startedAt,
      finishedAt: new Date(Date.parse(startedAt) + 95_000).toISOString(),
      rubric: { id: SEED_RUBRIC_ID, version: week < SEED_RUBRIC_SWITCH_WEEK ? SEED_RUBRIC_VERSIONS[0] : SEED_RUBRIC_VERSIONS[1] },
      bindings: outcomes,
      unitsScored: listUnits(org).length,
      requests: outcomes.reduce((a, o) => a + o.requests, 0),
    } satisfies RunRecord;
  });
}
