import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { renderContentSecurityPolicy } from '../../dashboard/src/csp.js';

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
  /** The security headers of every response, with the same Content-Security-Policy `radar serve` sends. */
  readonly headers: cloudfront.ResponseHeadersPolicy;
  private readonly distDir: string;
  private signInOrigins: string[] = [];

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
    // The CSP comes from dashboard/src/csp.ts, the module shared/api/serve.ts renders too; only the sign-in origins
    // (Cognito's issuer and hosted UI, known once the user pool exists) are added, through allowSignInFrom().
    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'AI Maturity Radar: strict CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: Lazy.string({ produce: () => renderContentSecurityPolicy(this.signInOrigins) }), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'AI Maturity Radar dashboard',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
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
      responseHeadersPolicy: this.headers,
    });
  }

  /** Lets the dashboard's sign-in reach these origins (discovery, token endpoint): they join the CSP's connect-src. */
  allowSignInFrom(origins: string[]): void {
    this.signInOrigins = [...origins];
  }

  /** Deploys the built files (when present) and a config.json the dashboard reads to find the API and sign-in. */
  deploy(config: Record<string, unknown>): s3deploy.BucketDeployment {
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
