import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface DataStoreProps {
  /** Days raw vendor pages are kept (they are the run log's evidence, not the product's data). */
  rawRetentionDays: number;
}

/**
 * The product's state: the DynamoDB single table (snapshots, runs, cursors, as-of markers) and the S3 data
 * bucket (raw/ pages, normalised/ activities, config/ org config and rubric), plus the bucket that receives
 * S3 server access logs and CloudFront logs.
 */
export class DataStore extends Construct {
  readonly table: dynamodb.Table;
  readonly dataBucket: s3.Bucket;
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataStoreProps) {
    super(scope, id);

    // Key layout is the storage adapter's (shared/storage): PK/SK strings, GSI1 = "every unit at one as-of".
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      // Snapshots are years of history: a stack deletion must never take them with it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'GSI1SK', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    // CloudFront standard logging writes with ACLs, so this one bucket keeps ACLs enabled for the log
    // delivery; it is still private, encrypted and TLS-only.
    this.logBucket = new s3.Bucket(this, 'LogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.dataBucket = new s3.Bucket(this, 'DataBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: [
        { id: 'expire-raw-pages', prefix: 'raw/', expiration: Duration.days(props.rawRetentionDays) },
        // Versioning protects normalised data and config from a bad write; old versions need not live forever.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(2) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
