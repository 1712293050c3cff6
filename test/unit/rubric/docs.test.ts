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
