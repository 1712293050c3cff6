import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** A Secrets Manager secret and the environment-variable names each secret answers for (the names the org config's `auth` blocks use). */
export interface SecretSpec {
  /** Secret id within the stack and the last part of its name: `radar/<id>`. */
  id: string;
  description: string;
  /** Environment variable names this secret provides (JSON keys of the secret value). */
  envNames: string[];
}

/**
 * One secret per source (plus the actor-hash key). Each secret's value is a JSON object whose keys are the
 * environment variable names the org config refers to, e.g. `{"RADAR_JIRA_EMAIL":"…","RADAR_JIRA_TOKEN":"…"}`.
 * The stack creates them empty (a generated placeholder); operators put the real values after deploy.
 */
export const DEFAULT_SECRET_SPECS: readonly SecretSpec[] = [
  { id: 'jira', description: 'Jira Cloud API credentials for AI Maturity Radar', envNames: ['RADAR_JIRA_EMAIL', 'RADAR_JIRA_TOKEN'] },
  { id: 'github', description: 'GitHub token for AI Maturity Radar', envNames: ['RADAR_GITHUB_TOKEN'] },
  {
    id: 'mlflow',
    description: 'MLflow credentials for AI Maturity Radar',
    envNames: ['RADAR_MLFLOW_USERNAME', 'RADAR_MLFLOW_PASSWORD', 'RADAR_MLFLOW_TOKEN'],
  },
  { id: 'actor-hash-key', description: 'Key for opaque actor hashes (AI Maturity Radar)', envNames: ['RADAR_ACTOR_HASH_KEY'] },
];

/** The source credential secrets; only the collect function is ever granted read access. */
export class SourceSecrets extends Construct {
  readonly secrets: secretsmanager.Secret[] = [];
  /** Environment variable name → ARN of the secret holding it (the collect function's RADAR_SECRET_ARNS). */
  readonly arnByEnvName: Record<string, string> = {};

  constructor(scope: Construct, id: string, specs: readonly SecretSpec[] = DEFAULT_SECRET_SPECS) {
    super(scope, id);
    for (const spec of specs) {
      const secret = new secretsmanager.Secret(this, spec.id, {
        // Named after the stack so operators can find it (`<stack>/jira`) and two stacks never collide.
        secretName: `${Stack.of(this).stackName}/${spec.id}`,
        description: spec.description,
        // A random placeholder so no real credential ever passes through CloudFormation; operators overwrite it.
        generateSecretString: {
          secretStringTemplate: JSON.stringify(Object.fromEntries(spec.envNames.slice(1).map((n) => [n, 'unset']))),
          generateStringKey: spec.envNames[0] ?? 'value',
          excludePunctuation: true,
        },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.secrets.push(secret);
      for (const envName of spec.envNames) this.arnByEnvName[envName] = secret.secretArn;
    }
  }
}
