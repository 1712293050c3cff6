// A small evaluator of identity-policy statements, enough to decide whether a role allows one request.
//
// Why not @cloud-copilot/iam-simulate: it is AGPL-3.0, which a company running this product cannot take on for a
// test dependency without legal review (../shared/LOCAL-STACK.md). This evaluator covers only what our policies
// use, and fails loudly on anything else (an unknown condition operator throws instead of guessing).
//
// Rules implemented, from the IAM User Guide ("Policy evaluation logic", "IAM JSON policy elements: Action /
// Resource / Condition operators", "Single-valued vs. multivalued context keys"):
// - An explicit Deny in any statement wins; otherwise an Allow is needed; otherwise the request is implicitly denied.
// - Action: `service:Name`, case-insensitive; `*` matches any run of characters, `?` exactly one. NotAction inverts.
// - Resource: ARN glob, case-sensitive; `*` and `?` as above and `*` may span `/` and `:` in the resource part.
//   NotResource inverts.
// - Condition: every operator block must hold (AND), every key within a block must hold (AND), any value of a key
//   may match (OR). String operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringLike,
//   StringNotLike, optionally with `IfExists`; Bool. Set operators ForAllValues: (true for an absent or empty key)
//   and ForAnyValue: (false for an absent key). A single-valued operator on a missing key is false, a negated one
//   true. Condition keys are case-insensitive.

/** One statement of an identity policy, as CloudFormation carries it (intrinsics already resolved). */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

/** One request as IAM sees it: the action, the resource ARN and the request context keys. */
export interface IamRequest {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

export type IamDecision =
  | { decision: 'allow'; statement: PolicyStatement }
  | { decision: 'explicit-deny'; statement: PolicyStatement }
  | { decision: 'implicit-deny' };

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's glob: `*` any run of characters (including none), `?` exactly one; everything else literal. */
export function iamGlob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's').test(value);
}

function matchesAction(s: PolicyStatement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((p) => iamGlob(p, action, true));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((p) => iamGlob(p, action, true));
  throw new Error(`statement ${s.Sid ?? ''} has neither Action nor NotAction`);
}

function matchesResource(s: PolicyStatement, resource: string): boolean {
  if (s.Resource !== undefined) return list(s.Resource).some((p) => iamGlob(p, resource, false));
  if (s.NotResource !== undefined) return !list(s.NotResource).some((p) => iamGlob(p, resource, false));
  throw new Error(`statement ${s.Sid ?? ''} has neither Resource nor NotResource`);
}

function contextValue(context: IamRequest['context'], key: string): string[] | undefined {
  const found = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase());
  if (found === undefined) return undefined;
  return Array.isArray(found[1]) ? found[1] : [found[1]];
}

function compare(base: string, policyValue: string, actual: string): boolean {
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
      return policyValue === actual;
    case 'StringEqualsIgnoreCase':
      return policyValue.toLowerCase() === actual.toLowerCase();
    case 'StringLike':
    case 'StringNotLike':
      return iamGlob(policyValue, actual, false);
    case 'Bool':
      return policyValue.toLowerCase() === actual.toLowerCase();
    default:
      throw new Error(`condition operator ${base} is not supported by this evaluator`);
  }
}

function conditionHolds(operator: string, key: string, rawValues: string | string[] | boolean, context: IamRequest['context']): boolean {
  const values = (Array.isArray(rawValues) ? rawValues : [rawValues]).map(String);
  const setPrefix = /^(ForAllValues|ForAnyValue):/.exec(operator)?.[1];
  let base = setPrefix ? operator.slice(setPrefix.length + 1) : operator;
  const ifExists = base.endsWith('IfExists');
  if (ifExists) base = base.slice(0, -'IfExists'.length);
  const negated = base === 'StringNotEquals' || base === 'StringNotLike';
  const actual = contextValue(context, key);
  const anyMatch = (a: string): boolean => values.some((v) => compare(base, v, a));

  if (setPrefix === 'ForAllValues') {
    if (actual === undefined || actual.length === 0) return true;
    return actual.every((a) => (negated ? !anyMatch(a) : anyMatch(a)));
  }
  if (setPrefix === 'ForAnyValue') {
    if (actual === undefined) return false;
    return actual.some((a) => (negated ? !anyMatch(a) : anyMatch(a)));
  }
  if (actual === undefined) return ifExists || negated;
  if (actual.length !== 1) throw new Error(`condition key ${key} is multivalued here: use ForAllValues/ForAnyValue with ${operator}`);
  const hit = anyMatch(actual[0] ?? '');
  return negated ? !hit : hit;
}

function conditionsHold(s: PolicyStatement, context: IamRequest['context']): boolean {
  return Object.entries(s.Condition ?? {}).every(([operator, block]) =>
    Object.entries(block).every(([key, values]) => conditionHolds(operator, key, values, context)),
  );
}

/** Decides one request against a role's statements (explicit deny > allow > implicit deny). */
export function evaluateIam(statements: readonly PolicyStatement[], request: IamRequest): IamDecision {
  const applicable = statements.filter(
    (s) => matchesAction(s, request.action) && matchesResource(s, request.resource) && conditionsHold(s, request.context),
  );
  const deny = applicable.find((s) => s.Effect === 'Deny');
  if (deny) return { decision: 'explicit-deny', statement: deny };
  const allow = applicable.find((s) => s.Effect === 'Allow');
  return allow ? { decision: 'allow', statement: allow } : { decision: 'implicit-deny' };
}
