import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cursor } from '../../shared/sources/contract.js';
import { createCopilotSource } from '../../shared/sources/copilot/index.js';
import { ANCHOR, TEST_TOKEN, startCopilotSandbox } from '../integration/copilot/copilot-sandbox.js';
import type { RunningCopilot } from '../integration/copilot/copilot-sandbox.js';
import { operationId, validateResponse } from './github-openapi.js';

// Every Copilot usage-metrics report response the connector reads (the report metadata: download links for a day),
// as the sandbox serves it, against its operation's response schema in GitHub's OpenAPI description
// (@octokit/openapi, api.github.com.json; ajv 8). The syncs take every answer the spec lists that the connector
// handles: 200 with links, 204 for a day without data, 404 for a day not reported yet, 403 for a token without the
// metrics permission. The downloaded NDJSON files have no schema in the spec; their rows are checked by the
// connector's own zod schemas.

interface Exchange {
  path: string;
  status: number;
  body: unknown;
}

const DAY_MS = 86_400_000;
const day = (n: number): string => new Date(ANCHOR.getTime() - n * DAY_MS).toISOString().slice(0, 10);
let s: RunningCopilot;
const exchanges: Exchange[] = [];

beforeAll(async () => {
  s = await startCopilotSandbox();
  s.copilot.noContentDays.add(day(4));
  s.copilot.missingDays.add(day(2));
  const source = createCopilotSource({ maxWaitSeconds: 5, retryBaseMs: 10 });
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname.includes('/copilot/metrics/reports/')) {
      const text = await res.clone().text();
      exchanges.push({ path: url.pathname, status: res.status, body: text === '' ? null : JSON.parse(text) });
    }
    return res;
  };
  const run = (cursor: Cursor | null) => source.collect({
    binding: s.binding, org: s.org, credentials: { RADAR_GITHUB_TOKEN: TEST_TOKEN }, cursor,
    asOf: ANCHOR.toISOString(), since: new Date(ANCHOR.getTime() - 7 * DAY_MS).toISOString(), fetch: recording, onPage: async () => undefined,
  });
  await run(null);
  s.copilot.tokenLacksPermission = true;
  await run(null).catch(() => undefined);
}, 60_000);

afterAll(async () => {
  await s.close();
});

describe('Copilot report conformance: the sandbox against GitHub\'s OpenAPI description', () => {
  it('exercises both report operations the connector reads, with 200, 204, 404 and 403 answers', () => {
    expect([...new Set(exchanges.map((e) => operationId(e.path)))].sort()).toEqual([
      'copilot/copilot-organization-user-teams-one-day-report', 'copilot/copilot-organization-users-one-day-usage-metrics',
    ]);
    expect([...new Set(exchanges.map((e) => e.status))].sort()).toEqual([200, 204, 403, 404]);
  });

  it('serves every report answer exactly as its operation\'s response schema says', () => {
    const failures: string[] = [];
    for (const e of exchanges) {
      const errors = validateResponse(e.path, e.status, e.body);
      if (errors === 'no-operation' || errors === 'no-schema') failures.push(`${e.status} ${e.path}: ${errors}`);
      else if (errors.length) failures.push(`${e.status} ${e.path}: ${errors.slice(0, 3).map((x) => `${x.instancePath} ${x.message}`).join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('fails conformance when one field of the served metadata is renamed (report_day → day)', () => {
    const ok = exchanges.find((e) => e.status === 200);
    expect(ok).toBeDefined();
    const broken = structuredClone(ok!.body) as Record<string, unknown>;
    broken.day = broken.report_day;
    delete broken.report_day;
    const errors = validateResponse(ok!.path, 200, broken);
    expect(Array.isArray(errors) && errors.some((x) => x.message === "must have required property 'report_day'")).toBe(true);
    expect(validateResponse(ok!.path, 200, ok!.body)).toEqual([]);
  });
});
