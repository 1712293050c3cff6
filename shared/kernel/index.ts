export { RadarError, ConfigError, formatConfigProblem } from './errors.js';
export type { ConfigProblem } from './errors.js';
export type { LoggerPort } from './logger.js';
export { silentLogger } from './logger.js';
export { actorHasher } from './hash.js';
export { isLoopbackAddress, isLoopbackHostHeader, safeEvidenceUrl } from './local-http.js';
