export { buildApiApp } from './app.js';
export type { ApiDeps } from './app.js';
export { serveDashboard } from './serve.js';
export type { ServeDashboardOptions, DashboardServer, DashboardSignIn } from './serve.js';
export { ALL_UNITS, canRead, filterByScope } from './scope.js';
export type { Scope } from './scope.js';
export {
  ApiError,
  InvalidRequestError,
  UnauthenticatedError,
  OutOfScopeError,
  ResourceNotFoundError,
  toProblem,
  PROBLEM_CONTENT_TYPE,
} from './errors.js';
export type { Problem } from './errors.js';
export type * from './contract.js';
