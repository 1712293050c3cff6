import type { LoggerPort } from '../kernel/index.js';

// Secrets must never reach a log line, an error message in the run record, or a stored object (DESIGN.md §5,
// invariant 7). Scrubbing happens at the edges where text leaves the pipeline: logs and run-record messages.

const SECRET_KEY = /authori[sz]ation|token|password|passwd|secret|cookie|credential|api[-_]?key/i;
const PERSON_KEY = /^(login|email|name|displayName|author|user|username|accountId)$/i;

/** Removes credential values, Authorization headers, bearer/basic tokens and URL query strings from text. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a value that contains another is removed whole.
  for (const s of [...secrets].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join('[redacted]');
    // Basic auth carries the value base64-encoded inside `user:password`; catch the encoded form too.
    const b64 = Buffer.from(s).toString('base64').replace(/=+$/, '');
    if (b64.length >= 6) out = out.split(b64).join('[redacted]');
  }
  return out
    .replace(/(authori[sz]ation["']?\s*[:=]\s*["']?)[^"',;}\n]+/gi, '$1[redacted]')
    .replace(/\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}/gi, '$1 [redacted]')
    .replace(/\b(gh[pousr]_[A-Za-z0-9]{10,}|github_pat_[A-Za-z0-9_]{10,})\b/g, '[redacted]')
    .replace(/((?:password|passwd|token|secret|api[-_]?key)["']?\s*[:=]\s*["']?)[^"'&\s,;}]+/gi, '$1[redacted]')
    .replace(/(https?:\/\/)[^/\s@]+@/gi, '$1[redacted]@')
    .replace(/(https?:\/\/[^\s?#"']+)\?[^\s#"']*/gi, '$1');
}

/** Scrubs a log field recursively: secret-looking keys are dropped, person keys are dropped, strings scrubbed. */
export function redactFields(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (value === null || typeof value !== 'object' || depth > 5) return value;
  if (Array.isArray(value)) return value.map((v) => redactFields(v, secrets, depth + 1));
  if (value instanceof Error) return { name: value.name, message: scrubSecrets(value.message, secrets) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_KEY.test(k)) out[k] = '[redacted]';
    else if (PERSON_KEY.test(k)) out[k] = '[person data removed]';
    else out[k] = redactFields(v, secrets, depth + 1);
  }
  return out;
}

/** Wraps a logger so every message and field passes through redaction; `secrets` is read at each call. */
export function redactingLogger(inner: LoggerPort, secrets: () => readonly string[]): LoggerPort {
  const wrap =
    (level: keyof LoggerPort) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const s = secrets();
      inner[level](scrubSecrets(message, s), fields === undefined ? undefined : (redactFields(fields, s) as Record<string, unknown>));
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
