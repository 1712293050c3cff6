import { describe, expect, it } from 'vitest';
import { evaluateIam, iamGlob } from './lib/iam-evaluator.js';
import type { IamRequest, PolicyStatement } from './lib/iam-evaluator.js';

// The evaluator the IAM test relies on, held to IAM's documented rules on small cases.

const bucket = 'arn:aws:s3:::data';
const allowRaw: PolicyStatement = { Effect: 'Allow', Action: 's3:PutObject', Resource: `${bucket}/raw/*` };

describe('the IAM evaluator', () => {
  it('matches actions case-insensitively and resources case-sensitively, with * spanning / and ? one character', () => {
    expect(iamGlob('s3:Get*', 'S3:GETOBJECT', true)).toBe(true);
    expect(iamGlob(`${bucket}/runs/*/outcomes/*`, `${bucket}/runs/run-1/outcomes/pod.a.github.json.gz`, false)).toBe(true);
    expect(iamGlob(`${bucket}/raw/*`, `${bucket}/RAW/x`, false)).toBe(false);
    expect(iamGlob('s3:?etObject', 's3:GetObject', true)).toBe(true);
    expect(iamGlob('s3:?etObject', 's3:GGetObject', true)).toBe(false);
  });

  it('denies implicitly what no statement allows, and lets an explicit deny win over an allow', () => {
    expect(evaluateIam([allowRaw], { action: 's3:PutObject', resource: `${bucket}/normalised/a`, context: {} }).decision).toBe('implicit-deny');
    expect(evaluateIam([allowRaw], { action: 's3:PutObject', resource: `${bucket}/raw/a`, context: {} }).decision).toBe('allow');
    const deny: PolicyStatement = { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' };
    expect(evaluateIam([allowRaw, deny], { action: 's3:PutObject', resource: `${bucket}/raw/a`, context: {} }).decision).toBe('explicit-deny');
  });

  it('holds ForAllValues:StringLike only when every leading key matches, and for an absent key', () => {
    const s: PolicyStatement = {
      Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'], Resource: 'arn:aws:dynamodb:r:a:table/t',
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RUN#*', 'RUNS'] } },
    };
    const req = (keys: string[] | undefined): IamRequest => ({
      action: 'dynamodb:BatchWriteItem', resource: 'arn:aws:dynamodb:r:a:table/t', context: keys ? { 'dynamodb:LeadingKeys': keys } : {},
    });
    expect(evaluateIam([s], req(['RUN#1', 'RUNS'])).decision).toBe('allow');
    expect(evaluateIam([s], req(['RUN#1', 'UNIT#org'])).decision).toBe('implicit-deny');
    expect(evaluateIam([s], req(undefined)).decision).toBe('allow');
  });

  it('fails a single-valued condition on a missing key and a negated one holds', () => {
    const like: PolicyStatement = { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket, Condition: { StringLike: { 's3:prefix': ['config/*'] } } };
    const notLike: PolicyStatement = { ...like, Condition: { StringNotLike: { 's3:prefix': ['raw/*'] } } };
    expect(evaluateIam([like], { action: 's3:ListBucket', resource: bucket, context: {} }).decision).toBe('implicit-deny');
    expect(evaluateIam([like], { action: 's3:ListBucket', resource: bucket, context: { 'S3:Prefix': 'config/a' } }).decision).toBe('allow');
    expect(evaluateIam([notLike], { action: 's3:ListBucket', resource: bucket, context: {} }).decision).toBe('allow');
  });

  it('refuses to guess on a condition operator it does not implement', () => {
    const s: PolicyStatement = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } };
    expect(() => evaluateIam([s], { action: 's3:GetObject', resource: `${bucket}/x`, context: { 'aws:SourceIp': '10.1.1.1' } })).toThrow(/IpAddress/);
  });
});
