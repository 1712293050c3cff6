import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { IamRequest } from './iam-evaluator.js';
import { ACCOUNT, REGION } from './template.js';
import type { FunctionName } from './template.js';

// Records every AWS SDK call a handler makes, as IAM will see it (action, resource ARN, condition keys), with an
// SDK middleware at the `initialize` step. The handlers build their own clients (stores, the config reader,
// Secrets Manager), so the middleware is added to every client on its first send, through the one smithy Client
// class all SDK v3 clients extend. Which function made a call comes from an AsyncLocalStorage scope the test opens
// around each handler invocation; calls outside any scope (the test's own setup) are not recorded.

/** One recorded call, expanded to the IAM requests it needs (a batch over two tables is two requests). */
export interface RecordedCall {
  fn: FunctionName;
  /** SDK operation, e.g. `s3.PutObject` or `dynamodb.BatchWriteItem`. */
  operation: string;
  requests: IamRequest[];
}

type Input = Record<string, unknown>;
interface Stack {
  add(mw: (next: (a: { input: Input }) => Promise<unknown>, ctx: { clientName?: string; commandName?: string }) => (a: { input: Input }) => Promise<unknown>, o: Record<string, unknown>): void;
}

const scope = new AsyncLocalStorage<FunctionName>();

/** Runs `work` as function `fn`: every SDK call inside is attributed to it. */
export function asFunction<T>(fn: FunctionName, work: () => Promise<T>): Promise<T> {
  return scope.run(fn, work);
}

/** A DynamoDB key attribute's string value, in document-client (plain) or low-level (`{ S: … }`) form. */
function keyString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && typeof (v as { S?: unknown }).S === 'string') return (v as { S: string }).S;
  return undefined;
}

/** Maps SDK command names (lib-dynamodb's `Put` and the low-level `PutItem`) to the wire operation. */
function operationOf(commandName: string | undefined): string {
  const base = (commandName ?? 'Unknown').replace(/Command$/, '');
  const doc: Record<string, string> = { Put: 'PutItem', Get: 'GetItem', Update: 'UpdateItem', Delete: 'DeleteItem', BatchWrite: 'BatchWriteItem', BatchGet: 'BatchGetItem' };
  return doc[base] ?? base;
}

/** Maps a call to IAM requests. Operations nothing here should make throw, so an unexpected call cannot slip by. */
export function toIamRequests(service: string, operation: string, input: Input, keys: { table: string; indexes: Record<string, string> }): IamRequest[] {
  if (service === 's3') {
    const bucket = String(input.Bucket);
    const object = (key: unknown): string => `arn:aws:s3:::${bucket}/${String(key)}`;
    switch (operation) {
      case 'GetObject':
      case 'HeadObject':
        return [{ action: 's3:GetObject', resource: object(input.Key), context: {} }];
      case 'PutObject':
        return [{ action: 's3:PutObject', resource: object(input.Key), context: {} }];
      case 'DeleteObject':
        return [{ action: 's3:DeleteObject', resource: object(input.Key), context: {} }];
      case 'DeleteObjects':
        return ((input.Delete as { Objects?: { Key: string }[] }).Objects ?? []).map((o) => ({ action: 's3:DeleteObject', resource: object(o.Key), context: {} }));
      case 'ListObjectsV2':
      case 'ListObjects':
        return [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context: { 's3:prefix': String(input.Prefix ?? '') } }];
      case 'HeadBucket':
        return [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context: {} }];
      default:
        return [{ action: `s3:${operation}`, resource: `arn:aws:s3:::${bucket}`, context: {} }];
    }
  }
  if (service === 'dynamodb') {
    const tableArn = (name: unknown): string => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${String(name)}`;
    const leading = (pks: (string | undefined)[]): Record<string, string[]> => ({ 'dynamodb:LeadingKeys': pks.filter((p): p is string => p !== undefined) });
    switch (operation) {
      case 'GetItem':
      case 'UpdateItem':
      case 'DeleteItem':
        return [{ action: `dynamodb:${operation}`, resource: tableArn(input.TableName), context: leading([keyString((input.Key as Input)[keys.table])]) }];
      case 'PutItem':
        return [{ action: 'dynamodb:PutItem', resource: tableArn(input.TableName), context: leading([keyString((input.Item as Input)[keys.table])]) }];
      case 'Query': {
        const index = input.IndexName as string | undefined;
        const pkName = index === undefined ? keys.table : keys.indexes[index];
        // The partition key's value from `PK = :pk` (names may go through ExpressionAttributeNames).
        const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
        const values = (input.ExpressionAttributeValues ?? {}) as Input;
        const pk = [...String(input.KeyConditionExpression).matchAll(/([#\w]+)\s*=\s*(:\w+)/g)]
          .filter(([, n]) => (names[n ?? ''] ?? n) === pkName)
          .map(([, , v]) => keyString(values[v ?? '']));
        return [{ action: 'dynamodb:Query', resource: index === undefined ? tableArn(input.TableName) : `${tableArn(input.TableName)}/index/${index}`, context: leading(pk) }];
      }
      case 'BatchWriteItem':
        return Object.entries(input.RequestItems as Record<string, { PutRequest?: { Item: Input }; DeleteRequest?: { Key: Input } }[]>).map(([table, writes]) => ({
          action: 'dynamodb:BatchWriteItem',
          resource: tableArn(table),
          context: leading(writes.map((w) => keyString((w.PutRequest?.Item ?? w.DeleteRequest?.Key ?? {})[keys.table]))),
        }));
      case 'BatchGetItem':
        return Object.entries(input.RequestItems as Record<string, { Keys: Input[] }>).map(([table, req]) => ({
          action: 'dynamodb:BatchGetItem', resource: tableArn(table), context: leading(req.Keys.map((k) => keyString(k[keys.table]))),
        }));
      default:
        return [{ action: `dynamodb:${operation}`, resource: tableArn(input.TableName), context: {} }];
    }
  }
  if (service === 'secretsmanager') {
    const id = String(input.SecretId);
    if (!id.startsWith('arn:')) throw new Error(`secret fetched by name (${id}), not by ARN`);
    return [{ action: `secretsmanager:${operation}`, resource: id, context: {} }];
  }
  throw new Error(`a call to ${service}.${operation}, a service this check does not know`);
}

/**
 * Starts recording: patches `send` on the smithy Client class the SDK clients share so each client gets the
 * recording middleware once. Returns the calls recorded so far (live array) and a stop function.
 */
export function recordSdkCalls(keys: { table: string; indexes: Record<string, string> }): { calls: RecordedCall[]; stop(): void } {
  const calls: RecordedCall[] = [];
  const instrumented = new WeakSet<object>();
  const serviceOf: Record<string, string> = { S3Client: 's3', DynamoDBClient: 'dynamodb', DynamoDBDocumentClient: 'dynamodb', SecretsManagerClient: 'secretsmanager' };
  const protos = new Set([S3Client, DynamoDBClient, SecretsManagerClient].map((c) => Object.getPrototypeOf(c.prototype) as { send: (...a: unknown[]) => unknown }));
  const restore: (() => void)[] = [];
  for (const proto of protos) {
    const original = proto.send;
    proto.send = function patchedSend(this: { middlewareStack: Stack }, ...args: unknown[]) {
      if (!instrumented.has(this.middlewareStack)) {
        instrumented.add(this.middlewareStack);
        this.middlewareStack.add(
          (next, ctx) => async (a) => {
            const fn = scope.getStore();
            if (fn === undefined) return next(a);
            const service = serviceOf[ctx.clientName ?? ''] ?? ctx.clientName ?? 'unknown';
            const operation = operationOf(ctx.commandName);
            const call: RecordedCall = { fn, operation: `${service}.${operation}`, requests: toIamRequests(service, operation, a.input, keys) };
            calls.push(call);
            try {
              return await next(a);
            } catch (err) {
              // S3 answers a missing key with 404 only when the caller may also list the bucket, and with 403
              // otherwise ("GetObject", S3 API reference). The code reads "nothing stored yet" from the 404, so a
              // 404 here needs s3:ListBucket too, in a request context that carries no s3:prefix.
              const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
              if (service === 's3' && (operation === 'GetObject' || operation === 'HeadObject') && status === 404) {
                call.requests.push({ action: 's3:ListBucket', resource: `arn:aws:s3:::${String(a.input.Bucket)}`, context: {} });
              }
              throw err;
            }
          },
          { step: 'initialize', name: 'radarIamRecorder', override: true },
        );
      }
      return original.apply(this, args);
    };
    restore.push(() => {
      proto.send = original;
    });
  }
  return { calls, stop: () => restore.forEach((r) => r()) };
}
