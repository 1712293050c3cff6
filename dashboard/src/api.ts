import type { Problem } from '../../shared/api/contract.js';
import { authorizationHeader, signIn, signInEnabled } from './auth.js';

/** An API answer that was not 2xx, carrying the problem document's title and detail for the error state. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  constructor(status: number, title: string, detail: string) {
    super(`${title}: ${detail}`);
    this.name = 'ApiRequestError';
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

/** GETs an /api path relative to the page (works under any prefix) and returns the typed body. */
export async function getJson<T>(path: string): Promise<T> {
  let res: Response;
  const authorization = await authorizationHeader();
  try {
    res = await fetch(new URL(`api/${path.replace(/^\/?(api\/)?/, '')}`, document.baseURI), {
      headers: { Accept: 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
    });
  } catch {
    throw new ApiRequestError(0, 'Cannot reach the API', 'the server did not answer; is `radar serve` still running?');
  }
  if (res.ok) return (await res.json()) as T;
  // The token was refused (expired past refresh, revoked, or signed by a rotated key): sign in again.
  if (res.status === 401 && signInEnabled()) return signIn();
  let problem: Partial<Problem> = {};
  try {
    problem = (await res.json()) as Partial<Problem>;
  } catch {
    // Not problem JSON (e.g. a proxy's HTML error page): fall back to the status line.
  }
  throw new ApiRequestError(res.status, problem.title ?? `HTTP ${res.status}`, problem.detail ?? res.statusText);
}
