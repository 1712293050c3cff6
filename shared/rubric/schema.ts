import * as z from 'zod';
import type { ConfigProblem } from '../kernel/index.js';
import { ConfigError } from '../kernel/index.js';
import { SIGNAL_FUNCTIONS } from '../signals/registry.js';

// The rubric as data: the default rubric and any organisation's custom rubric are validated by this one schema.
// Unknown keys are errors (a typo must not silently change a score), and cross-references are checked with a
// precise path so `radar validate` can point at the offending line.

const UNIT_KINDS = ['pod', 'domain', 'network', 'lab', 'steering', 'org'] as const;
const PRINCIPLES = ['data-driven-autonomy', 'rapid-learning-cycles', 'cross-functional-collaboration', 'continuous-innovation'] as const;
const SOURCES = ['jira', 'github', 'mlflow', 'copilot', 'config'] as const;
const id = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$/, 'must be `<prefix>.<slug>`, lowercase, e.g. `github.deploys-per-week`');
const text = z.string().trim().min(1);

export const rubricSignalSchema = z.strictObject({
  id,
  name: text,
  /** Sources the signal reads; `config` means the org config itself. */
  sources: z.array(z.enum(SOURCES)).min(1),
  /** Activity kinds read, e.g. `issue`, `deployment`. */
  kinds: z.array(text),
  /** Which fields and conventions it reads, in words (shown in RUBRIC.md). */
  reads: text,
  /** Trailing window in days ending at the as-of; 0 for signals read from the org config. */
  windowDays: z.number().int().min(0).max(3660),
  unit: text,
  direction: z.enum(['higher-is-better', 'lower-is-better']),
  /** Values that reach levels 2, 3, 4 and 5, in the direction's order. */
  thresholds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  appliesTo: z.array(z.enum(UNIT_KINDS)).min(1),
  howMeasured: text,
  /** When the value is missing (never 0) and when a zero is real. */
  whenMissing: text,
  /** Where the thresholds come from: a published cluster (DORA), a maturity model, or `house rule: <reason>`. */
  thresholdSource: text.optional(),
  /** How the signal can be gamed and what guards against it (label-based signals must say). */
  gaming: text.optional(),
  /**
   * A team signal derived from counting distinct people (actor hashes, active users): missing when the unit's pods
   * list fewer people in their roles than `scoring.minGroupSize`.
   */
  countsPeople: z.boolean().optional(),
});

export const rubricDimensionSchema = z.strictObject({
  id,
  unitKind: z.enum(UNIT_KINDS),
  name: text,
  signals: z.array(z.string()).min(1),
  /**
   * How signal points combine into the dimension's evidence score: `mean` (a missing signal earns 0), `min` (the
   * lowest). `mean-floor` is the 2026-11 name of `mean` (levels then came from the signal levels).
   */
  combine: z.enum(['mean', 'mean-floor', 'min']),
  /** Weight of this dimension in its unit's own score. */
  weight: z.number().positive().max(100).default(1),
  principles: z.array(z.enum(PRINCIPLES)),
  motivation: text,
  howMeasured: text,
  remediation: text,
});

const share = z.number().min(0).max(1);
const ownMembers = z.strictObject({ own: share, members: share }).refine((w) => w.own + w.members > 0, {
  message: 'at least one of `own` and `members` must be above 0',
});

export const rubricSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase slug'),
    version: z.string().regex(/^\d{4}-\d{2}$/, 'must be `YYYY-MM`'),
    name: text,
    description: text,
    levels: z
      .array(z.strictObject({ level: z.number().int().min(1).max(5), name: text, description: text }))
      .length(5),
    principles: z.array(z.strictObject({ id: z.enum(PRINCIPLES), name: text, description: text })).length(4),
    scoring: z.strictObject({
      /** A unit is `insufficient-data` when fewer than this share of its own dimensions can be scored. */
      minDimensionCoverage: share,
      /** A rollup whose scored-member share is below this says so and leaves the members out of the score. */
      minRollupCoverage: share,
      /** How a unit's own dimensions and its members' scores combine (weights renormalise over present parts). */
      rollups: z.strictObject({ domain: ownMembers, network: ownMembers }),
      /** The organisation score: weighted mean of each unit kind's mean score (weights renormalise). */
      organisation: z.strictObject({ pod: share, domain: share, network: share, lab: share, steering: share }),
      /**
       * Where levels 1–5 start on the 0–100 score. When set, the rubric scores evidence (2026-12 and later): a
       * signal that cannot be observed earns 0 points and lowers coverage; a dimension or unit below the coverage
       * floor (`minDimensionCoverage`) gets no level; rollups use fixed weights.
       */
      levelBands: z
        .tuple([z.literal(0), z.number(), z.number(), z.number(), z.number()])
        .refine((b) => b[0] < b[1] && b[1] < b[2] && b[2] < b[3] && b[3] < b[4] && b[4] < 100, {
          message: 'level bands must start at 0, increase strictly, and the top band must start below 100',
        })
        .optional(),
      /**
       * Fewest people (the sum of the role counts of the unit's pods in the org config) a unit needs before a signal
       * that counts people (`countsPeople`) is shown; below it the signal is missing ("group smaller than N people").
       */
      minGroupSize: z.number().int().min(1).max(1000).optional(),
      /** Where `minGroupSize` comes from. */
      minGroupSizeSource: text.optional(),
    }),
    signals: z.array(rubricSignalSchema).min(1),
    dimensions: z.array(rubricDimensionSchema).min(1),
  })
  .superRefine((r, ctx) => {
    const levels = new Set(r.levels.map((l) => l.level));
    if (levels.size !== 5) ctx.addIssue({ code: 'custom', path: ['levels'], message: 'levels must be 1, 2, 3, 4 and 5, each once' });
    if (new Set(r.principles.map((p) => p.id)).size !== 4) {
      ctx.addIssue({ code: 'custom', path: ['principles'], message: 'each of the four principles must appear once' });
    }
    const signals = new Map<string, (typeof r.signals)[number]>();
    r.signals.forEach((s, i) => {
      if (signals.has(s.id)) ctx.addIssue({ code: 'custom', path: ['signals', i, 'id'], message: `duplicate signal id ${s.id}` });
      signals.set(s.id, s);
      if (!Object.hasOwn(SIGNAL_FUNCTIONS, s.id)) {
        ctx.addIssue({ code: 'custom', path: ['signals', i, 'id'], message: `no signal implementation named ${s.id}` });
      }
      const t = s.thresholds;
      const ordered = s.direction === 'higher-is-better' ? t[0] < t[1] && t[1] < t[2] && t[2] < t[3] : t[0] > t[1] && t[1] > t[2] && t[2] > t[3];
      if (!ordered) {
        ctx.addIssue({
          code: 'custom',
          path: ['signals', i, 'thresholds'],
          message: `thresholds for levels 2–5 must be strictly ${s.direction === 'higher-is-better' ? 'increasing' : 'decreasing'} for a ${s.direction} signal (got ${t.join(', ')})`,
        });
      }
    });
    const dimensionIds = new Set<string>();
    r.dimensions.forEach((d, i) => {
      if (dimensionIds.has(d.id)) ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'id'], message: `duplicate dimension id ${d.id}` });
      dimensionIds.add(d.id);
      const seen = new Set<string>();
      d.signals.forEach((sid, j) => {
        const s = signals.get(sid);
        if (s === undefined) {
          ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'signals', j], message: `unknown signal id ${sid} (not in this rubric's signals)` });
        } else if (!s.appliesTo.includes(d.unitKind)) {
          ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'signals', j], message: `signal ${sid} does not apply to ${d.unitKind} units` });
        }
        if (seen.has(sid)) ctx.addIssue({ code: 'custom', path: ['dimensions', i, 'signals', j], message: `signal ${sid} is listed twice` });
        seen.add(sid);
      });
    });
  });

export type Rubric = z.infer<typeof rubricSchema>;
export type RubricInput = z.input<typeof rubricSchema>;
export type RubricSignal = Rubric['signals'][number];
export type RubricDimension = Rubric['dimensions'][number];

/** Maps a dotted path to a line and column in the source file (YAML loaders provide one; data defaults to 1:1). */
export type Locate = (path: readonly (string | number)[]) => { line: number; col: number };

/** Validates rubric data; returns the typed rubric or every problem with its path (never throws on bad data). */
export function parseRubric(
  data: unknown,
  file: string,
  locate: Locate = () => ({ line: 1, col: 1 }),
): { ok: true; rubric: Rubric } | { ok: false; problems: ConfigProblem[] } {
  const result = rubricSchema.safeParse(data);
  if (result.success) return { ok: true, rubric: result.data };
  const problems = result.error.issues.map((issue): ConfigProblem => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const { line, col } = locate(path);
    return { file, line, col, path: path.join('.'), reason: issue.message };
  });
  return { ok: false, problems };
}

/** Validates rubric data and returns it, or throws ConfigError listing every problem. */
export function assertRubric(data: unknown, file: string, locate?: Locate): Rubric {
  const parsed = parseRubric(data, file, locate);
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  return parsed.rubric;
}
