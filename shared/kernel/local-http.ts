// Small checks shared by every local HTTP server the CLI starts (dashboard, embedded storage, demo sign-in) and by
// whatever turns vendor data into links. They import nothing, so any layer may use them.

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether an interface address or host name is loopback (127.0.0.1, localhost, ::1). */
export function isLoopbackAddress(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase());
}

/**
 * Whether a request's `Host` header names a loopback host (any port). A DNS-rebinding page reaches 127.0.0.1 under
 * its own name (`evil.example:8080`), so a local server that answers only loopback names cannot be read that way.
 */
export function isLoopbackHostHeader(host: string | null | undefined): boolean {
  if (host === null || host === undefined) return false;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!m) return false;
  return isLoopbackAddress(m[1] as string);
}

/**
 * The URL when it is an absolute `https:` or `http:` URL, else null. Evidence links come from vendor data; a
 * `javascript:` or `data:` URL there must never become a clickable link.
 */
export function safeEvidenceUrl(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? url : null;
}
