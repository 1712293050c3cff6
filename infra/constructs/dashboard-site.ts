import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface DashboardSiteProps {
  /** Built dashboard (Vite output). When it does not exist, only config.json is deployed and synth warns. */
  distDir: string;
  logBucket: s3.IBucket;
}

/**
 * The dashboard's static files in a private bucket, served only through CloudFront with origin access
 * control (the bucket has no public access and no website endpoint).
 */
export class DashboardSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly distPresent: boolean;
  private readonly distDir: string;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 'dashboard-bucket/',
      // The files are rebuilt from the repository on every deploy; nothing here is the only copy.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'AI Maturity Radar dashboard',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    this.distDir = props.distDir;
    this.distPresent = existsSync(join(props.distDir, 'index.html'));
    if (!this.distPresent) {
      // A fresh clone has no build yet: synth must still work, so deploy only config.json and say so.
      Annotations.of(this).addWarningV2(
        'radar:dashboard-not-built',
        `dashboard not built (${props.distDir} has no index.html): run \`npx vite build dashboard\` before deploying`,
      );
    }
  }

  /**
   * Serves `/api/*` from the HTTP API through the same distribution, so the dashboard calls its API on its own
   * origin. Nothing is cached, and every viewer header but Host (so Authorization too) reaches the API.
   */
  routeApi(apiDomainName: string): void {
    this.distribution.addBehavior('/api/*', new origins.HttpOrigin(apiDomainName, { protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY }), {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
    });
  }

  /** Deploys the built files (when present) and a config.json the dashboard reads to find the API and sign-in. */
  deploy(config: Record<string, string>): s3deploy.BucketDeployment {
    const sources = [s3deploy.Source.jsonData('config.json', config)];
    if (this.distPresent) sources.unshift(s3deploy.Source.asset(this.distDir));
    return new s3deploy.BucketDeployment(this, 'Deploy', {
      sources,
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 512,
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.minutes(5))],
    });
  }
}
