import type { Rubric, RubricSignal } from './schema.js';

const COMBINE_WORDS: Readonly<Record<string, string>> = {
  'mean-floor': 'mean of the scored signals’ levels, rounded down',
  min: 'the lowest scored signal level',
};

function thresholdsText(s: RubricSignal): string {
  const op = s.direction === 'higher-is-better' ? '≥' : '≤';
  return s.thresholds.map((t, i) => `L${i + 2} ${op} ${t}`).join(', ');
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Renders the rubric as Markdown (RUBRIC.md); pure, so a test can compare it with the committed file. */
export function renderRubricMarkdown(rubric: Rubric): string {
  const out: string[] = [];
  const signals = new Map(rubric.signals.map((s) => [s.id, s]));
  out.push(`# ${rubric.name}`, '', `<!-- Generated from shared/rubric/v${rubric.version}/rubric.ts by shared/rubric/write-docs.ts. Do not edit by hand. -->`, '');
  out.push(`Rubric id \`${rubric.id}\`, version \`${rubric.version}\`.`, '', rubric.description, '');
  out.push('## Levels', '', '| level | name | meaning |', '| --- | --- | --- |');
  for (const l of rubric.levels) out.push(`| ${l.level} | ${l.name} | ${cell(l.description)} |`);
  out.push('', '## How scores are computed', '');
  const sc = rubric.scoring;
  out.push(
    '- **Signal level**: 1 below the level-2 threshold, otherwise the highest level whose threshold the value reaches (≥ for higher-is-better, ≤ for lower-is-better).',
    '- **Signal points (0–100)**: 25 × (level − 1) plus 25 × the progress from the current level’s threshold towards the next one (linear; below level 2, progress from 0, or for lower-is-better the ratio threshold ÷ value); level 5 is 100.',
    '- **Missing is not low**: a signal whose source is not configured, failed this run, or has no data in its window is `missing` with a reason and is left out; it is never scored 0.',
    '- **Dimension level**: the dimension’s combine rule over its scored signals (`mean-floor` = mean of levels rounded down; `min` = lowest level). **Dimension score**: the same rule over signal points, kept within the level’s band [25 × (level − 1), 25 × level) (100 at level 5). A dimension with no scored signal is missing.',
    `- **Unit own score**: the weighted mean of its scored dimensions’ scores (weights per dimension, default 1). A unit with fewer than ${Math.round(sc.minDimensionCoverage * 100)}% of its dimensions scored is \`insufficient-data\`.`,
    `- **Rollups**: a domain scores ${sc.rollups.domain.own} × own score + ${sc.rollups.domain.members} × mean of its scored pods; a network ${sc.rollups.network.own} × own + ${sc.rollups.network.members} × mean of its scored member pods. When fewer than ${Math.round(sc.minRollupCoverage * 100)}% of members are scored the rollup is marked insufficient coverage and the members part is left out; weights renormalise over the parts present. Every rollup shows coverage, min, max, standard deviation and its weakest member.`,
    `- **Organisation**: the weighted mean of the mean score of each unit kind — pods ${sc.organisation.pod}, domains ${sc.organisation.domain}, networks ${sc.organisation.network}, labs ${sc.organisation.lab}, steering ${sc.organisation.steering} — over kinds whose scored share reaches ${Math.round(sc.minRollupCoverage * 100)}% (weights renormalise).`,
    '- **Principles**: each of the four principles is the mean score of every scored dimension (across all units) mapped to it; coverage is the share of those dimensions scored.',
    '- **Unit level** from a score: 1 + ⌊score ÷ 25⌋, capped at 5.',
    '- **Next level**: each signal states the target value for its next level; each dimension lists the smallest change per signal that lifts it one level.',
    '',
  );
  out.push('## Principles', '');
  for (const p of rubric.principles) {
    const dims = rubric.dimensions.filter((d) => d.principles.includes(p.id)).map((d) => `\`${d.id}\``);
    out.push(`- **${p.name}** (\`${p.id}\`): ${p.description} Fed by ${dims.length > 0 ? dims.join(', ') : 'no dimension'}.`);
  }
  out.push('');
  const kinds = ['pod', 'domain', 'network', 'lab', 'steering', 'org'] as const;
  const titles: Record<(typeof kinds)[number], string> = {
    pod: 'Pods',
    domain: 'Domains',
    network: 'Capability networks',
    lab: 'Innovation labs',
    steering: 'Steering group',
    org: 'Organisation',
  };
  for (const kind of kinds) {
    const dims = rubric.dimensions.filter((d) => d.unitKind === kind);
    if (dims.length === 0) continue;
    out.push(`## ${titles[kind]}`, '');
    for (const d of dims) {
      out.push(`### ${d.name} (\`${d.id}\`)`, '');
      out.push(`- **Why**: ${d.motivation}`, `- **How measured**: ${d.howMeasured}`, `- **To improve**: ${d.remediation}`);
      out.push(`- **Combine**: ${COMBINE_WORDS[d.combine] ?? d.combine}; weight ${d.weight}; principles: ${d.principles.join(', ') || 'none'}.`, '');
      out.push('| signal | unit | window | direction | thresholds | sources |', '| --- | --- | --- | --- | --- | --- |');
      for (const sid of d.signals) {
        const s = signals.get(sid);
        if (s === undefined) continue;
        const window = s.windowDays === 0 ? 'config' : `${s.windowDays} d`;
        out.push(`| ${cell(s.name)} (\`${s.id}\`) | ${s.unit} | ${window} | ${s.direction} | ${thresholdsText(s)} | ${s.sources.join(', ')} |`);
      }
      out.push('');
    }
  }
  out.push('## Signals', '');
  for (const s of rubric.signals) {
    out.push(`### \`${s.id}\` — ${s.name}`, '');
    out.push(`- **Measures**: ${s.howMeasured}`, `- **Reads**: ${s.reads} (kinds: ${s.kinds.join(', ') || 'none'})`);
    out.push(`- **When missing**: ${s.whenMissing}`, `- **Applies to**: ${s.appliesTo.join(', ')}`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
