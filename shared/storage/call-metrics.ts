import type { StorageCallCounts } from './ports.js';

// Counts DynamoDB and S3 calls with SDK middleware, so a run summary and the benchmark can report "storage calls
// per run" from real traffic rather than from what the code intends to send.

/** The slice of an SDK client this module needs (both DynamoDBClient and S3Client fit). */
interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<{ output: unknown }>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<{ output: unknown }>,
      options: { step: 'initialize'; name: string; override?: boolean },
    ): void;
  };
}

/** A mutable counter shared by the middleware of several clients. */
export class CallCounter {
  private calls: Record<string, number> = {};
  private attempts = 0;
  private putBytes: Record<string, number> = {};

  /** Records one command and its HTTP attempts. */
  record(service: 'dynamodb' | 's3', operation: string, attempts: number): void {
    const key = `${service}.${operation}`;
    this.calls[key] = (this.calls[key] ?? 0) + 1;
    this.attempts += attempts;
  }

  /** Records the body bytes of one successful object write under its key's first segment. */
  recordPut(key: string, bytes: number): void {
    const prefix = key.split('/')[0] ?? '';
    this.putBytes[prefix] = (this.putBytes[prefix] ?? 0) + bytes;
  }

  /** A copy of the counts so far. */
  snapshot(): StorageCallCounts {
    const calls = { ...this.calls };
    const sum = (prefix: string) => Object.entries(calls).filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
    return { calls, dynamodb: sum('dynamodb.'), s3: sum('s3.'), attempts: this.attempts, putBytes: { ...this.putBytes } };
  }

  /** Zeroes every count. */
  reset(): void {
    this.calls = {};
    this.attempts = 0;
    this.putBytes = {};
  }
}

/** Maps SDK command names to the wire operation (`PutCommand` of lib-dynamodb and `PutItemCommand` are both PutItem). */
function operationName(commandName: string | undefined): string {
  const base = (commandName ?? 'Unknown').replace(/Command$/, '');
  const documentClientNames: Record<string, string> = {
    Put: 'PutItem',
    Get: 'GetItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    BatchWrite: 'BatchWriteItem',
    BatchGet: 'BatchGetItem',
  };
  return documentClientNames[base] ?? base;
}

/** Adds a counting middleware to an SDK client (idempotent per client: re-adding replaces it). */
export function countCalls(client: unknown, service: 'dynamodb' | 's3', counter: CallCounter): void {
  (client as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      let attempts = 1;
      try {
        const result = await next(args);
        attempts = (result.output as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts ?? 1;
        if (service === 's3' && context.commandName === 'PutObjectCommand') {
          const input = (args as { input?: { Key?: unknown; Body?: unknown } }).input;
          if (typeof input?.Key === 'string') counter.recordPut(input.Key, bodyBytes(input.Body));
        }
        return result;
      } catch (err) {
        attempts = (err as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts ?? 1;
        throw err;
      } finally {
        counter.record(service, operationName(context.commandName), attempts);
      }
    },
    { step: 'initialize', name: 'radarCallCounter', override: true },
  );
}

/** Byte length of a PutObject body the adapters send (Buffer, Uint8Array or string); 0 for anything else (a stream). */
function bodyBytes(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
}
