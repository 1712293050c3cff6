import { defineConfig } from 'vitest/config';

// Each test tier has its own project: unit tests are pure and fast, integration tests start real local
// servers (dynalite, s3rver, the sandboxes) on 127.0.0.1, e2e tests drive headless Chromium.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        // Sandbox responses held against the vendors' published descriptions (REALITY.md "Authoritative sources"):
        // jira.js models, the MLflow protos, GitHub's OpenAPI and GraphQL schema. Sandboxes run on 127.0.0.1.
        test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // Whole-pipeline tests (a demo backfill over the sandboxes) take a minute or two on two busy cores.
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      {
        // The cloud path without a cloud: the synthesised template's IAM policies checked against every SDK call
        // the real handlers make, and the synthesised state machine executed locally (aws-local-stepfunctions).
        test: {
          name: 'cloud',
          include: ['test/cloud/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // Fault matrix, storage faults, crash-and-rerun, fuzzing, secret canary and privacy: real sandboxes, stores
        // and spawned CLI runs, so the timeouts are generous.
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 300_000,
          // Most of the time is spent waiting (retry back-offs, stalled servers, child processes), so three files
          // side by side fit on two cores.
          maxWorkers: 3,
        },
      },
    ],
  },
});
