import pLimit from 'p-limit';
import { ObjectNotFoundError } from './errors.js';
import { runOutcomeKey, runOutcomePrefix } from './keys.js';
import type { BindingOutcome, RunLogStore } from './ports.js';
import type { S3ObjectStore } from './s3-objects.js';

const LOAD_CONCURRENCY = 16;

/**
 * The run log in S3: one gzip JSON object per binding under `runs/{runId}/outcomes/`. Its own prefix (not `raw/`)
 * so the IAM policy can let collect write outcomes without letting it touch anything score or the API read.
 */
export class S3RunLogStore implements RunLogStore {
  constructor(private readonly objects: S3ObjectStore) {}

  /** Writes the outcome under the run's outcome prefix (a rerun of the run replaces it). */
  async saveOutcome(runId: string, outcome: BindingOutcome): Promise<void> {
    await this.objects.putRawPage(runOutcomeKey(runId, outcome.bindingId), outcome);
  }

  /** Lists the run's outcome prefix and reads every outcome found there. */
  async loadOutcomes(runId: string): Promise<Map<string, BindingOutcome>> {
    const keys = await this.objects.listKeys(runOutcomePrefix(runId));
    const limit = pLimit(LOAD_CONCURRENCY);
    const outcomes = await Promise.all(keys.map((key) => limit(async () => (await this.objects.getRawPage(key)) as BindingOutcome)));
    return new Map(outcomes.map((o) => [o.bindingId, o]));
  }

  /** Reads the outcomes of the given bindings by key (a pod's score item needs its own, not the whole run's). */
  async loadOutcomesOf(runId: string, bindingIds: readonly string[]): Promise<Map<string, BindingOutcome>> {
    const limit = pLimit(LOAD_CONCURRENCY);
    const found = await Promise.all(
      bindingIds.map((id) =>
        limit(async () => {
          try {
            return (await this.objects.getRawPage(runOutcomeKey(runId, id))) as BindingOutcome;
          } catch (err) {
            if (err instanceof ObjectNotFoundError) return null;
            throw err;
          }
        }),
      ),
    );
    return new Map(found.filter((o): o is BindingOutcome => o !== null).map((o) => [o.bindingId, o]));
  }
}
