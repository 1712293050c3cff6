// The dashboard's Content-Security-Policy, defined once. `radar serve` (shared/api/serve.ts) and CloudFront
// (infra/constructs/dashboard-site.ts) both send `renderContentSecurityPolicy(...)`; the only difference between a
// laptop and AWS is the sign-in origins the browser must reach for OpenID Connect (discovery and the token
// endpoint), which go into connect-src. This module imports nothing, so infra may import it without pulling in
// runtime code.

/** The policy's directives: everything from our own origin, no inline script or style, no framing. */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
});

/**
 * The header value; `signInOrigins` (e.g. `https://cognito-idp.eu-west-1.amazonaws.com`) are added to connect-src.
 * @example renderContentSecurityPolicy([]) // "default-src 'self'; script-src 'self'; …"
 */
export function renderContentSecurityPolicy(signInOrigins: readonly string[] = []): string {
  return Object.entries(CSP_DIRECTIVES)
    .map(([name, values]) => [name, ...values, ...(name === 'connect-src' ? signInOrigins : [])].join(' '))
    .join('; ');
}
