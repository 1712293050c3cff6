import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * Group names are the scope grammar shared/api/auth.ts reads from `cognito:groups`: `steering` sees every unit;
 * `domain-lead:<id>`, `network-lead:<id>`, `lab-lead:<id>` and `pod-lead:<id>` see their unit (and members).
 */
export const STEERING_GROUP = 'steering';

export interface RadarIdentityProps {
  /** Extra groups, e.g. `pod-lead:recsys`; more can be created later with the AWS CLI. */
  groups: string[];
  /** Hosted UI domain prefix; default `radar-<account id>` (the dashboard cannot sign in without a hosted UI). */
  domainPrefix: string | undefined;
  /** Where the hosted UI sends users back after sign-in (the dashboard URL). */
  callbackUrl: string;
}

/** The Cognito user pool that issues the RS256 JWTs the HTTP API and the app verify. */
export class RadarIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** `https://cognito-idp.<region>.amazonaws.com/<poolId>`: the `iss` of every token. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`: the hosted UI (authorize, token and logout endpoints). */
  readonly hostedUiUrl: string;

  constructor(scope: Construct, id: string, props: RadarIdentityProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Only administrators add leads: nobody can sign themselves up into a scope.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of [STEERING_GROUP, ...props.groups]) {
      new cognito.CfnUserPoolGroup(this, `Group-${group.replace(/[^A-Za-z0-9]/g, '-')}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description: group === STEERING_GROUP ? 'Sees every unit' : `Scope ${group}`,
      });
    }
    this.client = this.userPool.addClient('DashboardClient', {
      // A browser app cannot keep a secret; it uses the authorisation code flow with PKCE.
      generateSecret: false,
      authFlows: { userSrp: true },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        // Authorization Code only (no implicit grant); Cognito enforces PKCE when the request carries a challenge,
        // and the dashboard (oidc-client-ts) always sends one (S256).
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
        scopes: [cognito.OAuthScope.OPENID],
        callbackUrls: [props.callbackUrl],
        logoutUrls: [props.callbackUrl],
      },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(7),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    // Cognito domain prefixes are unique per region; the account id makes the default one unique for this account.
    const domain = this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.domainPrefix ?? `radar-${Stack.of(this).account}` } });
    this.hostedUiUrl = domain.baseUrl();
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;
  }
}

/**
 * HTTP API (API Gateway v2): every route goes through the Cognito JWT authoriser to the api function. The
 * dashboard reaches it through CloudFront under the same origin (`/api/*`), so no CORS is configured.
 */
export class RadarHttpApi extends Construct {
  readonly api: apigw.HttpApi;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'AI Maturity Radar API',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // The default format has no Authorization header or query string, so no token reaches the logs.
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
  }

  /**
   * Routes `/api/*` to the api function behind the JWT authoriser. Separate from the constructor because the
   * user pool client's callback URL needs the CloudFront domain, and CloudFront needs this API's domain.
   */
  connect(handler: lambda.IFunction, identity: RadarIdentity): void {
    const authorizer = new HttpUserPoolAuthorizer('CognitoJwt', identity.userPool, {
      userPoolClients: [identity.client],
      identitySource: ['$request.header.Authorization'],
    });
    this.api.addRoutes({
      path: '/api/{proxy+}',
      methods: [apigw.HttpMethod.GET, apigw.HttpMethod.HEAD],
      integration: new HttpLambdaIntegration('ApiFunction', handler),
      authorizer,
    });
  }

  /** The API's host name (CloudFront origin). */
  get domainName(): string {
    return `${this.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
  }

  /** The base URL of the API (the `$default` stage). */
  get url(): string {
    return `https://${this.domainName}`;
  }
}
