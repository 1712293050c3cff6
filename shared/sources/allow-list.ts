// The allow-list at the edge (DESIGN.md invariant 10): a raw page keeps only the fields its normaliser reads,
// declared once per stream next to the stream's schema. Anything not declared is dropped before the page leaves
// the connector, so a field the product never looked at can never leak a person into storage.

/**
 * What to keep of one JSON value:
 * - `true`: a scalar (string, number, boolean, null) or an array of scalars, kept as received; anything else is dropped;
 * - `'person'`: a person identifier (login, account id, user id): a string becomes its keyed pseudonym, anything
 *   else becomes null;
 * - an object: keep only the listed keys of an object value (absent keys stay absent), each by its own spec; the
 *   key `'*'` applies its spec to every key not listed (for maps keyed by data, e.g. a tag map);
 * - `[spec]`: an array whose items are each kept by `spec`.
 * A value whose shape does not match its spec is dropped (null stays null), so the normaliser's schema reports it.
 */
export type FieldSpec = true | 'person' | readonly [FieldSpec] | { readonly [field: string]: FieldSpec };

/** Per stream: what to keep of the page body and of the parent fields a sub-listing carries. */
export interface StreamAllowList {
  body: FieldSpec;
  parent?: FieldSpec;
}

const DROP = Symbol('drop');

const isScalar = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function keep(value: unknown, spec: FieldSpec, pseudonymise: (personId: string) => string): unknown {
  if (spec === true) {
    if (isScalar(value)) return value;
    if (Array.isArray(value) && value.every(isScalar)) return [...(value as unknown[])];
    return DROP;
  }
  if (spec === 'person') return typeof value === 'string' && value !== '' ? pseudonymise(value) : null;
  if (value === null) return null;
  if (Array.isArray(spec)) {
    if (!Array.isArray(value)) return DROP;
    const itemSpec = spec[0] as FieldSpec;
    return value.map((item) => {
      const kept = keep(item, itemSpec, pseudonymise);
      return kept === DROP ? null : kept;
    });
  }
  if (typeof value !== 'object' || Array.isArray(value)) return DROP;
  const fields = spec as { readonly [field: string]: FieldSpec };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const fieldSpec = Object.hasOwn(fields, k) ? fields[k] : fields['*'];
    if (fieldSpec === undefined) continue;
    const kept = keep(v, fieldSpec, pseudonymise);
    if (kept !== DROP) out[k] = kept;
  }
  return out;
}

/** Copies `value`, keeping only what `spec` allows and pseudonymising person identifiers. */
export function keepAllowed(value: unknown, spec: FieldSpec, pseudonymise: (personId: string) => string): unknown {
  const kept = keep(value, spec, pseudonymise);
  return kept === DROP ? null : kept;
}

/** Thrown when a connector emits a page for a stream that declares no allow-list (a programming error). */
export class UndeclaredStreamError extends Error {
  override name = 'UndeclaredStreamError';
  constructor(readonly stream: string) {
    super(`stream "${stream}" declares no allow-list: nothing is stored raw without one`);
  }
}

/**
 * Looks up the allow-list of a stream named `kind` or `kind:target` (e.g. `pulls:acme/reco` → `pulls`).
 * Throws UndeclaredStreamError when the stream declares none, so nothing is ever stored unfiltered.
 */
export function allowListFor(lists: Readonly<Record<string, StreamAllowList>>, stream: string): StreamAllowList {
  const kind = stream.includes(':') ? stream.slice(0, stream.indexOf(':')) : stream;
  const list = Object.hasOwn(lists, kind) ? lists[kind] : undefined;
  if (!list) throw new UndeclaredStreamError(stream);
  return list;
}
