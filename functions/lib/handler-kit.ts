import type { Logger } from '@aws-lambda-powertools/logger';
import type { LoggerPort } from '../../shared/kernel/index.js';
import type { PipelineDeps } from '../../shared/pipeline/index.js';
import { buildLambdaDeps, lambdaLogger, once } from './deps.js';
import type { LambdaDepsOptions } from './deps.js';

/** One function's logger and lazily built, cached deps (built on the first invocation, reused while warm). */
export function handlerKit(serviceName: string, opts: Omit<LambdaDepsOptions, 'env'> = {}): {
  powertools: Logger;
  logger: LoggerPort;
  getDeps: () => Promise<PipelineDeps>;
} {
  let deps: PipelineDeps | undefined;
  // The redacting logger reads the resolved credential values at each call, so later secrets are scrubbed too.
  const { powertools, port } = lambdaLogger(serviceName, () => deps?.credentials.knownValues() ?? []);
  const getDeps = once(async () => {
    const built = await buildLambdaDeps(port, opts);
    deps = built.deps;
    powertools.appendKeys({ rubricVersion: built.deps.scorer.rubric.version });
    return built.deps;
  });
  return { powertools, logger: port, getDeps };
}
