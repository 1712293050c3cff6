// Executes the synthesised state machine definition locally with aws-local-stepfunctions, each Task bound to a
// local function (the real handlers), and measures what a test needs to see: how many collect items ran at once,
// which way the scoring Choice went
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
  /** Whether a scoring task (the single Score task or, fanned out, the rollup task) was reached. */
  scored: boolean;
  /** Which way the scoring Choice went: one Score task, or the score-pod Map and the rollup task. */
  scoring?: 'single' | 'fan-out';
  /** Score-pod invocations (fan-out only), and the most in flight at once. */
  podInvocations: number;
  peakPodConcurrency: number;
}

const GATE = 'LocalToleratedFailureGate';
const ITEM_FAILED = 'LocalItemFailed';

type States = Record<string, Json>;

function processorOf(map: Json): { States: States } {
  return (map.ItemProcessor ?? map.Iterator) as { States: States };
}

function onlyTask(map: Json, what: string): string {
  const [name] = Object.entries(processorOf(map).States).filter(([, s]) => s.Type === 'Task').map(([n]) => n);
  if (name === undefined) throw new Error(`the ${what} Map runs no Task`);
  return name;
}

/** The collect Map: the state right after Plan. */
function mapStateOf(definition: Json): [string, Json] {
  const states = definition.States as States;
  const name = String(states[String(definition.StartAt)]?.Next ?? '');
  const map = states[name];
  if (map?.Type !== 'Map') throw new Error('the state after Plan is not a Map');
  return [name, map];
}

/** The collect Map state of a definition (to read its MaxConcurrency fields in tests). */
export function mapState(definition: Json): Json {
  return mapStateOf(definition)[1];
}

/** The scoring states after the collect Map: the Choice, the single Score task, the pod Map, its task and the rollups. */
function scoringStatesOf(states: States, afterCollect: string): { single: string; podMap?: string; pod?: string; rollups?: string } {
  const next = states[afterCollect];
  if (next?.Type === 'Task') return { single: afterCollect };
  if (next?.Type !== 'Choice') throw new Error(`unexpected state after the collect Map: ${afterCollect}`);
  const single = String(next.Default);
  const podMap = String((next.Choices as Json[])[0]?.Next);
  const map = states[podMap] as Json;
  return { single, podMap, pod: onlyTask(map, 'score-pod'), rollups: String(map.Next) };
}

export interface LocalHandlers {
  plan: Handler;
  collect: Handler;
  score: Handler;
  scorePod?: Handler;
  scoreRollups?: Handler;
}

/**
 * Runs `definition` with Plan, Collect (per item), Score, and (fanned out) ScorePod per item and ScoreRollups bound
 * to local handlers. `collect` may throw to simulate a crashed or timed-out Lambda; retries run as the definition
 * says, with `retryIntervalMs` between them. Only the collect Map gets the ToleratedFailurePercentage emulation.
 */
export async function executeLocally(
  definition: Json,
  handlers: LocalHandlers,
  input: Json,
  opts: { retryIntervalMs?: number } = {},
): Promise<LocalExecution> {
  const { StateMachine } = await loadEngine();
  const def = structuredClone(definition);
  const [, map] = mapStateOf(def);
  const processor = processorOf(map);
  const taskNames = Object.entries(processor.States).filter(([, s]) => s.Type === 'Task').map(([n]) => n);
  for (const name of taskNames) {
    const task = processor.States[name] as Json;
    task.Catch = [...((task.Catch as unknown[] | undefined) ?? []), { ErrorEquals: ['States.ALL'], Next: ITEM_FAILED }];
  }
  processor.States[ITEM_FAILED] = { Type: 'Pass', End: true };
  const states = def.States as States;
  const afterCollect = String(map.Next);
  states[GATE] = { Type: 'Task', Resource: 'arn:aws:lambda:eu-west-1:111122223333:function:local-gate', Next: afterCollect };
  map.Next = GATE;
  const tolerated = Number(map.ToleratedFailurePercentage ?? 0);
  const collectState = onlyTask(map, 'collect');
  const planState = def.StartAt as string;
  const scoring = scoringStatesOf(states, afterCollect);

  let inFlight = 0;
  let peak = 0;
  let invocations = 0;
  let items = 0;
  let scored = false;
  let way: LocalExecution['scoring'];
  let podInvocations = 0;
  let podsInFlight = 0;
  let peakPods = 0;
  const lastAttemptFailed = new Map<string, boolean>();
  const itemKey = (i: unknown): string => String((i as { task?: { bindingId?: string } }).task?.bindingId ?? JSON.stringify(i));
  const missing = (what: string): Handler => () => Promise.reject(new Error(`no local handler for ${what}`));

  const local: Record<string, (i: never) => Promise<never> | never> = {
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
    [scoring.single]: async (i) => {
      scored = true;
      way = 'single';
      return (await handlers.score(i)) as never;
    },
  };
  if (scoring.pod !== undefined && scoring.rollups !== undefined) {
    local[scoring.pod] = async (i) => {
      way = 'fan-out';
      podInvocations += 1;
      podsInFlight += 1;
      peakPods = Math.max(peakPods, podsInFlight);
      try {
        return (await (handlers.scorePod ?? missing('ScorePod'))(i)) as never;
      } finally {
        podsInFlight -= 1;
      }
    };
    local[scoring.rollups] = async (i) => {
      scored = true;
      way = 'fan-out';
      return (await (handlers.scoreRollups ?? missing('ScoreRollups'))(i)) as never;
    };
  }

  const sm = new StateMachine(def as never, { validationOptions: { checkArn: false } });
  const execution = sm.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: local as never,
      ...(opts.retryIntervalMs !== undefined ? { retryIntervalOverrides: { [collectState]: opts.retryIntervalMs } } : {}),
    },
  });
  const failedItems = (): string[] => [...lastAttemptFailed].filter(([, f]) => f).map(([k]) => k).sort();
  const seen = (): Omit<LocalExecution, 'status'> => ({
    peakConcurrency: peak, invocations, failedItems: failedItems(), scored, ...(way ? { scoring: way } : {}),
    podInvocations, peakPodConcurrency: peakPods,
  });
  try {
    const output = await execution.result;
    return { status: 'succeeded', output, ...seen() };
  } catch (err) {
    const e = err as { name?: string; cause?: { name?: string } };
    const name = e.cause?.name ?? e.name ?? 'Error';
    return { status: 'failed', error: name, ...seen() };
  }
}
