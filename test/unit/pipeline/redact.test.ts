import { describe, expect, it } from 'vitest';
import { envCredentialResolver, failedOutcome, redactFields, scrubSecrets } from '../../../shared/pipeline/index.js';
import { SourceAuthError } from '../../../shared/sources/errors.js';

const TOKEN = 'ghp_canaryCanaryCanary1234567890';

describe('scrubSecrets', () => {
  it('removes a known credential value wherever it appears', () => {
    expect(scrubSecrets(`request failed with ${TOKEN} in it`, [TOKEN])).not.toContain(TOKEN);
  });

  it('removes the base64 form of a basic-auth credential', () => {
    const b64 = Buffer.from('bot@acme.example:s3cretJiraToken').toString('base64');
    expect(scrubSecrets(`header Basic ${b64}`, ['bot@acme.example:s3cretJiraToken'])).not.toContain(b64);
  });

  it('removes Authorization headers and bearer tokens it was not told about', () => {
    const out = scrubSecrets('authorization: Bearer abcdefghijklmnop, retry', []);
    expect(out).not.toContain('abcdefghijklmnop');
  });

  it('strips query strings and user info from URLs', () => {
    const out = scrubSecrets('GET https://bot:pw@jira.example/rest/api/3/search?jql=project%3DRECO&token=xyz failed', []);
    expect(out).not.toContain('jql=');
    expect(out).not.toContain('xyz');
    expect(out).not.toContain('bot:pw');
    expect(out).toContain('https://');
  });
});

describe('redactFields', () => {
  it('replaces secret-looking keys and drops person keys in log fields', () => {
    const out = redactFields({ headers: { Authorization: 'token x' }, login: 'octocat', count: 3 }, []) as Record<string, unknown>;
    expect(out).toEqual({ headers: { Authorization: '[redacted]' }, login: '[person data removed]', count: 3 });
  });
});

describe('failedOutcome', () => {
  it('records the error class and code with a message scrubbed of credentials', () => {
    const err = new SourceAuthError({ source: 'github', bindingId: 'pod:recsys/github', path: '/repos/acme/recsys', reason: `bad credentials ${TOKEN}`, status: 401 });
    const o = failedOutcome({ bindingId: 'pod:recsys/github', unit: 'pod:recsys', source: 'github' }, err, [TOKEN], { requests: 1, pages: 0, durationMs: 5 });
    expect(o).toMatchObject({ status: 'failed', errorClass: 'SourceAuthError', errorCode: 'HTTP_401', requests: 1 });
    expect(o.message).not.toContain(TOKEN);
  });
});

describe('envCredentialResolver', () => {
  it('names the missing variable and never a value', async () => {
    const r = envCredentialResolver({ OTHER: 'x' });
    await expect(r.resolve('RADAR_GITHUB_TOKEN')).rejects.toThrow(/RADAR_GITHUB_TOKEN is not set/);
  });

  it('remembers resolved values so they can be scrubbed', async () => {
    const r = envCredentialResolver({ RADAR_GITHUB_TOKEN: TOKEN });
    await r.resolve('RADAR_GITHUB_TOKEN');
    expect(r.knownValues()).toEqual([TOKEN]);
  });
});
