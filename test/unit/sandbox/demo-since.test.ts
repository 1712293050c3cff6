import { describe, expect, it } from 'vitest';
import { DEMO_HISTORY_WEEKS, demoUnitSince, maturityAt } from '../../../shared/sandbox/demo/profile.js';

const WEEK_MS = 7 * 86_400_000;

describe('the demo late-starting lab', () => {
  it('gets as `since` the start of the first week its generated history is active, not a day earlier or later', () => {
    const anchor = new Date('2026-11-30T00:00:00.000Z');
    const since = demoUnitSince(anchor);
    expect(Object.keys(since)).toEqual(['lab:ai-product-design']);
    const day = since['lab:ai-product-design'] as string;
    // Generators place week w at anchor - (weeks - w) weeks: the week starting on `since` is the first active one.
    const firstWeek = DEMO_HISTORY_WEEKS - Math.round((anchor.getTime() - Date.parse(`${day}T00:00:00Z`)) / WEEK_MS);
    expect(maturityAt('lab:ai-product-design', firstWeek - 1)).toBe(0);
    expect(maturityAt('lab:ai-product-design', firstWeek)).toBeGreaterThan(0);
  });
});
