import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { SignatureV4 } from '@smithy/signature-v4';
import { isLoopbackHostHeader } from '../kernel/index.js';

// The embedded DynamoDB- and S3-protocol servers (dynalite, s3rver) accept any caller: dynalite checks no
// signature and answers cross-origin requests with `Access-Control-Allow-Origin: *`, and s3rver serves anonymous
// requests and does not check SigV4 signatures. A web page could then read and write the organisation's data
// through the browser (CORS, or DNS rebinding), and any local account could use the ports. This guard sits in
// front of both: it refuses any request with an Origin header (the SDK never sends one; browsers always do on
// cross-origin requests) or a non-loopback Host, and verifies each request's SigV4 signature against credentials
// made for this process, which only the CLI's own SDK clients (and a second radar process, through the 0600 lock
// file in the 0700 data directory) are given.

/** Access key and secret for the embedded servers. */
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

let processCredentials: LocalCredentials | undefined;

/** The credentials of this process's embedded servers: random, made once per process, never written to a log. */
export function embeddedCredentials(): LocalCredentials {
  processCredentials ??= {
    // AKIA-like shape (upper-case alphanumerics) so every S3/DynamoDB parser accepts it.
    accessKeyId: `RADAR${randomBytes(10).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
  return processCredentials;
}

type Service = 'dynamodb' | 's3';
type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_SKEW_MS = 15 * 60_000;

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** SHA-256 and HMAC-SHA-256 in the shape the Smithy signer wants. */
class NodeSha256 {
  private hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    throw new Error('not supported');
  }
}

function refuse(res: ServerResponse, service: Service, status: number, reason: string): void {
  if (res.headersSent) return;
  if (service === 's3') {
    res.writeHead(status, { 'Content-Type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${reason}</Message></Error>`);
  } else {
    res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException', message: reason }));
  }
}

function parseAmzDate(text: string | undefined): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/**
 * Checks the request's SigV4 signature against `credentials`; returns the reason it is refused, or null.
 * S3 requests carry `x-amz-content-sha256`, which the signature covers, so their bodies are not read; DynamoDB
 * bodies are hashed as the signer does.
 */
async function verifySignature(
  req: IncomingMessage,
  body: Buffer | undefined,
  service: Service,
  credentials: LocalCredentials,
): Promise<string | null> {
  const m = AUTH.exec(String(req.headers.authorization ?? ''));
  if (!m) return 'a SigV4 Authorization header is required';
  const [, accessKeyId, , region, signedService, signedHeaderList, signature] = m as unknown as string[];
  if (accessKeyId !== credentials.accessKeyId) return 'unknown access key';
  if (signedService !== service) return 'signed for another service';
  const date = parseAmzDate(req.headers['x-amz-date'] as string | undefined);
  if (date === null || Math.abs(Date.now() - date.getTime()) > MAX_SKEW_MS) return 'x-amz-date is missing or too far from now';
  const names = (signedHeaderList as string).split(';');
  if (!names.includes('host')) return 'the Host header must be signed';
  if (service === 's3' && !names.includes('x-amz-content-sha256')) return 'x-amz-content-sha256 must be signed';
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = req.headers[name];
    if (value === undefined) return `signed header ${name} is missing`;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const query: Record<string, string | string[]> = {};
  if (q !== -1) {
    for (const [k, v] of new URLSearchParams(rawUrl.slice(q + 1))) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  // S3 signs the path as sent; every other service double-encodes it (SigV4 rules), as the SDK's signer does.
  const signer = new SignatureV4({ credentials, region: region as string, service, sha256: NodeSha256, uriEscapePath: service !== 's3', applyChecksum: false });
  const signed = await signer.sign(
    { method: req.method ?? 'GET', protocol: 'http:', hostname: '127.0.0.1', path, query, headers, ...(body !== undefined ? { body } : {}) },
    { signingDate: date, signingRegion: region, signingService: service, signableHeaders: new Set(names) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization ?? signed.headers.Authorization ?? ''))?.[1] ?? '';
  const ok = expected.length === 64 && timingSafeEqual(Buffer.from(expected), Buffer.from(signature as string));
  return ok ? null : 'the signature does not match';
}

/** Wraps a request listener so that only same-machine, correctly signed, non-browser requests reach it. */
export function guardListener(listener: Listener, service: Service, credentials: LocalCredentials | null): Listener {
  return (req, res) => {
    if (req.headers.origin !== undefined) return refuse(res, service, 403, 'cross-origin requests are refused');
    if (!isLoopbackHostHeader(req.headers.host)) return refuse(res, service, 421, 'only loopback host names are answered');
    if (credentials === null) return listener(req, res);
    void (async () => {
      let forwarded: IncomingMessage = req;
      let body: Buffer | undefined;
      if (service === 'dynamodb') {
        const read = await readBody(req);
        if (read === null) return refuse(res, service, 413, 'request body too large');
        body = read;
        // dynalite reads the body from the request stream; replay the bytes already read.
        const replay = new PassThrough();
        replay.end(body);
        forwarded = Object.assign(replay, { headers: req.headers, method: req.method, url: req.url, socket: req.socket, httpVersion: req.httpVersion }) as unknown as IncomingMessage;
      }
      const problem = await verifySignature(req, body, service, credentials);
      if (problem !== null) return refuse(res, service, 403, problem);
      listener(forwarded, res);
    })().catch(() => refuse(res, service, 400, 'malformed request'));
  };
}

/** Puts the guard in front of every request listener already on `server` (dynalite registers one at creation). */
export function guardServer(server: Server, service: Service, credentials: LocalCredentials | null): void {
  const listeners = server.listeners('request') as Listener[];
  server.removeAllListeners('request');
  for (const l of listeners) server.on('request', guardListener(l.bind(server), service, credentials));
}
