import { GOVERNANCE_TAGS, RUN_TAGS } from '../../org/conventions.js';
import { listUnits, type OrgConfig, type Unit } from '../../org/index.js';
import { countWithMean, demoPeople, maturityAt, seededRandom, seedFor } from '../demo/profile.js';
import type { MlflowRun, MlflowWorld } from './world.js';

// The demo organisation's MLflow history: per bound experiment, weekly training runs whose number and degree of
// automation follow the unit's maturity; per bound model, versions registered from those runs, promoted to the
// serving alias, tried as challengers in A/B tests and tagged with governance evidence more often as a pod
// matures. Units without an MLflow binding (pricing-insights) get nothing; a lab that starts halfway is empty
// before it starts.

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const HOUR = 3_600_000;

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

function rosterSize(unit: Unit, org: OrgConfig): number {
  if (unit.kind !== 'pod') return 3;
  const pod = org.domains.flatMap((d) => d.pods).find((p) => p.id === unit.id);
  return pod ? Math.max(1, Object.values(pod.roles).reduce((a, b) => a + b, 0)) : 3;
}

/** Fills `world` with the demo organisation's MLflow history for `weeks` weeks ending at `anchor`. */
export function generateMlflowHistory(world: MlflowWorld, org: OrgConfig, anchor: Date, weeks: number, seed: number): void {
  const end = anchor.getTime();
  const weekStart = (w: number): number => end - (weeks - w) * WEEK;
  const units = listUnits(org).filter((u) => u.sources.mlflow !== undefined);
  const runsByUnit = new Map<string, MlflowRun[]>();

  for (const u of units) {
    const names = u.sources.mlflow?.experiments ?? [];
    if (names.length === 0) continue;
    const rand = seededRandom(seedFor(seed, `mlflow:${u.ref}`));
    const people = demoPeople(u.id, rosterSize(u, org));
    const firstWeek = Array.from({ length: weeks }, (_, w) => w).find((w) => maturityAt(u.ref, w, weeks) > 0);
    if (firstWeek === undefined) continue;
    // The first experiment sits in its owner's workspace folder (artifact_location dbfs:/Users/<email>/…).
    const experiments = names.map((n, i) => world.addExperiment(n, new Date(weekStart(firstWeek) - DAY), i === 0 ? people[0]?.email : undefined));
    const runs: MlflowRun[] = [];
    for (let w = firstWeek; w < weeks; w++) {
      const m = maturityAt(u.ref, w, weeks);
      if (m <= 0) continue;
      const mean = u.kind === 'lab' ? 0.5 + 6 * m : 0.5 + 14 * m;
      const n = countWithMean(rand, mean);
      const starts = Array.from({ length: n }, () => weekStart(w) + Math.floor(rand() * WEEK)).sort((a, b) => a - b);
      for (const start of starts) {
        const automated = rand() < 0.05 + 0.85 * m;
        const trigger = automated ? (rand() < 0.35 * m ? 'monitoring' : 'schedule') : 'manual';
        const duration = (10 + rand() * 110) * 60_000;
        const stillRunning = start + duration > end;
        const failed = !stillRunning && rand() < 0.18 - 0.12 * m;
        const person = pick(rand, people);
        const run = world.addRun({
          experimentId: (pick(rand, experiments)).experiment_id,
          startTime: new Date(start),
          endTime: stillRunning ? null : new Date(start + duration),
          status: stillRunning ? 'RUNNING' : failed ? 'FAILED' : rand() < 0.02 ? 'KILLED' : 'FINISHED',
          // Automated runs are logged by the pipeline's service account; notebook runs by a person.
          // A person's runs carry their email as user (as on Databricks and most SSO set-ups), in user_id, the
          // mlflow.user tag, the notebook path and the free-text run note.
          userId: automated ? `svc-${u.id}-pipeline` : person.email,
          runName: `${u.id}-${automated ? 'train' : 'explore'}-${runs.length + 1}`,
          tags: {
            [RUN_TAGS.trigger]: trigger,
            [RUN_TAGS.sourceType]: automated ? 'JOB' : 'NOTEBOOK',
            'mlflow.source.name': automated ? 'pipelines/train.py' : `/Users/${person.email}/explore.ipynb`,
            ...(automated ? {} : { 'mlflow.note.content': `Exploration by ${person.name} (${person.email}), see ${person.login}'s notes` }),
          },
          metrics: failed ? {} : { rmse: Number((1.2 - 0.6 * m + rand() * 0.3).toFixed(4)), auc: Number((0.6 + 0.3 * m + rand() * 0.05).toFixed(4)) },
          params: { learning_rate: pick(rand, ['0.1', '0.05', '0.01']), max_depth: String(3 + Math.floor(rand() * 6)) },
        });
        runs.push(run);
      }
    }
    runsByUnit.set(u.ref, runs);
  }

  // Models: the pod that lists a model owns its story; other units (the steering group) read the same models.
  const owners = new Map<string, Unit>();
  for (const u of units) for (const name of u.sources.mlflow?.models ?? []) if (!owners.has(name) || (u.kind === 'pod' && owners.get(name)?.kind !== 'pod')) owners.set(name, u);
  for (const [name, owner] of owners) {
    const rand = seededRandom(seedFor(seed, `mlflow-model:${name}`));
    const people = demoPeople(owner.id, rosterSize(owner, org));
    const runs = (runsByUnit.get(owner.ref) ?? []).filter((r) => r.info.status === 'FINISHED');
    const firstWeek = Array.from({ length: weeks }, (_, w) => w).find((w) => maturityAt(owner.ref, w, weeks) > 0) ?? 0;
    world.addModel(name, new Date(weekStart(firstWeek)), pick(rand, people).email);
    const servingAlias = seedFor(seed, name) % 2 === 0 ? 'champion' : 'production';
    let serving: string | null = null;
    for (let w = firstWeek; w < weeks; w++) {
      const m = maturityAt(owner.ref, w, weeks);
      if (rand() > 0.05 + 0.3 * m) continue;
      const inWeek = runs.filter((r) => r.info.start_time >= weekStart(w) && r.info.start_time < weekStart(w) + WEEK);
      if (inWeek.length === 0) continue;
      const run = pick(rand, inWeek);
      const at = (run.info.end_time ?? run.info.start_time) + HOUR;
      if (at >= end) continue;
      const tags: Record<string, string> = {};
      if (rand() < 0.1 + 0.8 * m) tags[GOVERNANCE_TAGS[0]] = 'docs/model-card.md';
      if (rand() < 0.05 + 0.7 * m) tags[GOVERNANCE_TAGS[1]] = 'passed';
      if (rand() < 0.03 + 0.6 * m) tags[GOVERNANCE_TAGS[2]] = 'reweighing';
      const mv = world.addModelVersion(name, { runId: run.info.run_id, at: new Date(at), userId: pick(rand, people).email, tags, stage: 'None' });
      if (rand() > 0.3 + 0.6 * m) continue; // never promoted
      let promoteAt = at + (0.5 + rand() * (12 - 9 * m)) * DAY;
      // Mature pods A/B test a challenger against the serving model before promoting it.
      if (serving !== null && rand() < 0.6 * m) {
        const abAt = at + 0.25 * DAY;
        if (abAt < end) {
          world.setAlias(name, 'challenger', mv.version, new Date(abAt));
          world.setStage(name, mv.version, 'Staging', new Date(abAt));
          promoteAt += 3 * DAY;
        }
      }
      if (promoteAt >= end) continue;
      if (serving !== null) world.setStage(name, serving, 'Archived', new Date(promoteAt));
      world.setStage(name, mv.version, 'Production', new Date(promoteAt));
      world.setAlias(name, servingAlias, mv.version, new Date(promoteAt));
      const model = world.models.get(name);
      if (model && model.aliases.some((a) => a.alias === 'challenger' && a.version === mv.version)) {
        model.aliases = model.aliases.filter((a) => a.alias !== 'challenger');
        mv.aliases = mv.aliases.filter((a) => a !== 'challenger');
      }
      serving = mv.version;
    }
  }
}
