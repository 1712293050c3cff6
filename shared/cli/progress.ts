import type { LoggerPort } from '../kernel/index.js';
import type { RunPlan, RunProgress } from '../pipeline/index.js';
import type { BindingOutcome, RunRecord } from '../storage/ports.js';

// What the CLI shows while the pipeline works: progress lines on stderr (so stdout stays clean for the summary
// or --json), a readable logger, and the end-of-run summary table.

type Write = (text: string) => void;

/** A LoggerPort for the terminal: `warn`/`error` always, `info` with verbose, `debug` with RADAR_DEBUG. */
export function terminalLogger(write: Write = (t) => process.stderr.write(t), opts: { verbose?: boolean; json?: boolean } = {}): LoggerPort {
  const debug = process.env.RADAR_DEBUG !== undefined && process.env.RADAR_DEBUG !== '';
  const line = (level: string, message: string, fields?: Record<string, unknown>): void => {
    if (opts.json) {
      write(`${JSON.stringify({ level, message, ...fields })}\n`);
      return;
    }
    const extra = fields ? Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
    write(`${level === 'warn' ? 'warning' : level}: ${message}${extra ? ` ${extra}` : ''}\n`);
  };
  return {
    debug: (m, f) => (debug ? line('debug', m, f) : undefined),
    info: (m, f) => (opts.verbose || debug ? line('info', m, f) : undefined),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
  };
}

/** Progress lines: `bindings 12/65 · failed 1 · requests 340 · 4.2s`, then one line per scored snapshot. */
export function progressReporter(write: Write = (t) => process.stderr.write(t), clock: () => number = Date.now): RunProgress {
  const started = clock();
  let requests = 0;
  let failed = 0;
  const elapsed = (): string => `${((clock() - started) / 1000).toFixed(1)}s`;
  return {
    onPlanned(plan: RunPlan) {
      write(`planned ${plan.runId}: ${plan.tasks.length} bindings as of ${plan.asOf}\n`);
    },
    onBindingDone(outcome: BindingOutcome, done: number, total: number) {
      requests += outcome.requests;
      if (outcome.status === 'failed') {
        failed += 1;
        write(`  failed ${outcome.bindingId}: ${outcome.errorClass ?? 'Error'} ${outcome.message ?? ''}\n`);
      }
      write(`bindings ${done}/${total} · failed ${failed} · requests ${requests} · ${elapsed()}\n`);
    },
    onScored(asOf: string, units: number) {
      write(`scored ${units} units as of ${asOf} · ${elapsed()}\n`);
    },
  };
}

/** The end-of-run summary table (plain text): units scored, sources ok/failed, requests made. */
export function formatRunSummary(run: RunRecord): string {
  const bySource = new Map<string, { ok: number; failed: number; requests: number }>();
  for (const b of run.bindings) {
    const s = bySource.get(b.source) ?? { ok: 0, failed: 0, requests: 0 };
    if (b.status === 'ok') s.ok += 1;
    else s.failed += 1;
    s.requests += b.requests;
    bySource.set(b.source, s);
  }
  const rows: string[][] = [['source', 'bindings ok', 'failed', 'requests']];
  for (const [source, s] of [...bySource.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    rows.push([source, String(s.ok), String(s.failed), String(s.requests)]);
  }
  const ok = run.bindings.filter((b) => b.status === 'ok').length;
  rows.push(['total', String(ok), String(run.bindings.length - ok), String(run.requests)]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const table = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')).join('\n');
  const failures = run.bindings
    .filter((b) => b.status !== 'ok')
    .map((b) => `  ${b.bindingId}: ${b.errorClass ?? 'Error'} (${b.errorCode ?? '?'}) ${b.message ?? ''}`);
  return [
    `run ${run.runId} ${run.status}: ${run.unitsScored} units scored as of ${run.asOf} (rubric ${run.rubric.id} ${run.rubric.version})`,
    table,
    ...(failures.length > 0 ? ['failed bindings:', ...failures] : []),
  ].join('\n');
}
