import { describe, expect, it } from 'vitest';
import { defaultRubric, parseRubric } from '../../../shared/rubric/index.js';
import { RUBRIC_2026_11 } from '../../../shared/rubric/v2026-11/rubric.js';
import { SIGNAL_FUNCTIONS } from '../../../shared/signals/index.js';

const clone = (): Record<string, unknown> & typeof RUBRIC_2026_11 => structuredClone(RUBRIC_2026_11) as never;

describe('rubric schema', () => {
  it('accepts the default rubric with id radar-default and version 2026-12', () => {
    expect(defaultRubric.id).toBe('radar-default');
    expect(defaultRubric.version).toBe('2026-12');
    expect(defaultRubric.levels.map((l) => l.name)).toEqual(['Initial', 'Emerging', 'Defined', 'Managed', 'Optimising']);
  });

  it('covers every unit kind below the organisation with at least three dimensions', () => {
    for (const kind of ['pod', 'domain', 'network', 'lab', 'steering'] as const) {
      expect(defaultRubric.dimensions.filter((d) => d.unitKind === kind).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('has an implementation for every signal the default rubric names', () => {
    for (const s of defaultRubric.signals) expect(Object.hasOwn(SIGNAL_FUNCTIONS, s.id)).toBe(true);
  });

  it('rejects thresholds out of order with the path of the thresholds', () => {
    const bad = clone();
    bad.signals[1] = { ...bad.signals[1]!, thresholds: [1, 8, 3, 15] };
    const result = parseRubric(bad, 'custom.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual(
      expect.objectContaining({ file: 'custom.yaml', path: 'signals.1.thresholds', reason: expect.stringMatching(/strictly increasing/) }),
    );
  });

  it('rejects increasing thresholds on a lower-is-better signal', () => {
    const bad = clone();
    const i = bad.signals.findIndex((s) => s.direction === 'lower-is-better');
    bad.signals[i] = { ...bad.signals[i]!, thresholds: [1, 2, 3, 4] };
    const result = parseRubric(bad, 'custom.yaml');
    expect(!result.ok && result.problems.some((p) => p.path === `signals.${i}.thresholds` && /decreasing/.test(p.reason))).toBe(true);
  });

  it('rejects a dimension naming an unknown signal id with the path of that entry', () => {
    const bad = clone();
    bad.dimensions[0] = { ...bad.dimensions[0]!, signals: ['jira.lifecycle-stages-covered', 'jira.no-such-signal'] };
    const result = parseRubric(bad, 'custom.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.objectContaining({ path: 'dimensions.0.signals.1', reason: 'unknown signal id jira.no-such-signal (not in this rubric\'s signals)' }),
    ]);
  });

  it('rejects a signal without an implementation', () => {
    const bad = clone();
    bad.signals.push({ ...bad.signals[0]!, id: 'example.not-implemented' });
    const result = parseRubric(bad, 'custom.yaml');
    expect(!result.ok && result.problems.some((p) => p.path === `signals.${bad.signals.length - 1}.id` && /no signal implementation/.test(p.reason))).toBe(true);
  });

  it('rejects unknown keys so a typo never silently changes a score', () => {
    const bad = { ...clone(), threshold: 3 };
    const result = parseRubric(bad, 'custom.yaml');
    expect(!result.ok && result.problems.some((p) => /threshold/.test(p.reason))).toBe(true);
  });

  it('rejects a signal used by a dimension of a unit kind it does not apply to', () => {
    const bad = clone();
    const i = bad.dimensions.findIndex((d) => d.unitKind === 'domain');
    bad.dimensions[i] = { ...bad.dimensions[i]!, signals: ['github.deploys-per-week'] };
    const result = parseRubric(bad, 'custom.yaml');
    expect(!result.ok && result.problems.some((p) => p.path === `dimensions.${i}.signals.0` && /does not apply to domain/.test(p.reason))).toBe(true);
  });
});
