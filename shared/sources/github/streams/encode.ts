/** Encodes one query or path component. */
export const enc = encodeURIComponent;

/** GitHub's search date syntax (the runs `created` filter) takes second-precision ISO times. */
export function ghTime(iso: string | number): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
