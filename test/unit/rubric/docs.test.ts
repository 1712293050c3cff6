import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultRubric, renderRubricMarkdown } from '../../../shared/rubric/index.js';

describe('RUBRIC.md', () => {
  it('matches a fresh generation from the rubric data (run `node --import tsx shared/rubric/write-docs.ts`)', () => {
    const committed = readFileSync(new URL('../../../shared/rubric/RUBRIC.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderRubricMarkdown(defaultRubric));
  });

  it('documents every dimension and signal of the rubric', () => {
    const md = renderRubricMarkdown(defaultRubric);
    for (const d of defaultRubric.dimensions) expect(md).toContain(`(\`${d.id}\`)`);
    for (const s of defaultRubric.signals) expect(md).toContain(`### \`${s.id}\``);
  });
});

describe('rubric 2026-12 thresholds and levels', () => {
  it('cites a source for every signal’s thresholds (a published cluster, a maturity model, or a house rule with its reason)', () => {
    for (const s of defaultRubric.signals) {
      expect(s.thresholdSource, s.id).toMatch(/^(DORA|MLOps maturity models|responsible-AI practice|house rule: .{10,})/);
      expect(renderRubricMarkdown(defaultRubric)).toContain(s.thresholdSource as string);
    }
  });

  it('documents how every Jira-label or tag based signal can be gamed', () => {
    for (const s of defaultRubric.signals.filter((x) => x.id.startsWith('jira.') || x.id.startsWith('mixed.') || x.id.endsWith('-coverage'))) {
      expect(s.gaming, s.id).toMatch(/gam/i);
    }
  });

  it('is version 2026-12 with level bands whose top band starts below a perfect score', () => {
    expect(defaultRubric.version).toBe('2026-12');
    const bands = defaultRubric.scoring.levelBands as number[];
    expect(bands[0]).toBe(0);
    expect(bands[4]).toBeLessThan(100);
    expect(renderRubricMarkdown(defaultRubric)).toContain(`level 5 from ${bands[4]}`);
  });
});
