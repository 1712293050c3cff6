/**
 * The origin of GitHub's web UI for a binding's API base URL, so links built without an `html_url` (deployment
 * history, Copilot metrics) go where the API lives: `https://api.github.com` → `https://github.com`; GitHub
 * Enterprise Cloud with data residency `https://api.SUB.ghe.com` → `https://SUB.ghe.com`; GitHub Enterprise Server
 * `https://HOST/api/v3` → `https://HOST`; anything else (the sandbox on loopback) → its own origin, which serves
 * GitHub's web paths. Pure.
 */
export function githubWebOrigin(apiBaseUrl: string): string {
  const u = new URL(apiBaseUrl);
  const host = u.host.toLowerCase();
  if (host === 'api.github.com') return 'https://github.com';
  if (/^api\.[^.]+\.ghe\.com$/.test(host)) return `${u.protocol}//${host.slice('api.'.length)}`;
  return u.origin;
}
