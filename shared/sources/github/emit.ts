import { allowListFor, keepAllowed } from '../allow-list.js';
import type { CollectContext, RawPage } from '../contract.js';
import { MalformedPageError } from '../errors.js';
import { rawPagePseudonymiser } from '../http/index.js';
import { pathOnly } from './client.js';
import type { GithubResponse } from './client.js';
import { GITHUB_ALLOW_LISTS, checkPageBody } from './shapes.js';
import type { GithubStream } from './shapes.js';

/** Hands one received GitHub page on as a raw page: `kind:target` stream, optional parent fields. */
export type GithubEmit = (kind: GithubStream, target: string, res: GithubResponse, parent?: Record<string, unknown>) => Promise<void>;

/**
 * The GitHub connector's one raw-page emitter: checks the page against its stream's schema (a malformed page fails
 * the binding before anything is stored), keeps only the stream's allow-listed fields with people pseudonymised,
 * numbers the page and hands pages on in call order, one at a time, so the pipeline stores them in sequence.
 */
export function githubEmitter(ctx: Pick<CollectContext, 'org' | 'credentials' | 'binding' | 'onPage'>): { emit: GithubEmit; drain: () => Promise<void> } {
  const pseudonymise = rawPagePseudonymiser(ctx);
  let seq = 0;
  let chain: Promise<void> = Promise.resolve();
  const emit: GithubEmit = (kind, target, res, parent) => {
    if (res.status === 200) {
      const problem = checkPageBody(kind, res.data);
      if (problem) {
        throw new MalformedPageError({ source: 'github', bindingId: ctx.binding.id, path: pathOnly(res.path), reason: `GitHub returned a malformed page: ${problem}`, status: 200 });
      }
    }
    const allow = allowListFor(GITHUB_ALLOW_LISTS, kind);
    const page: RawPage = {
      source: 'github', bindingId: ctx.binding.id, stream: `${kind}:${target}`, path: res.path, seq: seq++,
      fetchedAt: res.fetchedAt, status: res.status, body: res.status === 304 ? null : keepAllowed(res.data, allow.body, pseudonymise),
      ...(parent && allow.parent ? { parent: keepAllowed(parent, allow.parent, pseudonymise) as Record<string, unknown> } : {}),
    };
    chain = chain.then(() => ctx.onPage(page));
    return chain;
  };
  return { emit, drain: () => chain };
}
