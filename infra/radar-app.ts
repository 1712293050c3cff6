import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeNagFindings } from './nag.js';
import { RadarStack } from './radar-stack.js';
import { readRadarSettings } from './settings.js';

export interface BuildRadarAppOptions extends AppProps {
  /** Repository root; defaults to the parent of infra/. */
  projectRoot?: string;
  /** Dashboard build output; defaults to dashboard/dist under the project root. */
  dashboardDist?: string;
  /** Stack name; defaults to context `stackName` or `AiMaturityRadar`. */
  stackName?: string;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Builds the CDK app: the Radar stack with cdk-nag's AwsSolutions pack as a synth-time validation, and the
 * acknowledged findings (each with its reason). Tests call this in-process; infra/app.ts is the CLI entry.
 */
export function buildRadarApp(opts: BuildRadarAppOptions = {}): { app: App; stack: RadarStack } {
  const { projectRoot: rootOpt, dashboardDist, stackName: nameOpt, ...appProps } = opts;
  const app = new App(appProps);
  const projectRoot = resolve(rootOpt ?? join(here, '..'));
  if (!existsSync(join(projectRoot, 'package-lock.json'))) throw new Error(`no package-lock.json under ${projectRoot}`);
  const stackName = nameOpt ?? (app.node.tryGetContext('stackName') as string | undefined) ?? 'AiMaturityRadar';
  const stack = new RadarStack(app, stackName, {
    stackName,
    // Env-agnostic on purpose: synth needs no credentials and no lookups; `cdk deploy` takes the account and
    // region from the caller's profile.
    settings: readRadarSettings(app),
    projectRoot,
    dashboardDist: resolve(dashboardDist ?? join(projectRoot, 'dashboard', 'dist')),
    description: 'AI Maturity Radar: scheduled evidence collection, scoring and dashboard',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeNagFindings(stack);
  return { app, stack };
}
