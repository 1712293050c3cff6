// Executes the synthesised state machine definition locally with aws-local-stepfunctions, each Task bound to a
// local function (the real handlers), and measures what a test needs to see: how many collect items ran at once
// and which failed.
//
// aws-local-stepfunctions 3.0.0 declares Node >= 22 only because it calls Promise.withResolvers (Node 22); the
// polyfill below is installed before the library is imported, which is all it needs on Node 20 (LOCAL-STACK.md).
//
// One Distributed Map feature the library does not implement: ToleratedFailurePercentage. Its Map runs items
// with Promise.all, so the first failed item fails the Map. Step Functions instead counts an item as failed when
// its child execution fails (after the item's retries) and fails the Map only when the failed share exceeds the
// percentage. The harness supplies exactly that, and nothing else, by rewriting a copy of the definition: every
// Task in the item processor gets a Catch (States.ALL) to a Pass state that ends the item, and a gate Task after
// the Map applies the definition's own ToleratedFailurePercentage to the items whose last attempt failed, failing
// the execution with States.ExceedToleratedFailureThreshold (the error Step Functions uses) when it is exceeded.

import type * as AwsLocalStepFunctions from 'aws-local-stepfunctions';

type Json = Record<string, unknown>;
type Engine = typeof AwsLocalStepFunctions;
type Handler = (input: unknown) => Promise<unknown>;

interface WithResolvers {
  withResolvers?: <T>() => { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
}

async function loadEngine(): Promise<Engine> {
  const P = Promise as unknown as WithResolvers;
  if (typeof P.withResolvers !== 'function') {
    P.withResolvers = <T>() => {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    };
  }
  return import('aws-local-stepfunctions');
}

/** What one local execution did. */
export interface LocalExecution {
  status: 'succeeded' | 'failed';
  output?: unknown;
  /** The execution's error name when it failed (e.g. States.ExceedToleratedFailureThreshold). */
  error?: string;
  /** Most collect items in flight at once. */
  peakConcurrency: number;
  /** Collect invocations (retries included). */
  invocations: number;
  /** Binding ids whose last collect attempt threw. */
  failedItems: string[];
  /** Whether the Score task was reached. */
  scored: boolean;
}

const GATE = 'LocalToleratedFailureGate';
const ITEM_FAILED = 'LocalItemFailed';

function mapStateOf(definition: Json): [string, Json] {
  const states = definition.States as Record<string, Json>;
  const found = Object.entries(states).find(([, s]) => s.Type === 'Map');
  if (!found) throw new Error('definition has no Map state');
  return found;
}

/** The Map state of a definition (to read its MaxConcurrency fields in tests). */
export function mapState(definition: Json): Json {
  return mapStateOf(definition)[1];
}

/**
 * Runs `definition` with Plan, Collect (per item) and Score bound to local handlers. `collect` may throw to
 * simulate a crashed or timed-out Lambda; retries run as the definition says, with `retryIntervalMs` between them.
 */
export async function executeLocally(
  definition: Json,
  handlers: { plan: Handler; collect: Handler; score: Handler },
  input: Json,
  opts: { retryIntervalMs?: number } = {},
): Promise<LocalExecution> {
  const { StateMachine } = await loadEngine();
  const def = structuredClone(definition);
  const [, map] = mapStateOf(def);
  const processor = (map.ItemProcessor ?? map.Iterator) as { States: Record<string, Json> };
  const taskNames = Object.entries(processor.States).filter(([, s]) => s.Type === 'Task').map(([n]) => n);
  for (const name of taskNames) {
    const task = processor.States[name] as Json;
    task.Catch = [...((task.Catch as unknown[] | undefined) ?? []), { ErrorEquals: ['States.ALL'], Next: ITEM_FAILED }];
  }
  processor.States[ITEM_FAILED] = { Type: 'Pass', End: true };
  const states = def.States as Record<string, Json>;
  states[GATE] = { Type: 'Task', Resource: 'arn:aws:lambda:eu-west-1:111122223333:function:local-gate', Next: map.Next };
  map.Next = GATE;
  const tolerated = Number(map.ToleratedFailurePercentage ?? 0);
  const [collectState] = taskNames;
  if (collectState === undefined) throw new Error('the Map runs no Task');
  const outerTasks = Object.entries(states).filter(([n, s]) => s.Type === 'Task' && n !== GATE).map(([n]) => n);
  const planState = def.StartAt as string;
  const scoreState = outerTasks.find((n) => n !== planState);
  if (scoreState === undefined) throw new Error('no Task after the Map');

  let inFlight = 0;
  let peak = 0;
  let invocations = 0;
  let items = 0;
  let scored = false;
  const lastAttemptFailed = new Map<string, boolean>();
  const itemKey = (i: unknown): string => String((i as { task?: { bindingId?: string } }).task?.bindingId ?? JSON.stringify(i));

  const sm = new StateMachine(def as never, { validationOptions: { checkArn: false } });
  const execution = sm.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: {
        [planState]: async (i) => {
          const out = (await handlers.plan(i)) as { tasks?: unknown[] };
          items = out.tasks?.length ?? 0;
          return out as never;
        },
        [collectState]: async (i) => {
          invocations += 1;
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          try {
            const out = await handlers.collect(i);
            lastAttemptFailed.set(itemKey(i), false);
            return out as never;
          } catch (err) {
            lastAttemptFailed.set(itemKey(i), true);
            throw err;
          } finally {
            inFlight -= 1;
          }
        },
        [GATE]: (i) => {
          const failed = [...lastAttemptFailed.values()].filter(Boolean).length;
          if (items > 0 && (failed * 100) / items > tolerated) {
            const e = new Error(`${failed} of ${items} items failed, over ${tolerated}%`);
            e.name = 'States.ExceedToleratedFailureThreshold';
            throw e;
          }
          return i;
        },
        [scoreState]: async (i) => {
          scored = true;
          return (await handlers.score(i)) as never;
        },
      },
      ...(opts.retryIntervalMs !== undefined ? { retryIntervalOverrides: { [collectState]: opts.retryIntervalMs } } : {}),
    },
  });
  const failedItems = (): string[] => [...lastAttemptFailed].filter(([, f]) => f).map(([k]) => k).sort();
  try {
    const output = await execution.result;
    return { status: 'succeeded', output, peakConcurrency: peak, invocations, failedItems: failedItems(), scored };
  } catch (err) {
    const e = err as { name?: string; cause?: { name?: string } };
    const name = e.cause?.name ?? e.name ?? 'Error';
    return { status: 'failed', error: name, peakConcurrency: peak, invocations, failedItems: failedItems(), scored };
  }
}
