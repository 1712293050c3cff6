import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildRadarApp } from '../../../infra/radar-app.js';
import type { PolicyStatement } from './iam-evaluator.js';

// The synthesised CloudFormation template, read as AWS would: CloudFormation intrinsics (Ref, Fn::GetAtt,
// Fn::Join, Fn::Select, Fn::Split, Fn::Sub) resolved to concrete values for one fixed account, region and set of
// physical names, so role policies, function environments and the state machine definition are plain JSON.

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const STACK = 'AiMaturityRadar';

type Json = Record<string, unknown>;
interface CfnResource {
  Type: string;
  Properties?: Json;
}

/** The product functions, keyed by the name their POWERTOOLS_SERVICE_NAME carries. */
export type FunctionName = 'plan' | 'collect' | 'score' | 'score-pod' | 'score-rollups' | 'api';

/** Every product function, in handler order. */
export const FUNCTION_NAMES: readonly FunctionName[] = ['plan', 'collect', 'score', 'score-pod', 'score-rollups', 'api'];

/** A synthesised template with its intrinsics resolvable to concrete values. */
export class ResolvedTemplate {
  readonly resources: Record<string, CfnResource>;

  constructor(readonly json: Json) {
    this.resources = json.Resources as Record<string, CfnResource>;
  }

  private typeOf(id: string): string {
    const r = this.resources[id];
    if (!r) throw new Error(`template has no resource ${id}`);
    return r.Type;
  }

  /** Physical name a Ref gives for a resource: fixed, lower-case and valid as a bucket or table name. */
  physicalName(id: string): string {
    return `radar-${id.toLowerCase()}`.slice(0, 63);
  }

  private ref(id: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws', 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': STACK, 'AWS::StackId': `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK}/0`, 'AWS::NoValue': '',
    };
    if (id in pseudo) return pseudo[id] ?? '';
    const name = this.physicalName(id);
    switch (this.typeOf(id)) {
      // These resources' Ref is their ARN (CloudFormation resource reference, "Return values").
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${STACK}/${id}-AbCdEf`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
      default:
        return name;
    }
  }

  private getAtt(id: string, attr: string): string {
    const name = this.physicalName(id);
    const type = this.typeOf(id);
    if (attr === 'Arn') {
      switch (type) {
        case 'AWS::DynamoDB::Table': return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
        case 'AWS::S3::Bucket': return `arn:aws:s3:::${name}`;
        case 'AWS::Logs::LogGroup': return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
        case 'AWS::Lambda::Function': return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
        case 'AWS::IAM::Role': return `arn:aws:iam::${ACCOUNT}:role/${name}`;
        default: return `arn:aws:${type.split('::')[1]?.toLowerCase() ?? 'x'}:${REGION}:${ACCOUNT}:${name}`;
      }
    }
    // Attributes no policy or handler environment we check depends on (domain names, URLs): stable placeholders.
    return `${name}.${attr.toLowerCase()}.example`;
  }

  /** Resolves every intrinsic in a template fragment. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Json;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const [k] = keys as [string];
      const arg = obj[k];
      if (k === 'Ref') return this.ref(String(arg));
      if (k === 'Fn::GetAtt') {
        const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
        return this.getAtt(String(id), String(attr));
      }
      if (k === 'Fn::Join') {
        const [sep, parts] = arg as [string, unknown[]];
        return (this.resolve(parts) as unknown[]).map(String).join(sep);
      }
      if (k === 'Fn::Select') {
        const [index, items] = arg as [unknown, unknown];
        return (this.resolve(items) as unknown[])[Number(this.resolve(index))];
      }
      if (k === 'Fn::Split') {
        const [sep, text] = arg as [string, unknown];
        return String(this.resolve(text)).split(sep);
      }
      if (k === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? (arg as [string, Json]) : [String(arg), {}];
        return text.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
          if (name in vars) return String(this.resolve(vars[name]));
          const [id, attr] = name.split('.');
          return attr === undefined ? this.ref(String(id)) : this.getAtt(String(id), attr);
        });
      }
    }
    return Object.fromEntries(keys.map((k) => [k, this.resolve(obj[k])]));
  }

  /** Logical id of the product function whose POWERTOOLS_SERVICE_NAME is `radar-{name}`. */
  functionId(name: FunctionName): string {
    const found = Object.entries(this.resources).find(
      ([, r]) => r.Type === 'AWS::Lambda::Function' &&
        ((r.Properties?.Environment as Json | undefined)?.Variables as Json | undefined)?.POWERTOOLS_SERVICE_NAME === `radar-${name}`,
    );
    if (!found) throw new Error(`template has no function radar-${name}`);
    return found[0];
  }

  /** The function's environment variables, resolved. */
  environmentOf(name: FunctionName): Record<string, string> {
    const vars = ((this.resources[this.functionId(name)]?.Properties?.Environment as Json).Variables ?? {}) as Json;
    return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(this.resolve(v))]));
  }

  /** Logical id of the function's execution role. */
  roleIdOf(name: FunctionName): string {
    const role = this.resources[this.functionId(name)]?.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const id = role?.['Fn::GetAtt']?.[0];
    if (id === undefined) throw new Error(`function radar-${name} has no role from this template`);
    return id;
  }

  /** Every identity-policy statement attached to the function's role (inline policies and AWS::IAM::Policy). */
  statementsOf(name: FunctionName): PolicyStatement[] {
    const roleId = this.roleIdOf(name);
    const role = this.resources[roleId]?.Properties ?? {};
    if (Array.isArray(role.ManagedPolicyArns) && role.ManagedPolicyArns.length > 0) {
      throw new Error(`role ${roleId} has managed policies, which this check cannot read`);
    }
    const inline = ((role.Policies ?? []) as { PolicyDocument: { Statement: unknown[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
    const attached = Object.values(this.resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles ?? []).includes(`"Ref":"${roleId}"`))
      .flatMap((r) => (r.Properties?.PolicyDocument as { Statement: unknown[] }).Statement);
    return this.resolve([...inline, ...attached]) as PolicyStatement[];
  }

  /** The state machine's definition (DefinitionString), resolved and parsed. */
  stateMachineDefinition(): Json {
    const sm = Object.values(this.resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    if (!sm) throw new Error('template has no state machine');
    return JSON.parse(String(this.resolve(sm.Properties?.DefinitionString))) as Json;
  }

  /** The partition key attribute of the table and of each global secondary index. */
  keySchema(): { table: string; indexes: Record<string, string> } {
    const table = Object.values(this.resources).find((r) => r.Type === 'AWS::DynamoDB::Table');
    const hash = (ks: unknown): string => ((ks as { AttributeName: string; KeyType: string }[]).find((k) => k.KeyType === 'HASH')?.AttributeName ?? '');
    const gsis = (table?.Properties?.GlobalSecondaryIndexes ?? []) as { IndexName: string; KeySchema: unknown }[];
    return { table: hash(table?.Properties?.KeySchema), indexes: Object.fromEntries(gsis.map((g) => [g.IndexName, hash(g.KeySchema)])) };
  }
}

/**
 * Synthesises the stack in-process (offline, no bundling: the template is what is checked, not the bundle) and
 * returns its template. cdk-nag runs as part of synthesis, so an unacknowledged finding throws here too.
 */
export function synthesiseTemplate(): ResolvedTemplate {
  const outdir = mkdtempSync(join(tmpdir(), 'radar-cloud-'));
  try {
    const { app, stack } = buildRadarApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    app.synth();
    return new ResolvedTemplate(Template.fromStack(stack).toJSON() as Json);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
