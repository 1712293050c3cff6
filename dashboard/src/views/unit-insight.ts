import type { EvidenceLink, SignalResult, UnitScorecard } from '../../../shared/api/contract.js';
import { h } from '../dom.js';
import { day, fmtNumber, fmtPercent, fmtScore, levelLabel, toCsv, unitHref } from '../format.js';
import { downloadButton, fmtChange } from '../widgets.js';

// The top of every unit page: what to do first (top moves), what changed, and for rollups how the score was made.
// Fields the scoring adds later (topMoves, arithmetic, per-dimension coverage) are read defensively so the page
// draws the same before and after that change lands.

export interface TopMove {
  signal: string;
  from: number;
  to: number;
  expectedGain: number;
}

/** The scorecard's ranked moves when its scoring reports them; [] otherwise. */
export function topMovesOf(card: UnitScorecard): TopMove[] | null {
  const raw = (card as { topMoves?: unknown }).topMoves;
  if (!Array.isArray(raw)) return null;
  return raw.filter(
    (m): m is TopMove => typeof m === 'object' && m !== null && typeof (m as TopMove).signal === 'string' && typeof (m as TopMove).from === 'number' && typeof (m as TopMove).to === 'number' && typeof (m as TopMove).expectedGain === 'number',
  );
}

function allSignals(card: UnitScorecard): SignalResult[] {
  return card.dimensions.flatMap((d) => d.signals);
}

export function topMovesCard(card: UnitScorecard): HTMLElement {
  const moves = topMovesOf(card);
  const signals = new Map(allSignals(card).map((s) => [s.signalId, s]));
  return h(
    'section',
    { class: 'card wide top-moves', 'aria-labelledby': 'moves-h', 'data-testid': 'top-moves' },
    h('h2', { id: 'moves-h' }, 'Top moves'),
    moves === null
      ? h(
          'p',
          { class: 'note', 'data-testid': 'top-moves-empty' },
          'No ranked moves in this snapshot: its scoring does not rank moves by expected gain yet. Each dimension below lists the target of every signal that is short of its next level.',
        )
      : moves.length === 0
        ? h('p', { class: 'note', 'data-testid': 'top-moves-empty' }, 'Nothing left to move: every scored signal is at its top level.')
        : h(
            'ol',
            { 'data-testid': 'top-moves-list' },
            moves.slice(0, 5).map((m) => {
              const s = signals.get(m.signal);
              const unit = s?.unit ?? '';
              return h(
                'li',
                {},
                h('a', { href: `#signal-${m.signal}`, onclick: (ev: Event) => { ev.preventDefault(); document.querySelector(`[data-testid="signal-${CSS.escape(m.signal)}"]`)?.scrollIntoView({ behavior: 'smooth' }); } }, s?.name ?? m.signal),
                `: ${fmtNumber(m.from, unit)} → ${fmtNumber(m.to, unit)} `,
                h('span', { class: 'gain' }, `+${m.expectedGain.toFixed(1)} points`),
                h('span', { class: 'note' }, ' expected on the unit score'),
              );
            }),
          ),
  );
}

/** A signal's move between two snapshots of the same unit, with the evidence links added and gone. */
export interface SignalChange {
  signalId: string;
  name: string;
  unit: string;
  from: number | null;
  to: number | null;
  levelFrom: number | null;
  levelTo: number | null;
  added: EvidenceLink[];
  gone: EvidenceLink[];
}

/** Signals whose value, level or evidence differ between `before` and `now` (by signal id). */
export function diffSignals(before: UnitScorecard, now: UnitScorecard): SignalChange[] {
  const old = new Map(allSignals(before).map((s) => [s.signalId, s]));
  const out: SignalChange[] = [];
  for (const s of allSignals(now)) {
    const o = old.get(s.signalId);
    const from = o?.status === 'scored' ? (o.value ?? null) : null;
    const to = s.status === 'scored' ? (s.value ?? null) : null;
    const oldUrls = new Set((o?.evidence ?? []).map((e) => e.url));
    const newUrls = new Set(s.evidence.map((e) => e.url));
    const added = s.evidence.filter((e) => !oldUrls.has(e.url));
    const gone = (o?.evidence ?? []).filter((e) => !newUrls.has(e.url));
    const levelFrom = o?.level ?? null;
    const levelTo = s.level ?? null;
    if (from === to && levelFrom === levelTo && added.length === 0 && gone.length === 0) continue;
    out.push({ signalId: s.signalId, name: s.name, unit: s.unit, from, to, levelFrom, levelTo, added, gone });
  }
  // Level changes first, then the biggest relative moves.
  const weight = (c: SignalChange) => (c.levelFrom !== c.levelTo ? 1000 : 0) + (c.from !== null && c.to !== null ? Math.abs(c.to - c.from) / Math.max(Math.abs(c.from), 1e-9) : 1);
  return out.sort((a, b) => weight(b) - weight(a) || a.signalId.localeCompare(b.signalId));
}

function links(list: EvidenceLink[], cls: string, sign: string): HTMLElement | null {
  if (list.length === 0) return null;
  return h('div', { class: `meta ${cls}` }, `${sign} `, list.slice(0, 6).flatMap((e) => [h('a', { href: e.url, target: '_blank', rel: 'noopener noreferrer' }, e.label), ' ']), list.length > 6 ? `+${list.length - 6} more` : null);
}

function changeList(title: string, before: UnitScorecard | null, now: UnitScorecard, testid: string): HTMLElement {
  if (!before) return h('div', { 'data-testid': testid }, h('h3', {}, title), h('p', { class: 'note' }, 'No earlier snapshot to compare with.'));
  const changes = diffSignals(before, now);
  const scoreLine = before.score !== undefined && now.score !== undefined ? `Score ${fmtScore(before.score)} → ${fmtScore(now.score)} (${levelLabel(before.level)} → ${levelLabel(now.level)})` : null;
  return h(
    'div',
    { 'data-testid': testid },
    h('h3', {}, `${title} (${day(before.asOf)})`),
    scoreLine ? h('p', { class: 'meta' }, scoreLine) : null,
    changes.length === 0
      ? h('p', { class: 'note' }, 'No signal moved.')
      : h(
          'ul',
          { class: 'change-list' },
          changes.slice(0, 12).map((c) =>
            h(
              'li',
              { 'data-signal': c.signalId },
              h('strong', {}, c.name),
              ': ',
              c.from === null ? 'missing' : fmtNumber(c.from, c.unit),
              ' → ',
              c.to === null ? 'missing' : fmtNumber(c.to, c.unit),
              c.from !== null && c.to !== null && c.from !== c.to ? h('span', { class: 'note' }, ` (${fmtChange(c.to - c.from, c.unit)})`) : null,
              c.levelFrom !== c.levelTo ? h('span', { class: 'note' }, ` · L${c.levelFrom ?? '–'} → L${c.levelTo ?? '–'}`) : null,
              links(c.added, 'ev-added', 'Evidence added:'),
              links(c.gone, 'ev-gone', 'Evidence gone:'),
            ),
          ),
        ),
    changes.length > 12 ? h('p', { class: 'note' }, `${changes.length - 12} more signal(s) changed.`) : null,
  );
}

export function whatChangedCard(now: UnitScorecard, previous: UnitScorecard | null, fourWeeks: UnitScorecard | null): HTMLElement {
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'wc-h', 'data-testid': 'unit-what-changed' },
    h('h2', { id: 'wc-h' }, 'What changed'),
    h('div', { class: 'changes' }, changeList('Since the previous snapshot', previous, now, 'changed-previous'), changeList('Since four weeks ago', fourWeeks, now, 'changed-4w')),
    h('p', { class: 'note' }, 'Evidence lists are capped per signal, so “added” and “gone” compare the links each snapshot kept.'),
  );
}

export function pastBanner(card: UnitScorecard, latest: string | undefined): HTMLElement | null {
  if (!latest || card.asOf >= latest) return null;
  return h(
    'div',
    { class: 'banner', role: 'status', 'data-testid': 'past-banner' },
    `You are viewing a past snapshot (${day(card.asOf)}); the latest is ${day(latest)}. `,
    h('a', { href: unitHref(card.unit) }, 'Go to the latest'),
  );
}

/** How a rollup unit's score was made: the scoring's own arithmetic when the card has it, else the members' mean. */
export function arithmeticCard(card: UnitScorecard): HTMLElement | null {
  if (!card.rollup) return null;
  const raw = (card as { arithmetic?: unknown }).arithmetic;
  let text: string | null = null;
  if (typeof raw === 'string') text = raw;
  else if (raw && typeof raw === 'object') {
    const o = raw as { formula?: unknown; text?: unknown; lines?: unknown };
    text = typeof o.formula === 'string' ? o.formula : typeof o.text === 'string' ? o.text : Array.isArray(o.lines) ? o.lines.map(String).join('\n') : JSON.stringify(raw, null, 1);
  }
  const scored = card.rollup.members.filter((m) => m.score !== null);
  const mean = scored.length > 0 ? scored.reduce((a, m) => a + (m.score as number), 0) / scored.length : null;
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'ar-h', 'data-testid': 'rollup-arithmetic' },
    h('h2', { id: 'ar-h' }, 'How this score was made'),
    text !== null
      ? h('pre', { class: 'arithmetic', 'data-testid': 'arithmetic-text' }, text)
      : h(
          'div',
          {},
          h('p', { class: 'arithmetic' }, `Members’ mean = (${scored.map((m) => fmtScore(m.score)).join(' + ')}) ÷ ${scored.length} = ${fmtScore(mean)}`),
          h('p', { class: 'note' }, `The unit score ${fmtScore(card.score)} combines this mean with the unit’s own dimensions by the rubric’s weights; this snapshot does not carry the full formula.`),
        ),
  );
}

const GOVERNANCE: { signalId: string; lacks: string }[] = [
  { signalId: 'mlflow.model-card-coverage', lacks: 'a model card' },
  { signalId: 'mlflow.fairness-eval-coverage', lacks: 'a fairness evaluation' },
  { signalId: 'mlflow.bias-mitigation-coverage', lacks: 'bias mitigation' },
];

/**
 * Steering: production model versions lacking each governance evidence. Each coverage signal cites the versions
 * that have its tag, and its value is tagged ÷ production, so the number lacking is exact; the versions that can be
 * named are those another governance signal cites but this one does not.
 */
export function governanceGapsCard(card: UnitScorecard): HTMLElement | null {
  if (card.kind !== 'steering') return null;
  const signals = new Map(allSignals(card).map((s) => [s.signalId, s]));
  const known = new Map<string, EvidenceLink>();
  for (const g of GOVERNANCE) for (const e of signals.get(g.signalId)?.evidence ?? []) known.set(e.url, e);
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'gov-h', 'data-testid': 'governance-gaps' },
    h('h2', { id: 'gov-h' }, 'Production models lacking governance evidence'),
    h(
      'ul',
      { class: 'change-list' },
      GOVERNANCE.map((g) => {
        const s = signals.get(g.signalId);
        if (!s || s.status !== 'scored' || s.value === undefined) return h('li', { 'data-testid': `gap-${g.signalId}` }, h('strong', {}, `Without ${g.lacks}: `), s?.missingReason ?? 'not measured');
        const production = s.value > 0 ? Math.round(s.evidenceCount / s.value) : null;
        const lacking = production === null ? null : production - s.evidenceCount;
        const has = new Set(s.evidence.map((e) => e.url));
        const named = [...known.values()].filter((e) => !has.has(e.url));
        return h(
          'li',
          { 'data-testid': `gap-${g.signalId}` },
          h('strong', {}, `Without ${g.lacks}: `),
          lacking === null ? 'none of the production versions has it' : `${lacking} of ${production} production version(s) (${fmtPercent(1 - s.value)})`,
          named.length > 0 ? h('div', { class: 'meta' }, 'Named: ', named.flatMap((e) => [h('a', { href: e.url, target: '_blank', rel: 'noopener noreferrer' }, e.label), ' '])) : null,
          lacking !== null && lacking > named.length ? h('div', { class: 'note' }, `${lacking - named.length} more cannot be named from this snapshot: it lists only the versions that carry a governance tag.`) : null,
        );
      }),
    ),
    h('p', { class: 'note' }, 'Derived from the three governance coverage signals: their values give how many production versions lack each tag; the versions named are those cited as having another governance tag but not this one.'),
  );
}

/** Every signal of the card as CSV: dimension, signal, value (shares as %), level, target, evidence count. */
export function signalsCsv(card: UnitScorecard): string {
  return toCsv([
    ['unit', 'as of', 'dimension', 'signal id', 'signal', 'status', 'value', 'unit of measure', 'level', 'next level', 'target', 'evidence count', 'missing reason'],
    ...card.dimensions.flatMap((d) =>
      d.signals.map((s) => [card.unit, day(card.asOf), d.name, s.signalId, s.name, s.status, s.value ?? '', s.unit, s.level ?? '', s.next?.level ?? '', s.next?.target ?? '', s.evidenceCount, s.missingReason ?? '']),
    ),
  ]);
}

export function signalsCsvButton(card: UnitScorecard): HTMLElement {
  return downloadButton('Export signals (CSV)', `radar-${card.unit.replace(':', '-')}-${day(card.asOf)}.csv`, () => signalsCsv(card), 'signals-csv');
}
