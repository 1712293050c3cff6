import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A tiny HTTP proxy in front of dynalite (DynamoDB protocol) or s3rver (S3 protocol) that answers a share of
// calls with the errors the real services send under load — DynamoDB 500 InternalServerError and 400
// ThrottlingException / ProvisionedThroughputExceededException, S3 500 InternalError and 503 SlowDown — so tests
// prove that the stores' writes retry with backoff and that nothing is left half-written. Loopback only.

export type StorageService = 'dynamodb' | 's3';

/** What the proxy answers instead of forwarding. */
export type StorageFaultKind = 'internal-error' | 'throttling' | 'throughput-exceeded' | 'slow-down';

/** A persistent fault: every attempt of a matching operation fails, from its `after`-th call on. */
export interface StorageFaultRule {
  /** DynamoDB target (`BatchWriteItem`) or S3 operation (`PutObject`, `GetObject`, `ListObjectsV2`, …). */
  operation: string;
  /** Only requests whose S3 key / DynamoDB body contains this text. */
  contains?: string;
  /** Calls of the operation (first attempts) let through before the rule starts failing them. */
  after?: number;
  kind: StorageFaultKind;
}

export interface StorageProxyOptions {
  service: StorageService;
  /** Origin of the real server, e.g. `http://127.0.0.1:41234`. */
  target: string;
  /** Share of requests (0..1) answered with a transient fault, chosen by a seeded generator. */
  transientShare?: number;
  /** Kinds used for transient faults (default: both kinds the service knows). */
  transientKinds?: StorageFaultKind[];
  seed?: number;
}

/** One request the proxy saw. */
export interface ProxyLogEntry {
  service: StorageService;
  operation: string;
  /** The SDK's `amz-sdk-request: attempt=N; max=M` header, parsed. */
  attempt: number;
  maxAttempts: number;
  /** The SDK's per-invocation id (`amz-sdk-invocation-id`): all attempts of one command share it. */
  invocation: string;
  fault: StorageFaultKind | null;
  status: number;
  /** Milliseconds since the proxy started. */
  at: number;
}

export interface StorageProxy {
  endpoint: string;
  log: ProxyLogEntry[];
  /** Changes the transient share (0 turns transient faults off). */
  setTransientShare(share: number): void;
  addRule(rule: StorageFaultRule): void;
  clearRules(): void;
  close(): Promise<void>;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function s3Operation(method: string, url: string): { operation: string; key: string } {
  const u = new URL(url, 'http://x');
  const [, , ...rest] = u.pathname.split('/');
  const key = decodeURIComponent(rest.join('/'));
  const q = u.searchParams;
  if (method === 'GET' && key === '') return { operation: q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', key };
  if (method === 'POST' && q.has('delete')) return { operation: 'DeleteObjects', key };
  const byMethod: Record<string, string> = { GET: 'GetObject', PUT: key === '' ? 'CreateBucket' : 'PutObject', HEAD: key === '' ? 'HeadBucket' : 'HeadObject', DELETE: 'DeleteObject' };
  return { operation: byMethod[method] ?? method, key };
}

function renderFault(res: ServerResponse, service: StorageService, kind: StorageFaultKind): number {
  if (service === 'dynamodb') {
    const [status, type, message] =
      kind === 'throttling'
        ? [400, 'com.amazonaws.dynamodb.v20120810#ThrottlingException', 'Rate of requests exceeds the allowed throughput.']
        : kind === 'throughput-exceeded'
          ? [400, 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded.']
          : [500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error'];
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'proxy-fault' });
    res.end(JSON.stringify({ __type: type, message }));
    return status;
  }
  const [status, code, message] =
    kind === 'slow-down' || kind === 'throttling'
      ? [503, 'SlowDown', 'Please reduce your request rate.']
      : [500, 'InternalError', 'We encountered an internal error. Please try again.'];
  res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': 'proxy-fault' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>proxy-fault</RequestId></Error>`);
  return status;
}

/**
 * Starts a fault-injecting proxy on 127.0.0.1 in front of one storage server.
 * @example const p = await startStorageProxy({ service: 's3', target: env.RADAR_S3_ENDPOINT, transientShare: 0.3 });
 */
export async function startStorageProxy(opts: StorageProxyOptions): Promise<StorageProxy> {
  const target = new URL(opts.target);
  const random = mulberry32(opts.seed ?? 1);
  let share = opts.transientShare ?? 0;
  const kinds = opts.transientKinds ?? (opts.service === 'dynamodb' ? ['internal-error', 'throttling'] : ['internal-error', 'slow-down']);
  let rules: Array<StorageFaultRule & { seen: number }> = [];
  const log: ProxyLogEntry[] = [];
  const started = Date.now();

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const sdk = /attempt=(\d+);\s*max=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''));
    const attempt = sdk ? Number(sdk[1]) : 1;
    const maxAttempts = sdk ? Number(sdk[2]) : 1;
    let operation: string;
    let haystack: string;
    if (opts.service === 'dynamodb') {
      operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      haystack = body.toString('utf8');
    } else {
      const op = s3Operation(req.method ?? 'GET', req.url ?? '/');
      operation = op.operation;
      haystack = op.key;
    }
    const entry: ProxyLogEntry = {
      service: opts.service, operation, attempt, maxAttempts, invocation: String(req.headers['amz-sdk-invocation-id'] ?? ''),
      fault: null, status: 0, at: Date.now() - started,
    };
    log.push(entry);

    const rule = rules.find((r) => r.operation === operation && (r.contains === undefined || haystack.includes(r.contains)));
    if (rule) {
      if (attempt === 1) rule.seen += 1;
      if (rule.seen > (rule.after ?? 0)) {
        entry.fault = rule.kind;
        entry.status = renderFault(res, opts.service, rule.kind);
        return;
      }
    }
    // Transient faults never hit an SDK command's last attempt, so each one is recoverable by the SDK's retries;
    // the draw happens for every request so the sequence depends only on the seed and the request order.
    const draw = random();
    const kindDraw = random();
    if (share > 0 && attempt < maxAttempts && draw < share) {
      const kind = kinds[Math.floor(kindDraw * kinds.length)] ?? 'internal-error';
      entry.fault = kind;
      entry.status = renderFault(res, opts.service, kind);
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        entry.status = up.statusCode ?? 0;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    setTransientShare: (s) => {
      share = s;
    },
    addRule: (rule) => {
      rules.push({ ...rule, seen: 0 });
    },
    clearRules: () => {
      rules = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
