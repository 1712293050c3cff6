// One benchmark figure: what was measured, against which target, and whether it passed. The table on stdout and
// bench-results.json are both rendered from these.

/** How a measured value compares with its target. */
export type Comparison = 'max' | 'min' | 'info';

export interface Figure {
  section: string;
  name: string;
  measured: number;
  unit: string;
  /** The target value (null for figures reported without a target, e.g. wall time of the baseline). */
  target: number | null;
  /** `max`: measured must be ≤ target; `min`: ≥ target; `info`: no target. */
  compare: Comparison;
  /** measured ÷ target, or null without a target. */
  ratio: number | null;
  status: 'pass' | 'miss' | 'info';
  note?: string;
}

/** Builds a figure and decides pass/miss. */
export function figure(section: string, name: string, measured: number, unit: string, target: number | null, compare: Comparison, note?: string): Figure {
  const has = target !== null && compare !== 'info';
  const ratio = has && target !== 0 ? measured / target : null;
  const pass = !has ? 'info' : compare === 'max' ? (measured <= (target) ? 'pass' : 'miss') : measured >= (target) ? 'pass' : 'miss';
  return { section, name, measured, unit, target, compare: has ? compare : 'info', ratio, status: pass, ...(note ? { note } : {}) };
}

function fmt(n: number | null): string {
  if (n === null) return '—';
  if (Number.isInteger(n)) return n.toLocaleString('en-GB');
  const abs = Math.abs(n);
  return n.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3);
}

/** Renders figures as a fixed-width text table. */
export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.section,
    f.name,
    `${fmt(f.measured)} ${f.unit}`.trim(),
    f.target === null ? '—' : `${f.compare === 'max' ? '≤' : '≥'} ${fmt(f.target)}`,
    f.ratio === null ? '—' : `${fmt(f.ratio)}×`,
    f.status,
  ]);
  const head = ['section', 'figure', 'measured', 'target', 'ratio', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Renders figures as a Markdown table (for the README's Benchmarks section). */
export function renderMarkdown(figures: readonly Figure[]): string {
  const out = ['| section | figure | measured | target | ratio | result |', '| --- | --- | --- | --- | --- | --- |'];
  for (const f of figures) {
    out.push(`| ${f.section} | ${f.name} | ${fmt(f.measured)} ${f.unit} | ${f.target === null ? '—' : `${f.compare === 'max' ? '≤' : '≥'} ${fmt(f.target)}`} | ${f.ratio === null ? '—' : `${fmt(f.ratio)}×`} | ${f.status} |`);
  }
  return out.join('\n');
}

/** Milliseconds since `start` (a `performance.now()` reading). */
export function since(start: number): number {
  return performance.now() - start;
}
