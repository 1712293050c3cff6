// The one pagination helper of the Jira and MLflow connectors. Vendors page two ways: by an opaque next-page
// token (Jira enhanced search, MLflow searches) or by an offset (Jira's startAt listings). Both stop on the
// vendor's own end marker and refuse a page position they have already been handed, so a broken paginator cannot
// loop forever.

/**
 * Reads a token-paged listing: `fetchPage(token)` from no token on, `onPage` for each page in order, until `nextOf`
 * gives no token (absent, null or empty). A token handed back twice throws `repeated()`.
 */
export async function forEachTokenPage<P>(
  fetchPage: (token: string | undefined) => Promise<P>,
  nextOf: (page: P) => string | null | undefined,
  onPage: (page: P) => Promise<void>,
  repeated: () => Error,
): Promise<void> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await fetchPage(token);
    await onPage(page);
    const next = nextOf(page);
    if (next === undefined || next === null || next === '') return;
    if (seen.has(next)) throw repeated();
    seen.add(next);
    token = next;
  }
}

/**
 * Reads an offset-paged listing: `fetchPage(startAt)` from 0, `onPage` for each page, until `isLast` or an empty
 * page; the next offset is the page's `startAt` plus its item count. `fetchPage` may answer null to end the
 * listing (e.g. a vendor answer that means "nothing here"). An offset that does not advance throws `stalled()`.
 */
export async function forEachOffsetPage<P>(
  fetchPage: (startAt: number) => Promise<P | null>,
  position: (page: P) => { startAt: number; count: number; isLast: boolean },
  onPage: (page: P) => Promise<void>,
  stalled: () => Error,
): Promise<void> {
  let startAt = 0;
  for (;;) {
    const page = await fetchPage(startAt);
    if (page === null) return;
    await onPage(page);
    const p = position(page);
    if (p.isLast || p.count === 0) return;
    const next = p.startAt + p.count;
    if (next <= startAt) throw stalled();
    startAt = next;
  }
}
