import { LEVEL_NAMES } from '../scoring/types.js';
import type { DimensionResult, Level, MlopsPlacement, RollupSummary, SignalResult, UnitScorecard } from '../scoring/types.js';

// A unit's scorecard as plain text for `radar explain`: every score with its signals (value, unit, window,
// thresholds, level), evidence links, next steps, missing data with reasons, MLOps placement, rollup honesty
// (coverage, spread, weakest member) and the rubric version. No colours, so it pastes cleanly into tickets.

const num = (v: number): string => String(Math.round(v * 1000) / 1000);
const level = (l: Level | null | undefined): string => (l === undefined || l === null ? '—' : `level ${l} ${LEVEL_NAMES[l]}`);
const days = (d: number): string => (d === 0 ? 'from the org config' : `over ${num(d)} days`);

function thresholdsText(s: SignalResult): string {
  const op = s.direction === 'higher-is-better' ? '≥' : '≤';
  return s.thresholds.map((t, i) => `L${i + 2} ${op} ${num(t)}`).join(' · ');
}

function signalLines(s: SignalResult): string[] {
  if (s.status === 'missing') {
    return [`    ○ ${s.name}: missing — ${s.missingReason ?? 'no data'}`, `      thresholds ${thresholdsText(s)} ${s.unit}`];
  }
  const lines = [
    `    • ${s.name}: ${num(s.value as number)} ${s.unit} ${days(s.window.days)} → ${level(s.level)}`,
    `      thresholds ${thresholdsText(s)} ${s.unit} (${s.direction})`,
  ];
  if (s.stale === true) lines.push(`      stale: the source failed; last good data from ${s.staleSince ?? 'an earlier run'} carried forward`);
  if (s.thresholdSource !== undefined) lines.push(`      thresholds from: ${s.thresholdSource}`);
  if (s.next) lines.push(`      next: level ${s.next.level} at ${num(s.next.target)} ${s.unit} (${s.next.change > 0 ? '+' : ''}${num(s.next.change)})`);
  if (s.evidenceCount > 0) {
    const shown = s.evidence.length < s.evidenceCount ? `, showing ${s.evidence.length}` : '';
    lines.push(`      evidence (${s.evidenceCount} counted${shown}):`);
    for (const e of s.evidence) lines.push(`        - ${e.label} ${e.url}`);
  }
  return lines;
}

function dimensionLines(d: DimensionResult): string[] {
  const cov = d.coverage === undefined ? '' : ` · coverage ${Math.round(d.coverage * 100)}%`;
  const head =
    d.status === 'scored'
      ? `  ▸ ${d.name} — ${level(d.level)}, ${num(d.score as number)}/100 (${d.combine} of signal points${cov})`
      : `  ▸ ${d.name} — ${d.evidenceScore === undefined ? '' : `evidence ${num(d.evidenceScore)}/100${cov}, no level — `}missing: ${d.missingReason ?? 'no data'}`;
  const lines = [head, ...d.signals.flatMap(signalLines)];
  if (d.nextSteps.length > 0) {
    lines.push('    to reach the next level:');
    for (const step of d.nextSteps) lines.push(`      - ${step}`);
  }
  return lines;
}

function mlopsLines(placements: readonly MlopsPlacement[]): string[] {
  const lines = ['MLOps placement'];
  for (const p of placements) {
    const name = p.framework === 'google' ? 'Google MLOps' : 'Microsoft MLOps maturity';
    lines.push(`  ${name}: level ${p.level} of ${p.maxLevel}${p.missingStep ? ` — missing step: ${p.missingStep}` : ' — top level reached'}`);
    for (const e of p.evidence) {
      lines.push(`    [${e.met ? 'x' : ' '}] ${e.step}: ${e.detail}`);
      for (const l of e.links) lines.push(`        - ${l.label} ${l.url}`);
    }
  }
  return lines;
}

function rollupLines(r: RollupSummary): string[] {
  const scored = r.members.filter((m) => m.score !== null).length;
  const spread = r.min === null ? 'no member scored' : `min ${num(r.min)} · max ${num(r.max as number)} · stdev ${num(r.stdev as number)}`;
  const lines = [
    'Rollup',
    `  coverage ${Math.round(r.coverage * 100)}% (${scored} of ${r.members.length} members scored) · ${spread}`,
    `  weakest member: ${r.weakest ? `${r.weakest.unit} (${num(r.weakest.score)})` : 'none'}`,
  ];
  if (r.insufficientCoverage) lines.push('  insufficient coverage: too few members are scored, so the members are left out of this score');
  for (const m of r.members) lines.push(`    - ${m.unit} ${m.name}: ${m.score === null ? 'insufficient data' : `${num(m.score)} (${level(m.level)})`}`);
  return lines;
}

/** Renders a scorecard as readable plain text (what `radar explain` prints). */
export function formatScorecard(card: UnitScorecard): string {
  const out: string[] = [];
  out.push(`${card.name} (${card.unit})${card.parent ? ` — part of ${card.parent}` : ''}`);
  out.push(`As of ${card.asOf} · rubric ${card.rubric.id} version ${card.rubric.version}`);
  out.push(
    card.status === 'scored'
      ? `Score ${num(card.score as number)}/100 · ${level(card.level)}`
      : `Insufficient data: ${card.statusReason ?? 'not enough evidence to score'}`,
  );
  if (card.coverage !== undefined) {
    out.push(`Coverage ${Math.round(card.coverage * 100)}% of the evidence could be observed · evidence score ${num(card.evidenceScore ?? 0)}/100`);
  }
  if (card.arithmetic !== undefined) out.push(`Arithmetic: ${card.arithmetic}`);
  if (card.topMoves !== undefined && card.topMoves.length > 0) {
    out.push('', 'Top moves (re-scored with one signal at its next threshold)');
    for (const m of card.topMoves.slice(0, 5)) out.push(`  +${num(m.expectedGain)}  ${m.signal}: ${m.from === null ? 'measure it' : num(m.from)} → ${num(m.to)}`);
  }
  if (card.dimensions.length > 0) out.push('', 'Dimensions', ...card.dimensions.flatMap(dimensionLines));
  const missing = card.dimensions.flatMap((d) => d.signals.filter((s) => s.status === 'missing').map((s) => `  - ${s.name} (${d.name}): ${s.missingReason ?? 'no data'}`));
  if (missing.length > 0) out.push('', 'Missing data (cannot be observed: earns no points and lowers coverage; not a measured 0)', ...missing);
  if (card.mlops && card.mlops.length > 0) out.push('', ...mlopsLines(card.mlops));
  if (card.rollup) out.push('', ...rollupLines(card.rollup));
  if (card.principles && card.principles.length > 0) {
    out.push('', 'Principles');
    for (const p of card.principles) {
      const value = p.status === 'scored' ? `${num(p.score as number)}/100 (${level(p.level)})` : 'missing';
      out.push(`  ${p.name}: ${value} · ${Math.round(p.coverage * 100)}% of its dimensions scored`);
    }
  }
  if (card.sources.length > 0) {
    out.push('', 'Sources');
    for (const s of card.sources) {
      const extra = [s.reason, s.lastSuccessAt ? `last success ${s.lastSuccessAt}` : undefined].filter((x) => x !== undefined).join('; ');
      out.push(`  ${s.bindingId}: ${s.status}${extra ? ` (${extra})` : ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}
