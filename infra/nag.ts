import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { RadarStack } from './radar-stack.js';

const ack = (scope: IConstruct, id: string, reason: string): void => Validations.of(scope).acknowledge({ id: `AwsSolutions::${id}`, reason });

/**
 * Acknowledges the cdk-nag AwsSolutions findings the design accepts, one finding id at a time on the narrowest
 * construct, each with its reason. Anything new and unacknowledged fails synth.
 */
export function acknowledgeNagFindings(stack: RadarStack): void {
  const dataBucketArn = `<${logicalIdOf(stack, stack.data.dataBucket.node.defaultChild)}.Arn>`;
  const objectPrefixReason =
    'Object keys are per binding and per run (raw/{source}/{binding}/{runId}/…, normalised/{binding}/…, ' +
    'runs/{runId}/outcomes/{binding}), so access is ' +
    'scoped to a key prefix; the actions are an explicit list, never a wildcard.';

  for (const [name, handler] of Object.entries(stack.handlers)) {
    const role = handler.fn.role;
    if (role === undefined) continue;
    ack(role, 'AwsSolutions-IAM5[Resource::*]', `X-Ray PutTraceSegments/PutTelemetryRecords (active tracing of ${name}) support no resource-level permissions.`);
    const prefixes = {
      plan: ['config/'],
      collect: ['config/', 'raw/', 'normalised/', 'runs/*/outcomes/'],
      score: ['config/', 'normalised/', 'runs/*/outcomes/'],
      scorePod: ['config/', 'normalised/', 'runs/*/outcomes/'],
      scoreRollups: ['config/', 'normalised/', 'runs/*/outcomes/'],
      api: ['config/'],
    }[name] ?? [];
    for (const prefix of prefixes) ack(role, `AwsSolutions-IAM5[Resource::${dataBucketArn}/${prefix}*]`, objectPrefixReason);
  }

  const sm = stack.workflow.stateMachine;
  ack(sm, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray tracing and CloudWatch Logs log delivery for Step Functions support no resource-level permissions.');
  const { plan, collect, score, scorePod, scoreRollups } = stack.handlers;
  for (const handler of [plan, collect, score, scorePod, scoreRollups]) {
    ack(
      sm,
      `AwsSolutions-IAM5[Resource::<${logicalIdOf(stack, handler.fn.node.defaultChild)}.Arn>:*]`,
      'CDK grants invoke on the function and its versions/aliases (`arn:…:function:name:*`); it is still one function.',
    );
  }
  ack(
    sm,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"' +
      logicalIdOf(stack, sm.node.defaultChild) +
      '"}]}]}:*]',
    "The Distributed Map must describe and stop this state machine's own child executions, whose names are generated at run time.",
  );
  ack(
    sm,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"' +
      logicalIdOf(stack, sm.node.defaultChild) +
      '"}]}]}/CollectBindings:*]',
    "The Distributed Map must describe its own map runs, whose ids are generated at run time.",
  );
  ack(
    sm,
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"' +
      logicalIdOf(stack, sm.node.defaultChild) +
      '"}]}]}/ScorePods:*]',
    "The fanned-out score Map must describe its own map runs, whose ids are generated at run time.",
  );

  for (const secret of stack.secrets.secrets) {
    ack(
      secret,
      'AwsSolutions-SMG4',
      'Jira, GitHub and MLflow tokens are issued by those vendors and cannot be rotated by a Lambda without vendor admin ' +
        'APIs; operators rotate them (README). Rotating the actor-hash key would break distinct-actor counts across history.',
    );
  }

  const distribution = stack.site.distribution;
  ack(distribution, 'AwsSolutions-CFR4', 'The default *.cloudfront.net certificate cannot pin TLS 1.2; deploy with a custom domain and ACM certificate for that (README).');
  ack(distribution, 'AwsSolutions-CFR1', 'Leads of a global organisation use the dashboard; every API call still needs a Cognito JWT.');
  ack(distribution, 'AwsSolutions-CFR2', 'The distribution serves static files only; the API behind it requires a JWT and is throttled. Add WAF if the org requires it (cost).');
  ack(
    stack.identity.userPool,
    'AwsSolutions-COG8',
    'Users are created by administrators only, with strong passwords and TOTP MFA required; the Plus tier (threat protection) is billed per user and left to the operator.',
  );

  // The BucketDeployment singleton is CDK's own Lambda (Python runtime, managed policy, grants on the CDK
  // asset bucket); it runs only at deploy time and we do not control its code or policy.
  const deployer = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (deployer !== undefined) {
    const reason = 'CDK-owned BucketDeployment handler: runs only during deployment to copy the dashboard build; its runtime and policy are set by aws-cdk-lib.';
    for (const id of [
      'AwsSolutions-L1',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      `AwsSolutions-IAM5[Resource::<${logicalIdOf(stack, stack.site.bucket.node.defaultChild)}.Arn>/*]`,
    ]) {
      ack(deployer, id, reason);
    }
  }
}

function logicalIdOf(stack: Stack, resource: IConstruct | undefined): string {
  if (resource === undefined) throw new Error('construct has no default CloudFormation resource');
  return Stack.of(stack).getLogicalId(resource as Parameters<Stack['getLogicalId']>[0]);
}
