import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../shared/org/index.js';
import { runScheduled } from '../../shared/pipeline/index.js';
import { DEMO_CREDENTIALS, loadDemoOrg, startSandboxes } from '../../shared/sandbox/index.js';
import type { RunningSandboxes } from '../../shared/sandbox/index.js';
import { reliabilityDeps, subsetOrg } from './fault-kit.js';
import { cellsFor, formatMatrix, runCell, writeMatrix } from './fault-matrix.js';
import type { MatrixContext, MatrixRow, MatrixSource } from './fault-matrix.js';
import { startLocalStores } from './local-servers.js';
import type { LocalStores } from './local-servers.js';

// One source's row block of the fault matrix as a vitest suite: one sandbox and one store for the file, a good
// baseline run, then one test per cell (each at its own later as-of, over whatever the earlier cells left).

const ANCHOR = new Date('2026-11-23T00:00:00.000Z');
const TARGET_UNIT = 'pod:recsys';

/** Which listing each source's faults hit, the credential a 401 cell spoils, and how a 404 cell renames the target. */
const PER_SOURCE: Record<
  MatrixSource,
  { path: string | RegExp; wrongEnv: string; rename: (org: OrgConfig) => OrgConfig; prepare?: (org: OrgConfig) => OrgConfig }
> = {
  jira: {
    path: '/rest/api/3/search/jql',
    wrongEnv: 'RADAR_JIRA_TOKEN',
    rename: (org) => renameTarget(org, 'jira', { projects: ['NOPE'] }),
    // Two projects (118 issues in the 10-week history) so the search spans two pages of 100 and a repeated
    // nextPageToken can happen.
    prepare: (org) => renameTarget(org, 'jira', { projects: ['RECO', 'CHURN'] }),
  },
  github: {
    // Pull requests (and deployments) are read through GraphQL now (issue 14); commits are the REST listing every
    // changed pass still reads. GraphQL faults are covered in test/integration/github/connector.test.ts.
    // Next links use GitHub's `/repositories/{id}/…` form, so the listing is matched under both paths.
    path: /^\/(repos\/acme\/recsys|repositories\/\d+)\/commits$/,
    wrongEnv: 'RADAR_GITHUB_TOKEN',
    rename: (org) => renameTarget(org, 'github', { repos: ['acme/no-such-repo'] }),
  },
  mlflow: { path: 'runs/search', wrongEnv: 'RADAR_MLFLOW_PASSWORD', rename: (org) => renameTarget(org, 'mlflow', { experiments: ['no-such-experiment'] }) },
};

function renameTarget(org: OrgConfig, source: MatrixSource, patch: Record<string, unknown>): OrgConfig {
  const copy = structuredClone(org) as OrgConfig;
  for (const d of copy.domains) {
    for (const p of d.pods) {
      if (`pod:${p.id}` !== TARGET_UNIT) continue;
      const sources = p.sources as Record<string, Record<string, unknown> | undefined>;
      sources[source] = { ...sources[source], ...patch };
    }
  }
  return copy;
}

/** Declares the fault-matrix suite of one source. */
export function faultMatrixSuite(source: MatrixSource): void {
  const rows: MatrixRow[] = [];
  let sandboxes: RunningSandboxes;
  let local: LocalStores;
  let ctx: MatrixContext;

  beforeAll(async () => {
    sandboxes = await startSandboxes({ port: 0, anchor: ANCHOR, weeks: 10 });
    // A page size cap as real servers have, so paging (and a repeating page token) happens on a small history.
    const mlflowWorld = sandboxes.worlds.mlflow as { pageCap?: number } | undefined;
    if (mlflowWorld) mlflowWorld.pageCap = 2;
    local = await startLocalStores();
    const subset = subsetOrg(await loadDemoOrg(), sandboxes.urls, { soleBinding: { unit: TARGET_UNIT, source } });
    const org = PER_SOURCE[source].prepare?.(subset) ?? subset;
    const env = { ...DEMO_CREDENTIALS };
    const baselineAsOf = ANCHOR.toISOString();
    const { run } = await runScheduled(reliabilityDeps(org, local.stores, env), { asOf: baselineAsOf });
    expect(run.bindings.filter((b) => b.status !== 'ok')).toEqual([]);
    ctx = { source, sandboxes, local, org, target: `${TARGET_UNIT}/${source}`, env, path: PER_SOURCE[source].path, baselineAsOf };
  });

  afterAll(async () => {
    if (rows.length > 0) {
      const file = writeMatrix(source, rows);
      console.log(`fault matrix, ${source} (${file}):\n${formatMatrix(rows)}`);
    }
    await local?.close();
    await sandboxes?.close();
  });

  describe(`fault matrix: ${source}`, () => {
    const { wrongEnv, rename } = PER_SOURCE[source];
    cellsFor(source, { unit: TARGET_UNIT, wrongEnv, rename }).forEach((cell, i) => {
      const expectation = cell.expect === 'failed' ? 'fails only that binding and keeps its stored data' : cell.expect === 'ok' ? 'still collects it' : 'retries and collects it';
      it(`${expectation} when ${source} answers ${cell.fault} (${cell.variant})`, async () => {
        try {
          rows.push(await runCell(ctx, cell, i));
        } catch (err) {
          rows.push({
            source, fault: cell.fault, variant: cell.variant, expected: cell.expect, outcome: 'BROKEN', retry: '', unitsScored: '', dataKept: '',
            detail: (err instanceof Error ? err.message : String(err)).replace(/\|/g, '\\|').slice(0, 200),
          });
          throw err;
        }
      });
    });
  });
}
