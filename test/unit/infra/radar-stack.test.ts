import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderContentSecurityPolicy } from '../../../dashboard/src/csp.js';
import { buildRadarApp } from '../../../infra/radar-app.js';
import type { RadarStack } from '../../../infra/radar-stack.js';

// Template assertions on the stack synthesised in-process, once per context. Asset bundling is skipped here
// (`aws:cdk:bundling-stacks: []`) because esbuild output is not what these tests check; infra/synth.sh, run by
// `npm test`, does the real offline synth with bundling and the cdk-nag gate.

type Json = Record<string, unknown>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

// Synthesising a whole app is CPU-bound work of a few seconds; the unit tier's 5 s default is too tight on CI.
const SYNTH_TIMEOUT_MS = 60_000;
const outdirs: string[] = [];
function synth(context: Record<string, unknown> = {}): { template: Template; stack: RadarStack; json: Json } {
  const outdir = mkdtempSync(join(tmpdir(), 'radar-cdk-'));
  outdirs.push(outdir);
  const { app, stack } = buildRadarApp({ outdir, context: { 'aws:cdk:bundling-stacks': [], ...context } });
  // Synthesis runs the cdk-nag validation plugin: an unacknowledged AwsSolutions error throws here.
  app.synth();
  const template = Template.fromStack(stack);
  return { template, stack, json: template.toJSON() as Json };
}

const resourcesOf = (json: Json, type: string): [string, Json][] =>
  Object.entries(json.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const refsIn = (value: unknown): string[] => {
  // Every logical id a policy fragment points at, through Ref, Fn::GetAtt and nested Fn::Join.
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (k === 'Ref' && typeof inner === 'string') out.push(inner);
        else if (k === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string') out.push(inner[0]);
        else walk(inner);
      }
    }
  };
  walk(value);
  return out;
};
function identityStatements(json: Json): { policyId: string; roles: string[]; statement: Statement }[] {
  return resourcesOf(json, 'AWS::IAM::Policy').flatMap(([policyId, r]) => {
    const props = r.Properties as { PolicyDocument: { Statement: Statement[] }; Roles?: unknown };
    return props.PolicyDocument.Statement.map((statement) => ({ policyId, roles: refsIn(props.Roles), statement }));
  });
}
function definitionOf(json: Json): Json {
  const [, sm] = resourcesOf(json, 'AWS::StepFunctions::StateMachine')[0] ?? [];
  const def = (sm?.Properties as { DefinitionString: unknown }).DefinitionString;
  // The definition is a Fn::Join of text and ARN tokens; the tokens become placeholders so it parses as JSON.
  const parts = (def as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('')) as Json;
}
function newestNodeRuntimeName(): string {
  const versions = lambda.Runtime.ALL.map((r) => /^nodejs(\d+)\.x$/.exec(r.name)).filter((m) => m !== null);
  return `nodejs${Math.max(...versions.map((m) => Number(m[1])))}.x`;
}

let base: ReturnType<typeof synth>;
let ids: { table: string; dataBucket: string; logBucket: string; dashboardBucket: string; fns: Record<string, string>; roles: Record<string, string> };

beforeAll(() => {
  base = synth();
  const id = (c: { node: { defaultChild?: unknown } }): string => base.stack.getLogicalId(c.node.defaultChild as never);
  const h = base.stack.handlers;
  ids = {
    table: id(base.stack.data.table),
    dataBucket: id(base.stack.data.dataBucket),
    logBucket: id(base.stack.data.logBucket),
    dashboardBucket: id(base.stack.site.bucket),
    fns: Object.fromEntries(Object.entries(h).map(([k, v]) => [k, id(v.fn)])),
    roles: Object.fromEntries(Object.entries(h).map(([k, v]) => [k, id(v.fn.role as never)])),
  };
}, 120_000);

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('data store', () => {
  it('creates the single table on demand with PITR, server-side encryption and the GSI1 index', () => {
    base.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: 'GSI1PK', KeyType: 'HASH' },
            { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
    base.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
  });

  it('blocks all public access and encrypts every bucket', () => {
    const buckets = resourcesOf(base.json, 'AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThanOrEqual(3);
    for (const [bucketId, b] of buckets) {
      const props = b.Properties as Json;
      expect(props.PublicAccessBlockConfiguration, bucketId).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(props.BucketEncryption, bucketId).toBeDefined();
      expect(props.WebsiteConfiguration, bucketId).toBeUndefined();
    }
  });

  it('denies non-TLS requests in the policy of every bucket', () => {
    const policies = resourcesOf(base.json, 'AWS::S3::BucketPolicy');
    for (const [bucketId] of resourcesOf(base.json, 'AWS::S3::Bucket')) {
      const policy = policies.find(([, p]) => refsIn((p.Properties as Json).Bucket).includes(bucketId));
      expect(policy, `bucket policy of ${bucketId}`).toBeDefined();
      const statements = ((policy?.[1].Properties as Json).PolicyDocument as { Statement: Statement[] }).Statement;
      expect(statements, bucketId).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('lets no bucket policy allow an anonymous or wildcard principal', () => {
    for (const [policyId, p] of resourcesOf(base.json, 'AWS::S3::BucketPolicy')) {
      const statements = ((p.Properties as Json).PolicyDocument as { Statement: Statement[] }).Statement;
      for (const s of statements.filter((x) => x.Effect === 'Allow')) {
        expect(JSON.stringify(s.Principal), policyId).not.toMatch(/"\*"|"AWS":"\*"/);
      }
    }
  });

  it('versions the data bucket, expires raw pages and logs access to the log bucket', () => {
    base.template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: ids.logBucket } },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'raw/', ExpirationInDays: 90, Status: 'Enabled' })]),
      },
    });
  });
});

describe('permissions', () => {
  it('allows no `*` or `service:*` action in any identity policy', () => {
    for (const { policyId, statement } of identityStatements(base.json)) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of actionsOf(statement)) {
        expect(action, policyId).not.toBe('*');
        expect(action, policyId).not.toMatch(/^[a-z0-9-]+:\*$/);
      }
    }
  });

  it('grants only explicit actions, without any wildcard, on the table and the data bucket', () => {
    const dataIds = [ids.table, ids.dataBucket];
    const onData = identityStatements(base.json).filter(({ statement }) => refsIn(statement.Resource).some((r) => dataIds.includes(r)));
    expect(onData.length).toBeGreaterThanOrEqual(8);
    for (const { policyId, statement } of onData) {
      for (const action of actionsOf(statement)) expect(action, policyId).not.toContain('*');
    }
  });

  it('lets the api function only read the table', () => {
    const apiTable = identityStatements(base.json).filter(
      ({ roles, statement }) => roles.includes(ids.roles.api ?? '') && refsIn(statement.Resource).includes(ids.table),
    );
    const actions = apiTable.flatMap(({ statement }) => actionsOf(statement)).sort();
    expect(actions).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
  });

  it('lets the collect function, and nothing else, read the source secrets', () => {
    const secretIds = resourcesOf(base.json, 'AWS::SecretsManager::Secret').map(([id]) => id);
    expect(secretIds.length).toBe(4);
    const secretStatements = identityStatements(base.json).filter(({ statement }) =>
      actionsOf(statement).some((a) => a.startsWith('secretsmanager:')),
    );
    for (const { roles, statement } of secretStatements) {
      expect(roles).toEqual([ids.roles.collect]);
      expect(refsIn(statement.Resource).every((r) => secretIds.includes(r))).toBe(true);
    }
    const covered = new Set(secretStatements.flatMap(({ statement }) => refsIn(statement.Resource)));
    expect([...covered].sort()).toEqual([...secretIds].sort());
    expect(resourcesOf(base.json, 'AWS::SecretsManager::ResourcePolicy')).toEqual([]);
  });

  it('hands the collect function a JSON map from credential variable names to secret ARNs, and no one else', () => {
    const envOf = (fn: string): Record<string, unknown> =>
      ((base.json.Resources as Record<string, Json>)[fn]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(envOf(ids.fns.collect ?? '').RADAR_SECRET_ARNS).toBeDefined();
    for (const name of ['plan', 'score', 'api']) expect(envOf(ids.fns[name] ?? '').RADAR_SECRET_ARNS, name).toBeUndefined();
    const rendered = JSON.stringify(envOf(ids.fns.collect ?? '').RADAR_SECRET_ARNS);
    for (const envName of ['RADAR_JIRA_TOKEN', 'RADAR_GITHUB_TOKEN', 'RADAR_MLFLOW_PASSWORD', 'RADAR_ACTOR_HASH_KEY']) {
      expect(rendered).toContain(envName);
    }
  });
});

describe('functions', () => {
  it('runs every product function on the newest Node.js runtime on arm64', () => {
    const newest = newestNodeRuntimeName();
    expect(Number(/\d+/.exec(newest)?.[0])).toBeGreaterThanOrEqual(22);
    for (const [name, fnId] of Object.entries(ids.fns)) {
      const props = (base.json.Resources as Record<string, Json>)[fnId]?.Properties as Json;
      expect(props.Runtime, name).toBe(newest);
      expect(props.Architectures, name).toEqual(['arm64']);
      expect(props.TracingConfig, name).toEqual({ Mode: 'Active' });
    }
  });

  it('gives every function the table, bucket, config key and its own Powertools service name', () => {
    for (const [name, fnId] of Object.entries(ids.fns)) {
      base.template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        Environment: {
          Variables: Match.objectLike({
            RADAR_TABLE: { Ref: ids.table },
            RADAR_BUCKET: { Ref: ids.dataBucket },
            RADAR_CONFIG_KEY: 'config/org.yaml',
            // The handler file's name: scorePod → radar-score-pod.
            POWERTOOLS_SERVICE_NAME: `radar-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
          }),
        },
      });
      expect(fnId).toBeTruthy();
    }
  });
});

describe('scheduled run', () => {
  it('maps collect over the planned tasks with a Distributed Map whose concurrency comes from the plan, with tolerated failures', () => {
    const def = definitionOf(base.json) as { StartAt: string; States: Record<string, Json> };
    expect(def.StartAt).toBe('Plan');
    expect(def.States.Plan?.Next).toBe('CollectBindings');
    const map = def.States.CollectBindings as Json;
    expect(map.Type).toBe('Map');
    expect(map.ItemsPath).toBe('$.tasks');
    expect((map.ItemProcessor as { ProcessorConfig: Json }).ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    // The org YAML's settings.maxConcurrency, handed on by plan: one setting for the laptop and AWS.
    expect(map.MaxConcurrencyPath).toBe('$.maxConcurrency');
    expect(map.MaxConcurrency).toBeUndefined();
    expect(map.ToleratedFailurePercentage).toBe(50);
    expect(map.ItemSelector).toEqual({ 'runId.$': '$.runId', 'asOf.$': '$.asOf', 'task.$': '$$.Map.Item.Value' });
    expect(map.Next).toBe('ScoringFansOut');
    expect((def.States.Score as Json).Parameters).toEqual({ 'runId.$': '$.runId', 'asOf.$': '$.asOf' });
  });

  it('scores in one task, or fans out over the planned pods (Distributed Map, then rollups) when the plan says scoring.fanOut', () => {
    const def = definitionOf(base.json) as { States: Record<string, Json> };
    const choice = def.States.ScoringFansOut as { Type: string; Choices: Json[]; Default: string };
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices).toEqual([{ Variable: '$.scoring.fanOut', BooleanEquals: true, Next: 'ScorePods' }]);
    expect(choice.Default).toBe('Score');
    const pods = def.States.ScorePods as Json;
    expect(pods.Type).toBe('Map');
    expect(pods.ItemsPath).toBe('$.scoring.pods');
    expect(pods.ItemSelector).toEqual({ 'runId.$': '$.runId', 'asOf.$': '$.asOf', 'pod.$': '$$.Map.Item.Value' });
    expect(pods.MaxConcurrencyPath).toBe('$.maxConcurrency');
    expect((pods.ItemProcessor as { ProcessorConfig: Json }).ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(pods.ResultPath).toBeNull();
    expect(pods.Next).toBe('ScoreRollups');
    expect((def.States.ScoreRollups as Json).Parameters).toEqual({ 'runId.$': '$.runId', 'asOf.$': '$.asOf' });
    expect((def.States.ScoreRollups as Json).End).toBe(true);
    expect((def.States.Score as Json).End).toBe(true);
  });

  it('retries throttled collect invocations with exponential, jittered backoff', () => {
    const map = definitionOf(base.json) as { States: Record<string, { ItemProcessor: { States: Record<string, Json> } }> };
    const collect = map.States.CollectBindings?.ItemProcessor.States.Collect as { Retry: Json[] };
    const throttle = collect.Retry.find((r) => (r.ErrorEquals as string[]).includes('Lambda.TooManyRequestsException'));
    expect(throttle).toBeDefined();
    expect(throttle?.BackoffRate as number).toBeGreaterThan(1);
    expect(throttle?.MaxAttempts as number).toBeGreaterThanOrEqual(3);
    expect(throttle?.JitterStrategy).toBe('FULL');
  });

  it('starts the run daily from EventBridge Scheduler with the scheduled time as the as-of', () => {
    const smId = base.stack.getLogicalId(base.stack.workflow.stateMachine.node.defaultChild as never);
    base.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { Ref: smId },
        Input: JSON.stringify({ asOf: '<aws.scheduler.scheduled-time>' }),
      }),
    });
  });

  it('logs every execution and traces it', () => {
    base.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('takes the schedule and tolerated failures from context', () => {
    const custom = synth({ schedule: 'cron(0 4 ? * MON *)', toleratedFailurePercentage: 10 });
    custom.template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 4 ? * MON *)' });
    const map = (definitionOf(custom.json) as { States: Record<string, Json> }).States.CollectBindings as Json;
    expect(map.ToleratedFailurePercentage).toBe(10);
  }, SYNTH_TIMEOUT_MS);

  it('refuses run-time settings in the CDK context (they live in the org YAML) and a malformed schedule', () => {
    expect(() => synth({ maxConcurrency: 3 })).toThrow(/maxConcurrency.*org YAML/);
    expect(() => synth({ rubricKey: 'config/rubric.yaml' })).toThrow(/rubricKey.*org YAML/);
    expect(() => synth({ schedule: 'every day' })).toThrow(/schedule/);
  }, SYNTH_TIMEOUT_MS);
});

describe('API', () => {
  it('puts every route behind the Cognito JWT authoriser', () => {
    const authorizers = resourcesOf(base.json, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers.length).toBe(1);
    const [authId, authorizer] = authorizers[0] as [string, Json];
    expect((authorizer.Properties as Json).AuthorizerType).toBe('JWT');
    expect(JSON.stringify((authorizer.Properties as Json).JwtConfiguration)).toContain('cognito-idp');
    const routes = resourcesOf(base.json, 'AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    for (const [routeId, route] of routes) {
      const props = route.Properties as Json;
      expect(props.AuthorizationType, routeId).toBe('JWT');
      expect(props.AuthorizerId, routeId).toEqual({ Ref: authId });
    }
  });

  it('gives the api function the issuer, audience and JWKS URL of the user pool', () => {
    const env = ((base.json.Resources as Record<string, Json>)[ids.fns.api ?? '']?.Properties as { Environment: { Variables: Json } }).Environment
      .Variables;
    expect(JSON.stringify(env.RADAR_JWT_ISSUER)).toContain('cognito-idp');
    expect(JSON.stringify(env.RADAR_JWKS_URL)).toContain('/.well-known/jwks.json');
    expect(env.RADAR_JWT_AUDIENCE).toBeDefined();
  });

  it('creates the steering group and lets no one sign themselves up', () => {
    base.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'steering' });
    base.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
    });
  });
});

describe('sign-in and security headers', () => {
  it('gives the dashboard a public user-pool client with the authorization code flow only, back to the CloudFront domain', () => {
    const [, client] = resourcesOf(base.json, 'AWS::Cognito::UserPoolClient')[0] as [string, Json];
    const props = client.Properties as Json;
    expect(props.GenerateSecret).toBe(false);
    expect(props.AllowedOAuthFlows).toEqual(['code']);
    expect(props.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(props.SupportedIdentityProviders).toEqual(['COGNITO']);
    expect(JSON.stringify(props.CallbackURLs)).toContain('DomainName');
    expect(props.LogoutURLs).toEqual(props.CallbackURLs);
  });

  it('always creates a hosted UI domain and outputs the authority, client id and hosted UI URL', () => {
    expect(resourcesOf(base.json, 'AWS::Cognito::UserPoolDomain')).toHaveLength(1);
    const outputs = base.json.Outputs as Record<string, Json>;
    expect(JSON.stringify(outputs.SignInAuthority?.Value)).toContain('cognito-idp');
    expect(outputs.UserPoolClientId?.Value).toBeDefined();
    expect(JSON.stringify(outputs.HostedUiUrl?.Value)).toContain('amazoncognito.com');
  });

  it('sends the same Content-Security-Policy as radar serve, plus only the Cognito sign-in origins, on every behaviour', () => {
    const policies = resourcesOf(base.json, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(policies).toHaveLength(1);
    const [policyId, policy] = policies[0] as [string, Json];
    const csp = ((policy.Properties as Json).ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } } })
      .SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    const text = JSON.stringify(csp);
    // Everything the local policy says is there verbatim, up to connect-src, where the two sign-in origins follow.
    const local = renderContentSecurityPolicy([]);
    const [beforeConnect] = local.split("connect-src 'self'");
    expect(text).toContain(`${beforeConnect}connect-src 'self' https://cognito-idp.`);
    expect(text).toContain('amazoncognito.com');
    expect(text).toContain(local.split("connect-src 'self'")[1]);
    const dist = resourcesOf(base.json, 'AWS::CloudFront::Distribution')[0]?.[1].Properties as { DistributionConfig: { DefaultCacheBehavior: Json; CacheBehaviors: Json[] } };
    expect(dist.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    for (const b of dist.DistributionConfig.CacheBehaviors) expect(b.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });
});

describe('dashboard hosting and alarms', () => {
  it('serves the dashboard bucket only through CloudFront with origin access control', () => {
    base.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: Match.arrayWith([Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: Match.anyValue() })]),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
    base.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: ids.dashboardBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Condition: Match.anyValue() }),
        ]),
      },
    });
  });

  it('routes /api/* through the distribution to the HTTP API uncached, forwarding the Authorization header', () => {
    const apiId = base.stack.getLogicalId(base.stack.httpApi.api.node.defaultChild as never);
    const [, dist] = resourcesOf(base.json, 'AWS::CloudFront::Distribution')[0] as [string, Json];
    const config = (dist.Properties as { DistributionConfig: { CacheBehaviors: Json[]; Origins: Json[] } }).DistributionConfig;
    const api = config.CacheBehaviors.find((b) => b.PathPattern === '/api/*');
    // AWS managed policies: CachingDisabled and AllViewerExceptHostHeader (the latter forwards Authorization
    // only because caching is disabled).
    expect(api?.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(api?.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
    expect(api?.ViewerProtocolPolicy).toBe('https-only');
    const origin = config.Origins.find((o) => o.Id === api?.TargetOriginId);
    expect(refsIn(origin?.DomainName)).toContain(apiId);
  });

  it('alarms on failed runs and collect errors through an encrypted topic', () => {
    const topicId = base.stack.getLogicalId(base.stack.alarms.topic.node.defaultChild as never);
    base.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    base.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed',
      Namespace: 'AWS/States',
      AlarmActions: [{ Ref: topicId }],
    });
    base.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.fns.collect } }],
      AlarmActions: [{ Ref: topicId }],
    });
  });
});

describe('cdk-nag', () => {
  it('fails synthesis on an AwsSolutions error nobody acknowledged', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'radar-cdk-'));
    outdirs.push(outdir);
    const { app, stack } = buildRadarApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    // A bucket without TLS enforcement or access logs: AwsSolutions-S1 and S10 are errors.
    new s3.Bucket(stack, 'CarelessBucket', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, encryption: s3.BucketEncryption.S3_MANAGED });
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  }, SYNTH_TIMEOUT_MS);

  it('records a written reason for every acknowledged finding', () => {
    const acks: { id: string; reason: string }[] = [];
    const visit = (node: IConstruct): void => {
      for (const entry of node.node.metadata) {
        // Each entry maps acknowledged rule ids to their reasons.
        if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
          for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acks.push({ id, reason });
        }
      }
      node.node.children.forEach(visit);
    };
    visit(base.stack);
    const ours = acks.filter((a) => a.id.startsWith('AwsSolutions::'));
    expect(ours.length).toBeGreaterThan(10);
    for (const a of ours) expect(a.reason.length, a.id).toBeGreaterThan(30);
  });
});
