import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface CollectionWorkflowProps {
  plan: lambda.IFunction;
  collect: lambda.IFunction;
  score: lambda.IFunction;
  /** Fanned-out score: one pod per Map item, then the rollups (settings.scoring.fanOutAbovePods). */
  scorePod: lambda.IFunction;
  scoreRollups: lambda.IFunction;
  /** EventBridge Scheduler expression. */
  schedule: string;
  toleratedFailurePercentage: number;
}

/**
 * One scheduled run: plan → Distributed Map (one collect per unit × source binding, bounded concurrency) →
 * score, started by an EventBridge Scheduler schedule. Score is one task, or, when the plan says `scoring.fanOut`
 * (more pods than the org YAML's settings.scoring.fanOutAbovePods), a Distributed Map with one score-pod item per
 * pod followed by one score-rollups task.
 *
 * State contract with functions/: plan returns `{ runId, asOf, maxConcurrency, tasks: [{ bindingId, unit, source }] }`;
 * each collect receives `{ runId, asOf, task }`; score receives `{ runId, asOf }`; with fan-out, each score-pod item
 * receives `{ runId, asOf, pod }` and score-rollups `{ runId, asOf }`. The plan carries both lists inline: pods at
 * 15 bytes each, collect tasks at ~80 bytes a binding. The task list is what nears Step Functions' 256 KB payload
 * cap (the plan measured 246 KB at 1,000 generated pods); past that, both lists must come from S3 (ItemReader). The Map's concurrency is read
 * from the plan (`MaxConcurrencyPath`), i.e. from the org YAML's `settings.maxConcurrency` at run time, so the
 * laptop and AWS honour the same setting and changing it needs no deploy.
 */
export class CollectionWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: CollectionWorkflowProps) {
    super(scope, id);

    const plan = new tasks.LambdaInvoke(this, 'Plan', {
      lambdaFunction: props.plan,
      payloadResponseOnly: true,
      comment: 'Load the org config and list one collection task per unit × source binding',
    });

    const collect = new tasks.LambdaInvoke(this, 'Collect', {
      lambdaFunction: props.collect,
      payloadResponseOnly: true,
      // Retries are spelled out below so throttling gets a long, jittered backoff instead of the default.
      retryOnServiceExceptions: false,
      comment: 'Collect one binding: raw pages to S3, normalised activities, then the cursor',
    });
    // Sixty-odd bindings starting at once can hit the account's Lambda concurrency: back off, don't fail.
    collect.addRetry({
      errors: ['Lambda.TooManyRequestsException', 'Lambda.ThrottlingException'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 8,
      maxDelay: Duration.seconds(120),
      jitterStrategy: sfn.JitterType.FULL,
    });
    collect.addRetry({
      errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });

    /**
     * A Distributed Map over a list in the plan's output: each item gets the run id, the as-of and the item under
     * `itemKey`; concurrency comes from the plan; items run as standard child workflows (collect may take up to 15
     * minutes, express ones stop at 5); results stay out of the state (they live in DynamoDB, and 60+ of them in
     * state would only risk the 256 KB cap).
     */
    const perItem = (id: string, o: { itemsPath: string; itemKey: string; toleratedFailurePercentage: number | undefined }, processor: sfn.IChainable) => {
      const map = new sfn.DistributedMap(this, id, {
        itemsPath: sfn.JsonPath.stringAt(o.itemsPath),
        itemSelector: { 'runId.$': '$.runId', 'asOf.$': '$.asOf', [`${o.itemKey}.$`]: '$$.Map.Item.Value' },
        maxConcurrencyPath: sfn.JsonPath.stringAt('$.maxConcurrency'),
        toleratedFailurePercentage: o.toleratedFailurePercentage,
        mapExecutionType: sfn.StateMachineType.STANDARD,
        resultPath: sfn.JsonPath.DISCARD,
        label: id,
      });
      map.itemProcessor(processor);
      return map;
    };

    // collect records a failing binding as a failed outcome and returns; only crashes and timeouts fail an item, and
    // up to this share of them still lets score run (the failed bindings are in the run log).
    const collectAll = perItem('CollectBindings', { itemsPath: '$.tasks', itemKey: 'task', toleratedFailurePercentage: props.toleratedFailurePercentage }, collect);

    const score = new tasks.LambdaInvoke(this, 'Score', {
      lambdaFunction: props.score,
      payloadResponseOnly: true,
      payload: sfn.TaskInput.fromObject({ 'runId.$': '$.runId', 'asOf.$': '$.asOf' }),
      comment: 'Score every unit from stored activities and write the snapshots and run record',
    });

    const scorePod = new tasks.LambdaInvoke(this, 'ScorePod', {
      lambdaFunction: props.scorePod,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      comment: "Score one pod from its own windows and store its card as pending",
    });
    scorePod.addRetry({
      errors: ['Lambda.TooManyRequestsException', 'Lambda.ThrottlingException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 6,
      maxDelay: Duration.seconds(60),
      jitterStrategy: sfn.JitterType.FULL,
    });
    // A pod whose item still fails after its retries leaves no pending card; the rollup task then fails the run with
    // a run record naming the pods (PodCardsMissingError) instead of the execution dying without one. The cards are
    // in the pending store; nothing needs to come back through the state.
    const scorePods = perItem('ScorePods', { itemsPath: '$.scoring.pods', itemKey: 'pod', toleratedFailurePercentage: 100 }, scorePod);
    const scoreRollups = new tasks.LambdaInvoke(this, 'ScoreRollups', {
      lambdaFunction: props.scoreRollups,
      payloadResponseOnly: true,
      payload: sfn.TaskInput.fromObject({ 'runId.$': '$.runId', 'asOf.$': '$.asOf' }),
      comment: 'Rollups from the pending pod cards, then the snapshots and run record',
    });
    const scoring = new sfn.Choice(this, 'ScoringFansOut', { comment: 'The plan says whether the score step fans out over pods' })
      .when(sfn.Condition.booleanEquals('$.scoring.fanOut', true), scorePods.next(scoreRollups))
      .otherwise(score);

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(plan.next(collectAll).next(scoring)),
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: Duration.hours(6),
      tracingEnabled: true,
      // Execution data would include error messages from sources; they are scrubbed, but the run log has them.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: 'AI Maturity Radar scheduled run',
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: scheduler.ScheduleExpression.expression(props.schedule),
      description: 'Starts the AI Maturity Radar run',
      target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
        // The scheduled time is the run's as-of, so a retried start lands on the same run id (idempotent).
        input: scheduler.ScheduleTargetInput.fromObject({ asOf: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
      }),
    });
  }
}
