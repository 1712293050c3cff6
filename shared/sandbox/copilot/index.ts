export { CopilotWorld, isoDay } from './world.js';
export type {
  CopilotMember, CopilotOrgRow, CopilotReportKind, CopilotRequestLogEntry, CopilotTeam, CopilotUserRow, CopilotUserTeamRow,
} from './world.js';
export { COPILOT_REPORTS_START, generateCopilotWorld } from './generate.js';
export { mountCopilotDownloads, mountCopilotReports } from './app.js';
