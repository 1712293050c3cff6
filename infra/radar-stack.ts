import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { RadarAlarms } from './constructs/alarms.js';
import { CollectionWorkflow } from './constructs/collection-workflow.js';
import { DashboardSite } from './constructs/dashboard-site.js';
import { DataStore } from './constructs/data-store.js';
import { RadarHandler } from './constructs/handler.js';
import type { HandlerName } from './constructs/handler.js';
import { RadarHttpApi, RadarIdentity } from './constructs/radar-api.js';
import { SourceSecrets } from './constructs/source-secrets.js';
import type { RadarSettings } from './settings.js';

export interface RadarStackProps extends StackProps {
  settings: RadarSettings;
  /** Repository root (functions/, package-lock.json). */
  projectRoot: string;
  /** Vite build output of the dashboard. */
  dashboardDist: string;
}

/** Everything AI Maturity Radar needs in one AWS account and region. */
export class RadarStack extends Stack {
  readonly data: DataStore;
  readonly secrets: SourceSecrets;
  readonly handlers: Record<'plan' | 'collect' | 'score' | 'scorePod' | 'scoreRollups' | 'api', RadarHandler>;
  readonly workflow: CollectionWorkflow;
  readonly identity: RadarIdentity;
  readonly httpApi: RadarHttpApi;
  readonly site: DashboardSite;
  readonly alarms: RadarAlarms;

  constructor(scope: Construct, id: string, props: RadarStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.data = new DataStore(this, 'Data', { rawRetentionDays: settings.rawRetentionDays });
    this.secrets = new SourceSecrets(this, 'SourceSecrets');
    this.site = new DashboardSite(this, 'Dashboard', { distDir: props.dashboardDist, logBucket: this.data.logBucket });
    const dashboardUrl = `https://${this.site.distribution.distributionDomainName}`;
    this.httpApi = new RadarHttpApi(this, 'Http');
    this.site.routeApi(this.httpApi.domainName);
    this.identity = new RadarIdentity(this, 'Identity', {
      groups: settings.cognitoGroups,
      domainPrefix: settings.cognitoDomainPrefix,
      callbackUrl: `${dashboardUrl}/`,
    });

    const common: Record<string, string> = {
      RADAR_TABLE: this.data.table.tableName,
      RADAR_BUCKET: this.data.dataBucket.bucketName,
      RADAR_CONFIG_KEY: settings.configKey,
    };
    // Construct id from the file name: score-pod → ScorePodHandler (plan, collect, score and api keep their ids).
    const idOf = (name: string): string => `${name.split('-').map((w) => `${w[0]?.toUpperCase() ?? ''}${w.slice(1)}`).join('')}Handler`;
    const handler = (name: HandlerName, memorySize: number, timeout: Duration, description: string, env: Record<string, string> = {}): RadarHandler =>
      new RadarHandler(this, idOf(name), {
        projectRoot: props.projectRoot,
        name,
        memorySize,
        timeout,
        description,
        environment: { ...common, ...env },
      });
    this.handlers = {
      plan: handler('plan', 512, Duration.minutes(1), 'Radar: list collection tasks from the org config'),
      collect: handler('collect', 1024, Duration.minutes(15), 'Radar: collect one unit × source binding', {
        RADAR_SECRET_ARNS: this.toJsonString(this.secrets.arnByEnvName),
      }),
      score: handler('score', 2048, Duration.minutes(10), 'Radar: score every unit and write snapshots'),
      scorePod: handler('score-pod', 1024, Duration.minutes(5), 'Radar: score one pod (fanned-out score) into a pending card'),
      scoreRollups: handler('score-rollups', 2048, Duration.minutes(10), 'Radar: rollups from the pending pod cards, write snapshots'),
      api: handler('api', 1024, Duration.seconds(29), 'Radar: dashboard API', {
        RADAR_JWT_ISSUER: this.identity.issuer,
        RADAR_JWT_AUDIENCE: this.identity.client.userPoolClientId,
        RADAR_JWKS_URL: this.identity.jwksUrl,
      }),
    };
    this.grantData();
    for (const secret of this.secrets.secrets) {
      this.handlers.collect.allow(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], [secret.secretArn]);
    }

    this.workflow = new CollectionWorkflow(this, 'Run', {
      plan: this.handlers.plan.fn,
      collect: this.handlers.collect.fn,
      score: this.handlers.score.fn,
      scorePod: this.handlers.scorePod.fn,
      scoreRollups: this.handlers.scoreRollups.fn,
      schedule: settings.schedule,
      toleratedFailurePercentage: settings.toleratedFailurePercentage,
    });
    this.httpApi.connect(this.handlers.api.fn, this.identity);
    // The dashboard signs in with OpenID Connect (Authorization Code + PKCE) against the hosted UI: the issuer is the
    // authority (its discovery document names the hosted UI's endpoints); Cognito's logout endpoint is not in it.
    const clientId = this.identity.client.userPoolClientId;
    this.site.allowSignInFrom([`https://cognito-idp.${this.region}.${this.urlSuffix}`, this.identity.hostedUiUrl]);
    this.site.deploy({
      // Same origin: the distribution routes /api/* to the HTTP API.
      apiBase: '/api',
      region: this.region,
      userPoolId: this.identity.userPool.userPoolId,
      userPoolClientId: clientId,
      auth: {
        authority: this.identity.issuer,
        clientId,
        endSessionEndpoint: `${this.identity.hostedUiUrl}/logout`,
        endSessionParams: { client_id: clientId, logout_uri: `${dashboardUrl}/` },
      },
    });
    this.alarms = new RadarAlarms(this, 'Alarms', {
      stateMachine: this.workflow.stateMachine,
      collect: this.handlers.collect.fn,
      email: settings.alarmEmail,
    });

    new CfnOutput(this, 'DashboardUrl', { value: dashboardUrl });
    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url });
    new CfnOutput(this, 'DataBucketName', { value: this.data.dataBucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: clientId });
    new CfnOutput(this, 'SignInAuthority', { value: this.identity.issuer });
    new CfnOutput(this, 'HostedUiUrl', { value: this.identity.hostedUiUrl });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'SecretArns', { value: this.toJsonString(this.secrets.arnByEnvName) });
  }

  /**
   * Least privilege on the data, with explicit action lists: grantReadWriteData and friends would add
   * wildcard actions (`s3:GetObject*`, `s3:List*`), which the template tests forbid.
   */
  private grantData(): void {
    const { table, dataBucket } = this.data;
    const tableAndIndex = [table.tableArn, `${table.tableArn}/index/GSI1`];
    const objects = (prefix: string): string => dataBucket.arnForObjects(`${prefix}*`);
    // Without s3:ListBucket a missing key answers 403 instead of 404, and "nothing stored yet" (a binding's first
    // run, or one that never succeeded) is a normal case. S3 makes that 404/403 decision without an s3:prefix in
    // the request context, so a prefix-conditioned ListBucket would not do: collect and score may list key names
    // (binding and run ids, no content) across the bucket. The IAM test in test/cloud models this.
    const listKeys = (): [string[], string[]] => [['s3:ListBucket'], [dataBucket.bucketArn]];
    const listUnder = (...prefixes: string[]): [string[], string[], Record<string, unknown>] => [
      ['s3:ListBucket'],
      [dataBucket.bucketArn],
      { StringLike: { 's3:prefix': prefixes.flatMap((p) => [p, `${p}*`]) } },
    ];
    const { plan, collect, score, scorePod, scoreRollups, api } = this.handlers;
    // Binding outcomes (the run log) live under runs/{runId}/outcomes/: collect writes them, score reads them.
    const outcomes = objects('runs/*/outcomes/');
    // Partition keys plan and collect may touch (shared/storage/keys.ts spells the layout; the IAM test in
    // test/cloud checks every call against these). Neither can write UNIT#…, ASOF or LATEST, i.e. overwrite a
    // snapshot. ForAllValues covers BatchWriteItem, whose request may carry several partition keys.
    const onlyPartitions = (...patterns: string[]): Record<string, unknown> => ({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns },
    });

    plan.allow(['s3:GetObject'], [objects('config/')]);
    plan.allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'], [table.tableArn], onlyPartitions('RUN#*', 'RUNS'));

    collect.allow(['s3:GetObject'], [objects('config/')]);
    collect.allow(['s3:PutObject'], [objects('raw/')]);
    collect.allow(['s3:GetObject', 's3:PutObject'], [objects('normalised/')]);
    collect.allow(['s3:PutObject'], [outcomes]);
    collect.allow(...listKeys());
    collect.allow(['dynamodb:GetItem', 'dynamodb:PutItem'], [table.tableArn], onlyPartitions('CURSOR#*'));

    score.allow(['s3:GetObject'], [objects('config/'), objects('normalised/'), outcomes]);
    score.allow(...listKeys());
    score.allow(
      ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
      tableAndIndex,
    );

    // A fanned-out pod item reads what score reads for one pod (config, normalised activities, outcomes, cursors)
    // and writes only its pending card (PENDING#{runId}#{asOf}, invisible to readers): no snapshot, marker or run
    // record. The rollup task does what score does (it reads the pending cards and saves the whole as-of).
    scorePod.allow(['s3:GetObject'], [objects('config/'), objects('normalised/'), outcomes]);
    scorePod.allow(...listKeys());
    scorePod.allow(['dynamodb:GetItem', 'dynamodb:BatchGetItem'], [table.tableArn], onlyPartitions('CURSOR#*'));
    scorePod.allow(['dynamodb:BatchWriteItem'], [table.tableArn], onlyPartitions('PENDING#*'));

    scoreRollups.allow(['s3:GetObject'], [objects('config/'), objects('normalised/'), outcomes]);
    scoreRollups.allow(...listKeys());
    scoreRollups.allow(
      ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
      tableAndIndex,
    );

    api.allow(['s3:GetObject'], [objects('config/')]);
    api.allow(...listUnder('config/'));
    api.allow(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], tableAndIndex);
  }
}
