import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CAPACITY_SIZES, PRICES, describeBinding, modelCapacity, renderCapacityMarkdown, replaceMarkedRegion } from './capacity-model.js';
import type { CapacityInputs, CapacityRow } from './capacity-model.js';

// `npm run bench:readme`: rewrites the README's capacity region from bench-results.json (the measured inputs of
// the last `npm run bench`, run through the model again), so the table never drifts from the run it cites.

export const CAPACITY_START = '<!-- capacity:start -->';
export const CAPACITY_END = '<!-- capacity:end -->';

const fmt = (n: number, digits = 2): string => (Number.isInteger(n) || digits === 0 ? Math.round(n).toLocaleString('en-GB') : n.toFixed(digits));

/** Other limits a row exceeds besides the one that binds first, or else the next closest one. */
function alsoExceeded(row: CapacityRow): string {
  const others = row.limits.filter((l) => l.id !== row.binding.id).sort((a, b) => a.headroom - b.headroom);
  const exceeded = others.filter((l) => l.headroom < 1);
  if (exceeded.length > 0) return `; also exceeded: ${exceeded.map((l) => `${l.label} (${l.headroom.toFixed(2)}×)`).join(', ')}`;
  const next = others[0];
  return next ? `; next: ${next.label} (${next.headroom.toFixed(1)}×)` : '';
}

/** The README region: table, binding limit per size, the measured inputs and fallbacks, the prices. */
export function renderCapacityRegion(inputs: CapacityInputs, rows: readonly CapacityRow[], run: { generatedAt: string; fallbacks: readonly string[] }): string {
  const i = inputs;
  const perRepo = (n: number) => fmt(n / Math.max(1, i.sample.repos), 3);
  const lines = [
    `From the bench run of ${run.generatedAt.slice(0, 10)} (\`npm run bench\`, then \`npm run bench:readme\`):`,
    '',
    renderCapacityMarkdown(rows),
    '',
    'Binds first:',
    ...rows.map((r) => `- ${fmt(r.pods)} pods: ${describeBinding(r)}${alsoExceeded(r)}`),
    '',
    `Measured per-unit inputs: GitHub ${fmt(i.requestsPerBinding.incremental.github)} requests per binding daily, ${fmt(i.requestsPerBinding.full.github)} on a full pass, ` +
      `over ${fmt(i.sample.repos)} repos in ${fmt(i.sample.bindings.github)} bindings (points per repo on a full pass: REST ${perRepo(i.githubPoints.full.rest)}, GraphQL ${perRepo(i.githubPoints.full.graphql)}; daily ${perRepo(i.githubPoints.incremental.rest + i.githubPoints.incremental.graphql)}); ` +
      `Jira ${fmt(i.requestsPerBinding.incremental.jira)} and MLflow ${fmt(i.requestsPerBinding.incremental.mlflow)} requests per binding daily; ` +
      `collect ${fmt(i.collectSeconds.incremental, 3)} s per binding daily, ${fmt(i.collectSeconds.full, 3)} s on a full pass; plan ${fmt(i.plan.bytesPerTask, 1)} bytes per task; ` +
      `score ${fmt(i.scoring.msPerPod, 2)} ms per pod, peak RSS ${fmt(i.scoring.baseRssMb, 0)} MB + ${fmt(i.scoring.rssPerPodMb, 2)} MB per pod` +
      `${i.scoring.fanOut ? `, fan-out above ${fmt(i.scoring.fanOut.abovePods)} pods in items of ${fmt(i.scoring.fanOut.podsPerItem)}` : ''}; ` +
      `stored per binding: raw ${fmt(i.storage.rawFullBytesPerBinding.github / 1024, 0)} / ${fmt(i.storage.rawFullBytesPerBinding.jira / 1024, 0)} / ${fmt(i.storage.rawFullBytesPerBinding.mlflow / 1024, 0)} KB and normalised ` +
      `${fmt(i.storage.normalisedBytesPerBinding.github / 1024, 0)} / ${fmt(i.storage.normalisedBytesPerBinding.jira / 1024, 0)} / ${fmt(i.storage.normalisedBytesPerBinding.mlflow / 1024, 0)} KB (GitHub / Jira / MLflow) for ${fmt(i.storage.activityDays)} days of activity; ` +
      `snapshot items ${fmt(i.storage.snapshotItemBytes, 0)} bytes each${i.storage.summary ? `, summary items ${fmt(i.storage.summary.items, 1)} per as-of at ${fmt(i.storage.summary.bytesPerPod, 1)} bytes per pod` : ''}.`,
    ...(run.fallbacks.length > 0 ? ['', `Fallbacks in this run: ${run.fallbacks.join('; ')}.`] : []),
    '',
    `Prices (${PRICES.region}, compiled ${PRICES.date} from the pages below, free tiers ignored): Lambda Arm $${PRICES.lambdaArmPerGbSecond}/GB-s + $${PRICES.lambdaPerMillionRequests}/M requests ` +
      `(aws.amazon.com/lambda/pricing); Step Functions Standard $${PRICES.stepFunctionsPerThousandTransitions}/1,000 transitions (aws.amazon.com/step-functions/pricing); ` +
      `DynamoDB on-demand $${PRICES.dynamoPerMillionWriteUnits}/M write units, $${PRICES.dynamoPerMillionReadUnits}/M read units, $${PRICES.dynamoPerGbMonth}/GB-month (aws.amazon.com/dynamodb/pricing/on-demand); ` +
      `S3 Standard $${PRICES.s3PerThousandPuts}/1,000 PUT or LIST, $${PRICES.s3PerThousandGets}/1,000 GET, $${PRICES.s3PerGbMonth}/GB-month (aws.amazon.com/s3/pricing).`,
  ];
  return lines.join('\n');
}

/** Reads bench-results.json, re-runs the model on its measured inputs and rewrites the README region. */
export function regenerateReadme(root: string): string {
  const results = JSON.parse(readFileSync(`${root}bench-results.json`, 'utf8')) as {
    generatedAt: string;
    details?: { capacity?: { inputs?: CapacityInputs; fallbacks?: string[] } };
  };
  const inputs = results.details?.capacity?.inputs;
  if (!inputs) throw new Error('bench-results.json has no details.capacity.inputs: run `npm run bench` first');
  const rows = modelCapacity(inputs, CAPACITY_SIZES);
  const region = renderCapacityRegion(inputs, rows, { generatedAt: results.generatedAt, fallbacks: results.details?.capacity?.fallbacks ?? [] });
  const readme = readFileSync(`${root}README.md`, 'utf8');
  writeFileSync(`${root}README.md`, replaceMarkedRegion(readme, CAPACITY_START, CAPACITY_END, region));
  return region;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const region = regenerateReadme(fileURLToPath(new URL('../../../', import.meta.url)));
  process.stdout.write(`${region}\n\nREADME.md capacity region rewritten.\n`);
}
