import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from './errors.js';

// One data directory, one owner. dynalite's LevelDB store cannot be opened twice (a second open fails
// asynchronously with "Database is closed" and the process hangs), so a lock file records which process owns
// the directory and the endpoints of its embedded servers. A second `radar` command on the same directory (e.g.
// `radar explain` while `radar demo` runs) attaches to those servers instead of starting its own.

/** Contents of `{dataDir}/radar.lock`. */
export interface DataDirLockInfo {
  pid: number;
  /** Empty while the owner is still starting its servers. */
  dynamodb: string;
  s3: string;
  /** The credentials the owner's embedded servers accept (per process; the file is 0600 in a 0700 directory). */
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** Endpoints of a data directory's servers and the credentials they accept. */
export interface DataDirEndpoints {
  dynamodb: string;
  s3: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** What claiming a data directory gave us. */
export type DataDirClaim =
  | { kind: 'owner'; publish(endpoints: DataDirEndpoints): void; release(): void }
  | { kind: 'attach'; endpoints: DataDirEndpoints };

/**
 * Creates the data directory readable by its owner only (0700), and tightens an existing one: it holds the
 * organisation's scores, raw vendor pages and the embedded servers' credentials.
 */
export function secureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): DataDirLockInfo | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<DataDirLockInfo>;
    if (typeof parsed.pid !== 'number') return null;
    const info: DataDirLockInfo = { pid: parsed.pid, dynamodb: String(parsed.dynamodb ?? ''), s3: String(parsed.s3 ?? '') };
    if (typeof parsed.accessKeyId === 'string' && typeof parsed.secretAccessKey === 'string') {
      info.accessKeyId = parsed.accessKeyId;
      info.secretAccessKey = parsed.secretAccessKey;
    }
    return info;
  } catch {
    // Missing, half-written or unreadable: treated as no lock; the exclusive create below settles races.
    return null;
  }
}

/**
 * Claims `dataDir` for this process (creating the lock exclusively), or returns the endpoints of the live
 * process that owns it. A lock left by a dead process is taken over.
 */
export async function claimDataDir(dataDir: string, opts: { waitMs?: number } = {}): Promise<DataDirClaim> {
  secureDataDir(dataDir);
  const path = join(dataDir, 'radar.lock');
  const deadline = Date.now() + (opts.waitMs ?? 15_000);
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify({ pid: process.pid, dynamodb: '', s3: '' }), { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        kind: 'owner',
        publish: ({ credentials, ...endpoints }) =>
          writeFileSync(path, JSON.stringify({ pid: process.pid, ...endpoints, ...(credentials ?? {}) }), { mode: 0o600 }),
        release: () => {
          if (released) return;
          released = true;
          if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StorageError({ code: 'DATA_DIR_LOCK_FAILED', reason: 'could not create the data directory lock', path, cause: err });
      }
    }
    const lock = readLock(path);
    if (lock && isAlive(lock.pid)) {
      if (lock.dynamodb !== '' && lock.s3 !== '') {
        const credentials = lock.accessKeyId !== undefined && lock.secretAccessKey !== undefined ? { accessKeyId: lock.accessKeyId, secretAccessKey: lock.secretAccessKey } : undefined;
        return { kind: 'attach', endpoints: { dynamodb: lock.dynamodb, s3: lock.s3, ...(credentials ? { credentials } : {}) } };
      }
    } else if (lock) {
      rmSync(path, { force: true });
      continue;
    }
    // The owner is still starting its servers (or the file is mid-write): wait for its endpoints.
    if (Date.now() > deadline) {
      throw new StorageError({
        code: 'DATA_DIR_IN_USE',
        reason: `another process${lock ? ` (pid ${lock.pid})` : ''} holds the data directory and has not published its servers`,
        path,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
