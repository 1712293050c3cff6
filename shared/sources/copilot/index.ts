import type { OrgConfig } from '../../org/index.js';
import type { SourcePlugin } from '../contract.js';
import { collectCopilot } from './collect.js';
import type { CopilotCollectOptions } from './collect.js';
import { normaliseCopilotPage } from './normalise.js';

export { collectCopilot, planCopilotDays } from './collect.js';
export type { CopilotCollectOptions } from './collect.js';
export { normaliseCopilotPage } from './normalise.js';
export { podsByTeam, reduceCopilotDay } from './reduce.js';
export type { CopilotDayReport, CopilotPodDay } from './reduce.js';

/** Builds the Copilot usage source plugin (tests shorten the GitHub client's waits). */
export function createCopilotSource(options: CopilotCollectOptions = {}): SourcePlugin {
  return {
    id: 'copilot',
    // The reports are read with the GitHub token (a fine-grained token needs "Copilot metrics: read").
    credentialEnvNames: (org: OrgConfig) => (org.sources.github?.copilot?.enabled === true ? [org.sources.github.auth.tokenEnv] : []),
    collect: (ctx) => collectCopilot(ctx, options),
    normalise: normaliseCopilotPage,
  };
}

/** The Copilot usage connector: daily report files → pod-level aggregates (no per-user data kept). */
export const copilotSource: SourcePlugin = createCopilotSource();
