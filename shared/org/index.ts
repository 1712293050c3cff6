export * from './schema.js';
export * from './units.js';
export * as conventions from './conventions.js';
export { loadOrgConfig, parseOrgConfig, checkOrgConfigText } from './load.js';
export type { LoadedOrg } from './load.js';
export { validateOrgConfig, isSecureOrLoopbackUrl } from './validate.js';
export type { OrgProblem, OrgValidation } from './validate.js';
export type { ConfigPath } from './yaml-locate.js';
