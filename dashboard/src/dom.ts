// A tiny element builder. Text always goes in as text nodes (never innerHTML), so no value from the API can
// inject markup.
export type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | undefined | null | ((ev: Event) => void);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'href' && !isSafeHref(String(value))) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/**
 * Links go to the app's own views (`#/…`) or to http(s) evidence; a `javascript:` or `data:` URL from vendor data
 * never becomes a link (the element keeps its text, without href).
 */
export function isSafeHref(href: string): boolean {
  if (href.startsWith('#')) return true;
  try {
    // Relative links resolve against the page (http(s)); a scheme in the value wins over the base.
    const { protocol } = new URL(href, document.baseURI);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Builds an SVG-free, CSP-safe canvas for a chart, labelled for screen readers. */
export function chartCanvas(id: string, label: string): HTMLCanvasElement {
  return h('canvas', { id, role: 'img', 'aria-label': label, 'data-testid': id });
}
