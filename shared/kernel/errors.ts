/** Base class of every error the product throws on purpose; `code` is stable, `reason` is plain words. */
export class RadarError extends Error {
  readonly code: string;
  readonly reason: string;
  /** Where it happened: a URL path (no query), an S3 key, a config file with a JSON pointer. */
  readonly path: string | undefined;
  /** The source (jira, github, mlflow, copilot) where relevant. */
  readonly source: string | undefined;

  constructor(opts: { code: string; reason: string; path?: string; source?: string; cause?: unknown }) {
    super(opts.path ? `${opts.reason} (${opts.path})` : opts.reason, { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.reason = opts.reason;
    this.path = opts.path;
    this.source = opts.source;
  }
}

/** Raised when configuration (org file, rubric file, environment) is invalid; carries every problem found. */
export class ConfigError extends RadarError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], cause?: unknown) {
    super({
      code: 'CONFIG_INVALID',
      reason: `${problems.length} configuration problem(s)`,
      path: problems[0]?.file,
      cause,
    });
    this.problems = problems;
  }
}

/** One configuration problem, printed as `FILE:LINE:COL path.to.field: reason`. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  /** Dotted path into the document, e.g. `domains.0.pods.2.sources.github.repos`. */
  path: string;
  reason: string;
}

/** Formats a problem the way editors and CI annotate: `FILE:LINE:COL path: reason`. */
export function formatConfigProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path || '(root)'}: ${p.reason}`;
}
