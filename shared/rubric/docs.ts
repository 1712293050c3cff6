import type { Rubric, RubricSignal } from './schema.js';

const COMBINE_WORDS: Readonly<Record<string, string>> = {
  mean: 'mean of all its signals’ points (a signal that cannot be observed earns 0)',
  'mean-floor': 'mean of all its signals’ points (a signal that cannot be observed earns 0)',
  min: 'the lowest of its signals’ points',
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
  const b = sc.levelBands ?? [0, 20, 40, 60, 80];
  const floor = Math.round(sc.minDimensionCoverage * 100);
  const dw = sc.rollups.domain;
  const nw = sc.rollups.network;
  out.push(
    '- **Signal level**: 1 below the level-2 threshold, otherwise the highest level whose threshold the value reaches (≥ for higher-is-better, ≤ for lower-is-better).',
    `- **Level bands**: a 0–100 score is level 1 from ${b[0]}, level 2 from ${b[1]}, level 3 from ${b[2]}, level 4 from ${b[3]} and level 5 from ${b[4]}; the top band starts below a perfect score.`,
    `- **Signal points (0–100)**: continuous and monotone in the value. The level-k threshold is worth the start of band k, with linear steps between thresholds; below the level-2 threshold a higher-is-better value earns value ÷ threshold of the first band, a lower-is-better one threshold ÷ value (a share falls linearly to 0 at 1); beyond the level-5 threshold points rise to 100 over one more step of the last threshold gap. No clamping: a better value never scores less and never jumps.`,
    `- **Evidence, not its absence**: a signal that cannot be observed (source not configured or failing, or the window empty) is \`missing\` with its reason and earns 0 points, and it lowers the dimension’s **coverage** (share of its signals observed). Hiding evidence therefore never raises a score. Evidence expected but absent is low, not missing (e.g. the retraining interval without any new version is the days since the last one).`,
    `- **Dimension**: its combine rule over all its signals’ points gives its evidence score; the level is the band of that score. Below the coverage floor (${floor}% of its signals observed) it has no score and no level (“insufficient evidence”), but its evidence score is still shown and used.`,
    `- **Unit**: the fixed-weight mean of all its dimensions’ evidence scores (weights per dimension, default 1; a dimension without evidence counts 0, weights never renormalise); coverage the same weighted mean of dimension coverage. Below ${floor}% coverage the unit is \`insufficient-data\` (no score, no level).`,
    `- **Rollups**: a domain’s evidence score is (${dw.own} × own + ${dw.members} × mean of all its pods’ evidence scores) ÷ ${dw.own + dw.members}; a network’s (${nw.own} × own + ${nw.members} × mean of all its member pods’) ÷ ${nw.own + nw.members}; coverage combines the same way. A pod without a score still counts with its evidence score. Every rollup card carries this formula with its numbers (\`arithmetic\`) and shows coverage, min, max, standard deviation and its weakest member.`,
    `- **Organisation**: the fixed-weight mean of each unit kind’s mean evidence score — pods ${sc.organisation.pod}, domains ${sc.organisation.domain}, networks ${sc.organisation.network}, labs ${sc.organisation.lab}, steering ${sc.organisation.steering} — over the kinds the organisation has; coverage the same way.`,
    '- **Principles**: each of the four principles is the mean evidence score of every dimension (across all units) mapped to it; coverage is the mean of their coverage; no score below the floor.',
    '- **Next moves**: every card ranks `topMoves` — each signal raised to its next threshold (or, when not observed, to its level-2 threshold) and the unit re-scored — by the score it would add. Measuring never lowers a score, so no move asks for less evidence or a failure.',
    ...(sc.minGroupSize === undefined
      ? []
      : [
          `- **Minimum group size**: a team signal that counts people (marked “counts people” below: review spread across pods, shared repositories, Copilot users) is \`missing\` with the reason “group smaller than ${sc.minGroupSize} people” when the unit’s pods list fewer than ${sc.minGroupSize} people in their roles in the org config, whatever its source (${sc.minGroupSizeSource ?? 'source not stated'}). A suppressed signal is not observable: it earns 0 points and lowers coverage like any missing signal, so suppressing a signal never raises a score.`,
        ]),
    '- **Since**: a unit with `since` in the org config has its windows clipped to that date, and rates are scaled to the days it existed; before `since` it has no score.',
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
      out.push('| signal | unit | window | direction | thresholds | threshold source | sources |', '| --- | --- | --- | --- | --- | --- | --- |');
      for (const sid of d.signals) {
        const s = signals.get(sid);
        if (s === undefined) continue;
        const window = s.windowDays === 0 ? 'config' : `${s.windowDays} d`;
        out.push(`| ${cell(s.name)} (\`${s.id}\`) | ${s.unit} | ${window} | ${s.direction} | ${thresholdsText(s)} | ${cell(s.thresholdSource ?? 'not stated')} | ${s.sources.join(', ')} |`);
      }
      out.push('');
    }
  }
  out.push('## Signals', '');
  for (const s of rubric.signals) {
    out.push(`### \`${s.id}\` — ${s.name}`, '');
    out.push(`- **Measures**: ${s.howMeasured}`, `- **Reads**: ${s.reads} (kinds: ${s.kinds.join(', ') || 'none'})`);
    out.push(`- **When missing**: ${s.whenMissing}`, `- **Applies to**: ${s.appliesTo.join(', ')}`);
    if (s.thresholdSource !== undefined) out.push(`- **Thresholds from**: ${s.thresholdSource}`);
    if (s.gaming !== undefined) out.push(`- **How it can be gamed**: ${s.gaming}`);
    if (s.countsPeople === true && rubric.scoring.minGroupSize !== undefined) {
      out.push(`- **Counts people**: missing when the unit’s pods list fewer than ${rubric.scoring.minGroupSize} people (minimum group size).`);
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
