import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardListener, guardServer, type LocalCredentials } from './embedded-guard.js';
import { StorageError } from './errors.js';

// The embedded local stack: dynalite (DynamoDB protocol) and s3rver (S3 protocol) in this process on 127.0.0.1,
// each on a free port. Both packages are CommonJS without type declarations, so they are loaded through
// createRequire and typed here with the few members we use. Both sit behind embedded-guard.ts: no browser
// (Origin header) and no non-loopback Host gets through, and with `credentials` every request must be signed
// with them (SigV4), which neither server checks by itself.

const require = createRequire(import.meta.url);

type DynaliteFactory = (opts: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
interface S3rverInternals {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
}
interface S3rverAccounts {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
}
type S3rverClass = new (opts: { address: string; port: number; silent: boolean; directory: string; resetOnClose?: boolean }) => S3rverInstance;

/** A started local server and how to stop it. */
export interface EmbeddedServer {
  /** `http://127.0.0.1:{port}` */
  endpoint: string;
  close(): Promise<void>;
}

/** How an embedded server checks its callers. */
export interface EmbeddedGuardOptions {
  /** Every request must be SigV4-signed with these; null checks only Origin and Host (in-memory test servers). */
  credentials: LocalCredentials | null;
}

/**
 * Starts dynalite on 127.0.0.1 on a free port: on disk under `dir` (data survives restarts), or in memory when
 * `dir` is undefined.
 */
export async function startEmbeddedDynamo(dir: string | undefined, guard: EmbeddedGuardOptions = { credentials: null }): Promise<EmbeddedServer> {
  const dynalite = require('dynalite') as DynaliteFactory;
  if (dir !== undefined) mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Tables become ACTIVE immediately instead of after dynalite's default 500 ms "CREATING" phase.
  const server = dynalite({ ...(dir !== undefined ? { path: dir } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  guardServer(server, 'dynamodb', guard.credentials);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (cause) {
    throw new StorageError({ code: 'EMBEDDED_START_FAILED', reason: 'could not start the embedded DynamoDB server', path: dir, cause });
  }
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Node ≥ 19 closes idle keep-alive sockets on close(); dynalite then closes its LevelDB store.
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * Starts s3rver on 127.0.0.1 on a free port, storing objects under `dir`, or under a fresh temp directory
 * (removed on close) when `dir` is undefined.
 */
export async function startEmbeddedS3(dir: string | undefined, guard: EmbeddedGuardOptions = { credentials: null }): Promise<EmbeddedServer> {
  const S3rver = require('s3rver') as S3rverClass;
  const temp = dir === undefined;
  const directory = dir ?? mkdtempSync(join(tmpdir(), 'radar-s3-'));
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  if (guard.credentials !== null) {
    // s3rver looks the access key up in its account registry before serving a signed request.
    const accounts = require('s3rver/lib/models/account') as S3rverAccounts;
    accounts.DUMMY_ACCOUNT.createKeyPair(guard.credentials.accessKeyId, guard.credentials.secretAccessKey);
  }
  // s3rver (a Koa app) builds its request listener with callback() when it starts listening: guard that listener.
  const internals = server as unknown as S3rverInternals;
  const koaCallback = internals.callback.bind(server);
  internals.callback = () => guardListener(koaCallback(), 's3', guard.credentials);
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (cause) {
    throw new StorageError({ code: 'EMBEDDED_START_FAILED', reason: 'could not start the embedded S3 server', path: directory, cause });
  }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await server.close();
      if (temp) rmSync(directory, { recursive: true, force: true });
    },
  };
}
