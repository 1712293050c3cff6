import type { Context } from 'hono';

// The minimal HTML the sandboxes' web views answer with: the item's name as the title and heading, a few
// team-level facts, no people. Text is escaped; nothing from a world is markup.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** A web-view page naming one item, with rows of facts (label, value). */
export function renderItemPage(vendor: string, title: string, facts: readonly [string, string][]): string {
  const rows = facts.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · ${escapeHtml(vendor)} sandbox</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#17202e}th{text-align:left;padding:4px 12px 4px 0;color:#4a5568}p{color:#4a5568}</style></head>
<body><main><p>${escapeHtml(vendor)} sandbox · web view</p><h1>${escapeHtml(title)}</h1><table>${rows}</table></main></body></html>`;
}

/** Answers 200 with the item page, or 404 with a page that says what was not found. */
export function itemResponse(c: Context, vendor: string, found: { title: string; facts: [string, string][] } | null, what: string): Response {
  if (found === null) return c.html(renderItemPage(vendor, `Not found: ${what}`, []), 404);
  return c.html(renderItemPage(vendor, found.title, found.facts));
}

/** ISO day of an epoch-ms or ISO time. */
export function isoDay(t: number | string | null | undefined): string {
  if (t === null || t === undefined) return '—';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? '—' : d.toISOString().slice(0, 10);
}
