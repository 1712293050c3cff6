import { figure } from './lib/figures.js';
import type { Figure } from './lib/figures.js';
import type { SyncResult } from './sync.js';

// Section 6: capacity model. Measured requests per binding (per repo for GitHub, whose cost follows repos) from
// the sync section, scaled to organisations from 10 pods / 50 repos to 1,000 pods / 5,000 repos.

/** AWS list prices used, us-east-1, from aws.amazon.com/lambda/pricing and /step-functions/pricing (read 2026-11-25). */
export const PRICES = {
  date: '2026-11-25',
  region: 'us-east-1',
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  stepFunctionsPerThousandTransitions: 0.025,
  note: 'free tiers ignored; Distributed Map items as Standard child executions, 2 transitions per item (start + task)',
} as const;

const SIZES: Array<{ pods: number; repos: number }> = [
  { pods: 10, repos: 50 },
  { pods: 50, repos: 250 },
  { pods: 200, repos: 1000 },
  { pods: 500, repos: 2500 },
  { pods: 1000, repos: 5000 },
];
const DAYS_PER_MONTH = 30;
const GITHUB_TOKEN_PER_HOUR = 5000;
const MEMORY_GB = { plan: 0.5, collect: 1, score: 2 };

/** One row of the capacity table. */
export interface CapacityRow {
  pods: number;
  repos: number;
  bindings: number;
  dailyRequests: number;
  reconcileDayRequests: number;
  githubDaily: number;
  githubReconcileDay: number;
  tokenShareDaily: number;
  tokenHoursReconcileDay: number;
  jiraRequestsDaily: number;
  jiraInFlight: number;
  lambdaUsdMonth: number;
  stepFunctionsUsdMonth: number;
}

/** Builds the capacity table from the sync's measured costs. */
export function runCapacityModel(sync: SyncResult): { figures: Figure[]; rows: CapacityRow[]; detail: Record<string, unknown> } {
  const p = sync.perBinding;
  const ghBindings = p.bindings.github ?? 1;
  // GitHub: per repo (a binding's cost follows its repos); Jira and MLflow: per binding.
  const ghPerRepoFull = ((p.full.github ?? 0) * ghBindings) / Math.max(1, p.repos);
  const ghPerRepoIncr = ((p.incremental.github ?? 0) * ghBindings) / Math.max(1, p.repos);
  const scorePerUnitSeconds = p.scoreSeconds / Math.max(1, sync.storage.cards);
  const maxConcurrency = sync.org.settings.maxConcurrency;
  const rows: CapacityRow[] = SIZES.map(({ pods, repos }) => {
    const domains = Math.ceil(pods / 10);
    const units = pods + domains + 4 + 3 + 1;
    // Every unit has Jira; pods, domains, networks, labs have GitHub; 6 in 7 pods, labs and steering have MLflow.
    const bindings = { jira: units, github: pods + domains + 4 + 3, mlflow: Math.ceil((pods * 6) / 7) + 3 + 1 };
    const total = bindings.jira + bindings.github + bindings.mlflow;
    const githubDaily = Math.round(ghPerRepoIncr * repos);
    const githubReconcileDay = Math.round(ghPerRepoFull * repos);
    const jiraDaily = Math.round((p.incremental.jira ?? 0) * bindings.jira);
    const mlflowDaily = Math.round((p.incremental.mlflow ?? 0) * bindings.mlflow);
    const dailyRequests = githubDaily + jiraDaily + mlflowDaily;
    const reconcileDayRequests = githubReconcileDay + Math.round((p.full.jira ?? 0) * bindings.jira + (p.full.mlflow ?? 0) * bindings.mlflow);
    // Lambda: one collect per binding per day (a full pass one day in seven), one plan, one score, per day.
    const collectSeconds = total * ((6 * p.incrementalSeconds + p.fullSeconds) / 7);
    const gbSecondsPerDay = collectSeconds * MEMORY_GB.collect + scorePerUnitSeconds * units * MEMORY_GB.score + 1 * MEMORY_GB.plan;
    const lambdaUsdMonth = DAYS_PER_MONTH * (gbSecondsPerDay * PRICES.lambdaArmPerGbSecond + ((total + 2) / 1e6) * PRICES.lambdaPerMillionRequests);
    const transitionsPerDay = 2 * total + 5;
    const stepFunctionsUsdMonth = (DAYS_PER_MONTH * transitionsPerDay * PRICES.stepFunctionsPerThousandTransitions) / 1000;
    return {
      pods, repos, bindings: total, dailyRequests, reconcileDayRequests, githubDaily, githubReconcileDay,
      tokenShareDaily: githubDaily / GITHUB_TOKEN_PER_HOUR, tokenHoursReconcileDay: githubReconcileDay / GITHUB_TOKEN_PER_HOUR,
      jiraRequestsDaily: jiraDaily, jiraInFlight: Math.min(maxConcurrency, bindings.jira),
      lambdaUsdMonth: Math.round(lambdaUsdMonth * 100) / 100, stepFunctionsUsdMonth: Math.round(stepFunctionsUsdMonth * 100) / 100,
    };
  });
  const figures = rows.map((r) =>
    figure('6 capacity', `${r.pods} pods / ${r.repos} repos: requests per daily run`, r.dailyRequests, 'req', null, 'info',
      `reconcile day ${r.reconcileDayRequests}; GitHub ${(r.tokenShareDaily * 100).toFixed(1)}% of a 5,000/h token daily (ETag 304s, not charged to the primary limit), ${r.tokenHoursReconcileDay.toFixed(1)} token-hours on reconcile day; Jira ≤ ${r.jiraInFlight} in flight; $${r.lambdaUsdMonth} Lambda + $${r.stepFunctionsUsdMonth} Step Functions per month`),
  );
  return { figures, rows, detail: { prices: PRICES, perRepo: { githubFull: ghPerRepoFull, githubIncremental: ghPerRepoIncr }, perBinding: p, scorePerUnitSeconds } };
}

/** The capacity table as Markdown. */
export function renderCapacity(rows: readonly CapacityRow[]): string {
  const out = [
    '| pods | repos | bindings | requests/daily run | reconcile day | GitHub token share (daily) | token-hours (reconcile day) | Jira requests/day (≤ in flight) | Lambda $/month | Step Functions $/month |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    out.push(`| ${r.pods} | ${r.repos} | ${r.bindings} | ${r.dailyRequests} | ${r.reconcileDayRequests} | ${(r.tokenShareDaily * 100).toFixed(1)}% | ${r.tokenHoursReconcileDay.toFixed(2)} | ${r.jiraRequestsDaily} (≤ ${r.jiraInFlight}) | ${r.lambdaUsdMonth.toFixed(2)} | ${r.stepFunctionsUsdMonth.toFixed(2)} |`);
  }
  return out.join('\n');
}
