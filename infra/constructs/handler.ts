import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The newest Node.js runtime this aws-cdk-lib knows (ignoring the moving `NODEJS_LATEST` alias), so a CDK
 * upgrade moves the functions forward and cdk-nag's "latest runtime" rule stays satisfied.
 */
export function newestNodeRuntime(): lambda.Runtime {
  const versionOf = (r: lambda.Runtime): number => Number(/^nodejs(\d+)\.x$/.exec(r.name)?.[1] ?? Number.NaN);
  const candidates = lambda.Runtime.ALL.filter((r) => r.family === lambda.RuntimeFamily.NODEJS && !Number.isNaN(versionOf(r)));
  const newest = candidates.sort((a, b) => versionOf(b) - versionOf(a))[0];
  if (newest === undefined) throw new Error('aws-cdk-lib lists no nodejsNN.x runtime');
  return newest;
}

/** Handler files in functions/ (without extension). */
export type HandlerName = 'plan' | 'collect' | 'score' | 'score-pod' | 'score-rollups' | 'api';

export interface RadarHandlerProps {
  /** Repository root: holds package-lock.json and functions/. */
  projectRoot: string;
  /** Handler file name in functions/ without extension, e.g. `collect`. */
  name: HandlerName;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  description: string;
}

/**
 * One product Lambda: arm64 on the newest Node.js runtime, bundled locally by esbuild (no Docker) as minified
 * ESM with source maps, JSON logs with Powertools settings, X-Ray tracing and its own log group with retention.
 */
export class RadarHandler extends Construct {
  readonly fn: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: RadarHandlerProps) {
    super(scope, id);
    const entry = join(props.projectRoot, 'functions', `${props.name}.ts`);
    if (!existsSync(entry)) throw new Error(`handler entry missing: functions/${props.name}.ts`);
    const runtime = newestNodeRuntime();
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of AWSLambdaBasicExecutionRole: logs may go only to this function's log group.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `AI Maturity Radar ${props.name} function`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    this.fn = new nodejs.NodejsFunction(this, 'Fn', {
      entry,
      role,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      runtime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      description: props.description,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: `radar-${props.name}`,
        POWERTOOLS_METRICS_NAMESPACE: 'AiMaturityRadar',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Events carry binding ids and run ids only, but logging them wholesale is what STYLE.md forbids.
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: `node${/\d+/.exec(runtime.name)?.[0] ?? '20'}`,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // Bundle everything, the AWS SDK included, so Lambda runs exactly the versions the tests ran.
        externalModules: [],
        // ESM output still meets CommonJS dependencies that call require(); give them one.
        banner: "import { createRequire as __radarCreateRequire } from 'node:module'; const require = __radarCreateRequire(import.meta.url);",
        logLevel: nodejs.LogLevel.ERROR,
      },
    });
  }

  /** Grants exactly these actions on exactly these resources (no wildcard actions, ever). */
  allow(actions: string[], resources: string[], conditions?: Record<string, unknown>): void {
    this.fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
  }
}
