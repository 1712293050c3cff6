import type { SourceId } from '../org/index.js';
import type { SourcePlugin } from './contract.js';
import { copilotSource } from './copilot/index.js';
import { githubSource } from './github/index.js';
import { jiraSource } from './jira/index.js';
import { mlflowSource } from './mlflow/index.js';

// The connectors' door. Only what collects imports it and hands the connectors to the pipeline: the collect
// function and the CLI commands that open the local pipeline. The pipeline's modules never import it, so the plan,
// score and API functions, which import the pipeline but collect nothing, carry no connector (GitHub client,
// octokit, the source schemas) in their bundles and evaluate none at cold start.

/** The connectors the product ships, by source id. */
export function defaultSources(): Partial<Record<SourceId, SourcePlugin>> {
  return { github: githubSource, jira: jiraSource, mlflow: mlflowSource, copilot: copilotSource };
}
