import type { SourceId, UnitRef } from '../org/index.js';
import { MODEL_ALIASES } from '../org/conventions.js';
import type { GOVERNANCE_TAGS } from '../org/conventions.js';
import type { MlflowConventions } from '../org/index.js';
import type { Activity, AttrValue } from '../sources/contract.js';
import type { EvidenceLink } from '../scoring/types.js';
import type { SignalContext, SignalValue, TimedActivity } from './types.js';

/** How many evidence links a signal keeps; evidenceCount still counts everything. */
export const EVIDENCE_CAP = 5;
export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const SOURCE_NAMES: Readonly<Record<SourceId, string>> = { jira: 'Jira', github: 'GitHub', mlflow: 'MLflow', copilot: 'Copilot' };

/** Display name of a source for plain-words reasons. */
export function sourceName(source: SourceId): string {
  return SOURCE_NAMES[source];
}

/** True when t lies in the signal's window (start exclusive, as-of inclusive). */
export function inWindow(ctx: SignalContext, t: number): boolean {
  return t > ctx.fromMs && t <= ctx.toMs;
}

/** Parses an optional ISO timestamp attribute; null when absent or unparseable. */
export function timeAttr(value: AttrValue | undefined): number | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/** The labels of a Jira issue activity ([] when absent). */
export function labelsOf(a: Activity): readonly string[] {
  const l = a.attrs.labels;
  return Array.isArray(l) ? l : [];
}

/** A string attribute, or null. */
export function strAttr(a: Activity, key: string): string | null {
  const v = a.attrs[key];
  return typeof v === 'string' ? v : null;
}

/** Aliases of a model version ([] when absent). */
export function aliasesOf(a: Activity): readonly string[] {
  const v = a.attrs.aliases;
  return Array.isArray(v) ? v : [];
}

/** Tag keys of a model version ([] when absent). */
export function tagsOf(a: Activity): readonly string[] {
  const v = a.attrs.tags;
  return Array.isArray(v) ? v : [];
}

const PRODUCTION_ALIASES: ReadonlySet<string> = new Set(MODEL_ALIASES.production);
const PRODUCTION_STAGES: ReadonlySet<string> = new Set(['production']);
const CHALLENGER_ALIASES: ReadonlySet<string> = new Set(MODEL_ALIASES.challenger);

const anyIn = (values: readonly string[], defaults: ReadonlySet<string>, extra: readonly string[] | undefined): boolean => {
  const more = new Set((extra ?? []).map((x) => x.toLowerCase()));
  return values.some((v) => defaults.has(v.toLowerCase()) || more.has(v.toLowerCase()));
};
const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * A model version serving production: a production/champion alias or MLflow stage `Production`, or the org's own
 * aliases, stages or tag keys for production (`conventions.mlflow`).
 */
export function isProductionVersion(a: Activity, conv?: MlflowConventions): boolean {
  const stage = strAttr(a, 'stage');
  if (stage !== null && anyIn([stage], PRODUCTION_STAGES, conv?.productionStages)) return true;
  return anyIn(aliasesOf(a), PRODUCTION_ALIASES, conv?.productionAliases) || anyIn(tagsOf(a), NO_NAMES, conv?.productionTags);
}

/** A model version under A/B test: the challenger alias, or the org's own challenger aliases or tag keys. */
export function isChallengerVersion(a: Activity, conv?: MlflowConventions): boolean {
  return anyIn(aliasesOf(a), CHALLENGER_ALIASES, conv?.challengerAliases) || anyIn(tagsOf(a), NO_NAMES, conv?.challengerTags);
}

/** Governance practices read from model-version tag keys. */
export type GovernanceTag = (typeof GOVERNANCE_TAGS)[number];
const GOVERNANCE_CONVENTION: Readonly<Record<GovernanceTag, keyof MlflowConventions>> = {
  model_card: 'modelCardTags',
  fairness_eval: 'fairnessEvaluationTags',
  bias_mitigation: 'biasMitigationTags',
};

/** True when a model version carries a governance tag: the product's default key or one the org maps to it. */
export function hasGovernanceTag(a: Activity, tag: GovernanceTag, conv?: MlflowConventions): boolean {
  return anyIn(tagsOf(a), new Set([tag]), conv?.[GOVERNANCE_CONVENTION[tag]]);
}

/** Median of a non-empty list (sorts a copy of numbers, never the activities). */
export function median(values: number[]): number {
  const s = values.slice().sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Rounds for display and storage stability (values are shown, compared and stored as JSON). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const toDays = (ms: number): number => ms / DAY_MS;
export const toHours = (ms: number): number => ms / HOUR_MS;

/** A short non-personal label for an activity's evidence link. */
export function evidenceLabel(a: Activity): string {
  const at = a.attrs;
  switch (a.kind) {
    case 'issue':
      return typeof at.key === 'string' ? at.key : a.id;
    case 'pull-request':
    case 'review':
      return `${String(at.repo)}#${String(at.number)}`;
    // Many deployments (and runs) share a repo and environment (workflow): the id and day tell them apart.
    case 'deployment':
      return `${String(at.repo)} → ${String(at.environment)} #${lastSegment(a.id)}, ${a.at.slice(0, 10)}`;
    case 'workflow-run':
      return `${String(at.repo)} ${String(at.workflow)} #${lastSegment(a.id)}, ${a.at.slice(0, 10)}`;
    case 'model-version':
      return `${String(at.model)} v${String(at.version)}`;
    case 'ml-run':
      return `run …${runIdOf(a).slice(-8)}`;
    case 'commit':
      return `${String(at.repo)}@${a.id.slice(a.id.lastIndexOf('@') + 1).slice(0, 7)}`;
    case 'release':
      return `${String(at.repo)} ${String(at.tag)}`;
    case 'copilot-day':
      return `Copilot ${String(at.team)} ${String(at.day)}`;
    default:
      return a.id;
  }
}

/**
 * The MLflow run id of an `ml-run` activity: `attrs.runId` when the normaliser sets it, else the last `:`- or
 * `/`-separated segment of the activity id (ids end with the run id, e.g. `mlflow:run:3f2a…`).
 */
export function runIdOf(a: Activity): string {
  const v = a.attrs.runId;
  if (typeof v === 'string' && v !== '') return v;
  return lastSegment(a.id);
}

/** The last `:`- or `/`-separated segment of an activity id (the vendor's own id of the item). */
function lastSegment(id: string): string {
  return id.slice(Math.max(id.lastIndexOf(':'), id.lastIndexOf('/')) + 1);
}

/**
 * Keeps the newest EVIDENCE_CAP links (ties broken by id, so the choice never depends on input order) and
 * counts everything added.
 */
export class EvidenceCollector {
  private readonly kept: TimedActivity[] = [];
  count = 0;

  /** Records one counted item. */
  add(item: TimedActivity): void {
    this.count++;
    const k = this.kept;
    if (k.length === EVIDENCE_CAP) {
      const last = k[k.length - 1] as TimedActivity;
      if (!newerFirst(item, last)) return;
      k.pop();
    }
    let i = k.length;
    while (i > 0 && newerFirst(item, k[i - 1] as TimedActivity)) i--;
    k.splice(i, 0, item);
  }

  /** The capped links, newest first. */
  links(): EvidenceLink[] {
    return this.kept.map(({ a }) => ({ url: a.url, label: evidenceLabel(a) }));
  }

  /** A scored value carrying this collector's evidence. */
  scored(value: number): SignalValue {
    return { status: 'scored', value, evidence: this.links(), evidenceCount: this.count };
  }
}

function newerFirst(x: TimedActivity, y: TimedActivity): boolean {
  return x.t > y.t || (x.t === y.t && x.a.id < y.a.id);
}

/** A missing value with its plain-words reason. */
export function missing(reason: string): SignalValue {
  return { status: 'missing', reason };
}

/**
 * Checks that a unit's binding for a source can be read this run; returns the missing reason, or null when ok.
 * A signal that reads a source it cannot see is missing, never 0.
 */
export function sourceProblem(ctx: SignalContext, unit: UnitRef, source: SourceId): string | null {
  const s = ctx.env.source(unit, source);
  return s.state === 'ok' ? null : s.reason;
}

/** Members of the context's unit that are pods and can be read for a source, plus the reasons for the rest. */
export function readablePods(ctx: SignalContext, source: SourceId): { ok: UnitRef[]; problems: string[] } {
  const ok: UnitRef[] = [];
  const problems: string[] = [];
  for (const m of ctx.unit.members) {
    if (!m.startsWith('pod:')) continue;
    const p = sourceProblem(ctx, m, source);
    if (p === null) ok.push(m);
    else problems.push(p);
  }
  return { ok, problems };
}

/** Every pod of the organisation whose binding for a source can be read. */
export function allReadablePods(ctx: SignalContext, source: SourceId): UnitRef[] {
  const out: UnitRef[] = [];
  for (const u of ctx.env.units.values()) {
    if (u.kind === 'pod' && ctx.env.source(u.ref, source).state === 'ok') out.push(u.ref);
  }
  return out;
}
