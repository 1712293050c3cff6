import { createHmac } from 'node:crypto';

/**
 * Turns a person identifier (login, account id, email, MLflow user id) into an opaque keyed hash used only for
 * counting distinct actors. The key never leaves the process, so the hash cannot be reversed by a dictionary.
 * @example const hashActor = actorHasher(key); hashActor('octocat') // 'a:3f1c…' (16 hex chars)
 */
export function actorHasher(key: string): (personId: string) => string {
  return (personId: string) => `a:${createHmac('sha256', key).update(personId.trim().toLowerCase()).digest('hex').slice(0, 16)}`;
}
