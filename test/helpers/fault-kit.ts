import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { stringify } from 'yaml';
import { silentLogger } from '../../shared/kernel/index.js';
import type { LoggerPort } from '../../shared/kernel/index.js';
import type { OrgConfig, SourceId } from '../../shared/org/index.js';
import { defaultScorer, envCredentialResolver } from '../../shared/pipeline/index.js';
import { defaultSources } from '../../shared/sources/index.js';
import type { PipelineDeps } from '../../shared/pipeline/index.js';
import { createCopilotSource } from '../../shared/sources/copilot/index.js';
import { createGithubSource } from '../../shared/sources/github/index.js';
import { createJiraSource } from '../../shared/sources/jira/index.js';
import { createMlflowSource } from '../../shared/sources/mlflow/index.js';
import type { SourcePlugin } from '../../shared/sources/contract.js';
import type { RadarStores } from '../../shared/storage/index.js';

// What the reliability tests share: a small slice of the demo organisation pointed at running sandboxes, the
// product's connectors tuned to short retry waits (through the options each connector exposes), deps built from
// them, a byte-level dump of everything in the stores, and a CLI runner.

/** Path of the `radar` bin. */
export const RADAR_BIN = fileURLToPath(new URL('../../shared/cli/bin.js', import.meta.url));

export interface SubsetOptions {
  /** Pods of the first domain to keep (default recsys and churn-predict). */
  pods?: string[];
  /** Keep only this unit's binding of this source (other units lose that source); other sources untouched. */
  soleBinding?: { unit: string; source: 'jira' | 'github' | 'mlflow' };
  /** Keep the org-level Copilot binding (default false). */
  copilot?: boolean;
  maxConcurrency?: number;
}

/**
 * The first demo domain with a few of its pods, no networks, labs or steering, base URLs at the sandboxes.
 * `soleBinding` leaves one binding of a source: the sandbox's fault rules match request paths only, and Jira's
 * and MLflow's search endpoints are shared by every binding of the source, so a fault meant for one binding
 * must be the only binding of its source on that server.
 */
export function subsetOrg(demo: OrgConfig, urls: { jira: string; github: string; mlflow: string }, opts: SubsetOptions = {}): OrgConfig {
  const domain = demo.domains[0];
  if (!domain) throw new Error('demo org has no domain');
  const keep = new Set(opts.pods ?? ['recsys', 'churn-predict']);
  const strip = <T extends { sources?: Record<string, unknown> }>(unitRef: string, u: T): T => {
    const sole = opts.soleBinding;
    if (!sole || sole.unit === unitRef || !u.sources || !(sole.source in u.sources)) return u;
    const { [sole.source]: _dropped, ...rest } = u.sources;
    return { ...u, sources: rest };
  };
  const s = demo.sources;
  const github = s.github ? { ...s.github, baseUrl: urls.github } : undefined;
  if (github && !opts.copilot) delete (github as { copilot?: unknown }).copilot;
  return {
    ...demo,
    settings: { ...demo.settings, maxConcurrency: opts.maxConcurrency ?? 4 },
    sources: {
      ...(s.jira ? { jira: { ...s.jira, baseUrl: urls.jira } } : {}),
      ...(github ? { github } : {}),
      ...(s.mlflow ? { mlflow: { ...s.mlflow, baseUrl: urls.mlflow } } : {}),
    },
    domains: [
      strip(`domain:${domain.id}`, {
        ...domain,
        pods: domain.pods.filter((p) => keep.has(p.id)).map((p) => strip(`pod:${p.id}`, p)),
      }),
    ],
    networks: [],
    labs: [],
    steering: undefined,
  } as OrgConfig;
}

/** Writes an org config as YAML into a fresh temp dir and returns the file path. */
export function writeOrgYaml(org: OrgConfig, dir: string = mkdtempSync(join(tmpdir(), 'radar-rel-'))): string {
  const file = join(dir, 'org.yaml');
  const plain = JSON.parse(JSON.stringify(org)) as Record<string, unknown>;
  writeFileSync(file, stringify(plain));
  return file;
}

/** The product's connectors with short waits: small retry budgets and timeouts, so fault cells stay fast. */
export function tunedSources(opts: { timeoutMs?: number } = {}): Partial<Record<SourceId, SourcePlugin>> {
  const http = {
    timeoutMs: opts.timeoutMs ?? 1_500,
    retry: { maxRetries: 2, baseDelayMs: 20, maxDelayMs: 100, maxTotalWaitMs: 3_000 },
  };
  const github = { maxWaitSeconds: 3, retries: 2, retryBaseMs: 20 };
  return {
    ...defaultSources(),
    jira: createJiraSource({ http }),
    mlflow: createMlflowSource({ http }),
    github: createGithubSource(github),
    copilot: createCopilotSource(github),
  };
}

/** Pipeline deps over the given stores, with tuned connectors, the default scorer and credentials from `env`. */
export function reliabilityDeps(
  org: OrgConfig,
  stores: RadarStores,
  env: Record<string, string>,
  opts: { logger?: LoggerPort; fetch?: typeof fetch; sources?: Partial<Record<SourceId, SourcePlugin>> } = {},
): PipelineDeps {
  return {
    org, stores, scorer: defaultScorer(), sources: opts.sources ?? tunedSources(), credentials: envCredentialResolver(env),
    logger: opts.logger ?? silentLogger, ...(opts.fetch ? { fetch: opts.fetch } : {}),
  };
}

/** Everything stored, byte for byte: every DynamoDB item (as the wire returns it) and every S3 object's bytes. */
export interface StoreDump {
  items: Map<string, string>;
  objects: Map<string, Buffer>;
}

/** Scans the whole table and lists and reads the whole bucket. */
export async function dumpStores(stores: RadarStores, names: { table: string; bucket: string }): Promise<StoreDump> {
  const items = new Map<string, string>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await stores.clients.dynamodb.send(new ScanCommand({ TableName: names.table, ExclusiveStartKey: start as never }));
    for (const item of out.Items ?? []) {
      const key = `${item.PK?.S ?? ''}|${item.SK?.S ?? ''}`;
      items.set(key, canonical(item));
    }
    start = out.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (start);
  const objects = new Map<string, Buffer>();
  let token: string | undefined;
  do {
    const out = await stores.clients.s3.send(new ListObjectsV2Command({ Bucket: names.bucket, ContinuationToken: token }));
    for (const o of out.Contents ?? []) {
      if (!o.Key) continue;
      const got = await stores.clients.s3.send(new GetObjectCommand({ Bucket: names.bucket, Key: o.Key }));
      objects.set(o.Key, Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()));
    }
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return { items, objects };
}

/** JSON with sorted keys, so two equal items compare equal as text. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

/** Short content hash for reports. */
export function digest(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 12);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node shared/cli/bin.js …` as a child process. NODE_OPTIONS carries the legacy-provider flag so bin.js runs
 * in the spawned process itself (no re-exec): a kill hits the real worker. `kill` decides, per stderr chunk or
 * after a delay, when to SIGKILL it.
 */
export function runRadar(
  args: string[],
  env: Record<string, string>,
  opts: {
    cwd?: string;
    killAfterMs?: number;
    killWhen?: (stderr: string) => boolean;
    /** SIGKILL `delayMs` after stderr first matches `pattern`. */
    killAfterLine?: { pattern: RegExp; delayMs: number };
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RADAR_BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...env, NODE_OPTIONS: '--openssl-legacy-provider', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timers: NodeJS.Timeout[] = [];
    if (opts.killAfterMs !== undefined) timers.push(setTimeout(kill, opts.killAfterMs));
    let lineSeen = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (opts.killWhen?.(stderr)) kill();
      if (opts.killAfterLine && !lineSeen && opts.killAfterLine.pattern.test(stderr)) {
        lineSeen = true;
        if (opts.killAfterLine.delayMs <= 0) kill();
        else timers.push(setTimeout(kill, opts.killAfterLine.delayMs));
      }
    });
    child.on('error', reject);
    // 'close' (not 'exit'): both pipes are drained by then.
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
