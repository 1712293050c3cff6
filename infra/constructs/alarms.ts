import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface RadarAlarmsProps {
  stateMachine: sfn.IStateMachine;
  collect: lambda.IFunction;
  email: string | undefined;
}

/** Alarms on failed runs and failing collection, published to an encrypted, TLS-only SNS topic. */
export class RadarAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: RadarAlarmsProps) {
    super(scope, id);
    // A customer managed key: the AWS managed aws/sns key does not let CloudWatch publish to the topic.
    const key = new kms.Key(this, 'TopicKey', { enableKeyRotation: true, description: 'AI Maturity Radar alarm topic' });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'AI Maturity Radar alarms', masterKey: key, enforceSSL: true });
    if (props.email !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

    const notify = new actions.SnsAction(this.topic);
    const add = (alarmId: string, metric: cloudwatch.IMetric, description: string): void => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No execution in the period is normal (one run a day), not a breach.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(notify);
      this.alarms.push(alarm);
    };
    const period = Duration.minutes(5);
    add('RunFailed', props.stateMachine.metricFailed({ period, statistic: 'Sum' }), 'A scheduled run failed: no new snapshot was written');
    add('RunTimedOut', props.stateMachine.metricTimedOut({ period, statistic: 'Sum' }), 'A scheduled run timed out');
    add('CollectErrors', props.collect.metricErrors({ period, statistic: 'Sum' }), 'The collect function crashed (not a recorded source failure)');
  }
}
