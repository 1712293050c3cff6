import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigProblem } from '../../../shared/kernel/index.js';
import { listBindings, listUnits, parseOrgConfig } from '../../../shared/org/index.js';

const fixtures = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));
const demoFile = fileURLToPath(new URL('../../../shared/sandbox/demo-org.yaml', import.meta.url));
const fixtureText = (name: string): string => readFileSync(`${fixtures}${name}`, 'utf8');

/** The problem lines parseOrgConfig reports for a text, as `radar validate` prints them. */
function problemLines(text: string, file: string): string[] {
  try {
    parseOrgConfig(text, file);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatConfigProblem);
    throw err;
  }
  throw new Error(`${file} unexpectedly validated`);
}
const fixtureProblems = (name: string): string[] => problemLines(fixtureText(name), name);

const SECRET = 'ghp_Zx81Qm2Lw9Pt4Ks7Vb3Nc6Hd0Jf5Ra1Ye8Uo';

describe('parseOrgConfig on valid configs', () => {
  it('accepts the demo organisation with its 13 pods and 67 bindings (org-level MLflow registry and Copilot bindings)', () => {
    const org = parseOrgConfig(readFileSync(demoFile, 'utf8'), 'demo-org.yaml');
    expect(listUnits(org).filter((u) => u.kind === 'pod')).toHaveLength(13);
    expect(listBindings(org)).toHaveLength(67);
  });

  it('fills in schema defaults such as settings and empty pod sources', () => {
    const org = parseOrgConfig(fixtureText('valid-minimal.yaml'), 'valid-minimal.yaml');
    expect(org.settings).toEqual({ maxConcurrency: 8, historyDays: 400 });
    expect(org.domains[0]?.pods[1]?.sources).toEqual({});
    expect(org.rubric).toBe('default');
  });

  it('returns a deeply frozen config', () => {
    const org = parseOrgConfig(fixtureText('valid-minimal.yaml'), 'valid-minimal.yaml');
    expect(Object.isFrozen(org)).toBe(true);
    expect(Object.isFrozen(org.domains[0]?.pods[0]?.roles)).toBe(true);
    expect(() => {
      (org.domains as unknown[]).push({});
    }).toThrow(TypeError);
  });
});

describe('parseOrgConfig problem lines (FILE:LINE:COL path: reason)', () => {
  it('reports a YAML syntax error at the position the YAML parser gives', () => {
    expect(fixtureProblems('yaml-syntax.yaml')).toEqual([
      'yaml-syntax.yaml:20:11 (yaml): YAML syntax error: Nested mappings are not allowed in compact mappings',
    ]);
  });

  it('reports a missing required field at the mapping that should hold it', () => {
    expect(fixtureProblems('missing-field.yaml')).toEqual([
      'missing-field.yaml:28:9 domains.0.pods.1.name: missing required field `name`',
    ]);
  });

  it('reports a value of the wrong type at the value', () => {
    expect(fixtureProblems('wrong-type.yaml')).toEqual([
      'wrong-type.yaml:30:33 domains.0.pods.1.roles.dataScientist: expected a number, got text',
    ]);
  });

  it('reports an unknown key at the key with a did-you-mean hint, instead of also reporting the field as missing', () => {
    expect(fixtureProblems('unknown-key.yaml')).toEqual([
      'unknown-key.yaml:23:9 domains.0.pods.0.nmae: unknown key `nmae`; did you mean `name`?',
    ]);
  });

  it('reports a duplicate domain id at the second occurrence and names the line of the first', () => {
    expect(fixtureProblems('duplicate-domain-id.yaml')).toEqual([
      'duplicate-domain-id.yaml:31:9 domains.1.id: duplicate domain id `growth`; first defined at line 19',
    ]);
  });

  it('reports a duplicate pod id within one domain', () => {
    expect(fixtureProblems('duplicate-pod-id.yaml')).toEqual([
      'duplicate-pod-id.yaml:31:13 domains.0.pods.2.id: duplicate pod id `recsys`; first defined at line 22',
    ]);
  });

  it('reports a pod listed under two domains', () => {
    expect(fixtureProblems('pod-in-two-domains.yaml')).toEqual([
      'pod-in-two-domains.yaml:34:13 domains.1.pods.0.id: pod `churn` is listed in two domains, `growth` and ' +
        '`retention`; a pod belongs to exactly one domain (use a capability network to share it); first defined at line 28',
    ]);
  });

  it('reports a network member that is not a known pod with the closest pod id', () => {
    expect(fixtureProblems('unknown-network-member.yaml')).toEqual([
      'unknown-network-member.yaml:34:23 networks.0.members.1: `chrun` is not a known pod; did you mean `churn`?',
    ]);
  });

  it('reports a credential key written inline and asks for an environment variable name', () => {
    expect(fixtureProblems('inline-credential.yaml')).toEqual([
      'inline-credential.yaml:17:7 sources.github.auth.token: `token` puts a credential in the config file: ' +
        'give the NAME of an environment variable in `tokenEnv`, never the secret itself',
    ]);
  });

  it('reports a secret pasted into an *Env field', () => {
    expect(fixtureProblems('secret-in-env.yaml')).toEqual([
      'secret-in-env.yaml:17:17 sources.github.auth.tokenEnv: `tokenEnv` looks like a secret, not an environment ' +
        'variable name: give the NAME of an environment variable in `tokenEnv`, never the secret itself',
    ]);
  });

  it('reports credentials written into a base URL', () => {
    expect(fixtureProblems('credentials-in-base-url.yaml')).toEqual([
      'credentials-in-base-url.yaml:7:14 sources.jira.baseUrl: the URL carries credentials; remove them and, ' +
        'under `auth`, give the NAME of an environment variable in `tokenEnv`, never the secret itself',
    ]);
  });

  it('reports a unit binding to a source that is not configured under top-level sources', () => {
    expect(fixtureProblems('unconfigured-source.yaml')).toEqual([
      'unconfigured-source.yaml:28:11 domains.0.pods.0.sources.mlflow: binds `mlflow`, but `mlflow` is not ' +
        'configured under top-level `sources` (add its baseUrl and auth there)',
    ]);
  });

  it('reports an empty file as a root that is not a mapping', () => {
    expect(fixtureProblems('empty.yaml')).toEqual([
      'empty.yaml:1:1 (root): the file must be a YAML mapping with `organisation`, `sources` and `domains`, got an empty value',
    ]);
  });

  it('reports every problem of a file with several, sorted by line', () => {
    expect(fixtureProblems('several-problems.yaml')).toEqual([
      'several-problems.yaml:3:3 organisation.name: missing required field `name`',
      'several-problems.yaml:12:3 settings.maxConcurency: unknown key `maxConcurency`; did you mean `maxConcurrency`?',
      'several-problems.yaml:21:11 domains.0.pods.0.sources.jira: binds `jira`, but `jira` is not configured under ' +
        'top-level `sources` (add its baseUrl and auth there)',
      'several-problems.yaml:26:23 networks.0.members.1: `search` is not a known pod; network members are pod ids ' +
        'from `domains[].pods[].id`',
    ]);
  });
});

describe('parseOrgConfig and secrets', () => {
  it('never repeats an inline token in its problems', () => {
    const text = JSON.stringify(fixtureProblems('inline-credential.yaml'));
    expect(text).not.toContain(SECRET);
  });

  it('never repeats a token pasted into an *Env field in its problems', () => {
    const text = JSON.stringify(fixtureProblems('secret-in-env.yaml'));
    expect(text).not.toContain(SECRET);
  });

  it('never repeats the password of a base URL in its problems or error message', () => {
    let message = '';
    try {
      parseOrgConfig(fixtureText('credentials-in-base-url.yaml'), 'c.yaml');
    } catch (err) {
      message = err instanceof Error ? `${err.message} ${JSON.stringify(err)}` : String(err);
    }
    expect(message).not.toBe('');
    expect(message).not.toContain('Pa55w0rd');
    expect(JSON.stringify(fixtureProblems('credentials-in-base-url.yaml'))).not.toContain('Pa55w0rd');
  });
});

describe('parseOrgConfig and secrets on broken YAML', () => {
  it('never repeats the line of a YAML syntax error, which may hold a secret', () => {
    const text = `organisation:\n  id: acme\nsources:\n  github:\n    auth:\n      token: "${SECRET}\n`;
    const lines = problemLines(text, 's.yaml');
    expect(lines).toEqual(['s.yaml:7:1 (yaml): YAML syntax error: Missing closing "quote']);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});

describe('parseOrgConfig edge cases', () => {
  const base = fixtureText('valid-minimal.yaml');

  it('still reports a wrong value of a field when a typo of that field is also present', () => {
    const text = base.replace('    name: MLOps\n', '    name: 42\n    nmae: MLOps\n');
    expect(problemLines(text, 'x.yaml')).toEqual([
      'x.yaml:33:11 networks.0.name: expected text, got a number',
      'x.yaml:34:5 networks.0.nmae: unknown key `nmae`; did you mean `name`?',
    ]);
  });

  it('names the one allowed auth kind when the kind is misspelt', () => {
    const text = base.replace('      kind: token\n', '      kind: tokn\n');
    expect(problemLines(text, 'x.yaml')).toEqual(['x.yaml:16:13 sources.github.auth.kind: must be `token`']);
  });

  it('suggests the closest of several auth kinds when the kind is misspelt', () => {
    const text = base.replace(
      'domains:\n',
      '  mlflow:\n    baseUrl: https://mlflow.acme.dev\n    auth:\n      kind: bearr\n      tokenEnv: RADAR_MLFLOW_TOKEN\ndomains:\n',
    );
    expect(problemLines(text, 'x.yaml')).toEqual([
      'x.yaml:21:13 sources.mlflow.auth.kind: must be one of `none`, `basic`, `bearer`; did you mean `bearer`?',
    ]);
  });

  it('reports a missing auth kind with the kinds to choose from', () => {
    const text = base.replace(
      'domains:\n',
      '  mlflow:\n    baseUrl: https://mlflow.acme.dev\n    auth:\n      tokenEnv: RADAR_MLFLOW_TOKEN\ndomains:\n',
    );
    expect(problemLines(text, 'x.yaml')).toEqual([
      'x.yaml:21:7 sources.mlflow.auth.kind: missing required field `kind` (one of `none`, `basic`, `bearer`)',
    ]);
  });

  it('lists the allowed keys when an unknown key resembles none of them', () => {
    const text = base.replace('  - id: genai\n', '  - id: genai\n    colour: blue\n');
    expect(problemLines(text, 'x.yaml')).toEqual([
      'x.yaml:37:5 labs.0.colour: unknown key `colour`; allowed here: `id`, `name`, `description`, `since`, `sources`',
    ]);
  });

  it('points an empty value at its key', () => {
    const text = base.replace('    name: Generative AI\n', '    name:\n');
    expect(problemLines(text, 'x.yaml')).toEqual(['x.yaml:37:5 labs.0.name: expected text, got an empty value']);
  });

  it('rejects a lab start date that is not a calendar date', () => {
    const text = base.replace('    name: Generative AI\n', '    name: Generative AI\n    since: 2025-13-01\n');
    expect(problemLines(text, 'x.yaml')).toEqual(['x.yaml:38:12 labs.0.since: must be a date written YYYY-MM-DD']);
  });

  it('throws a ConfigError whose problems carry file, line, column, path and reason', () => {
    expect(() => parseOrgConfig(fixtureText('missing-field.yaml'), 'm.yaml')).toThrow(ConfigError);
    try {
      parseOrgConfig(fixtureText('missing-field.yaml'), 'm.yaml');
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        { file: 'm.yaml', line: 28, col: 9, path: 'domains.0.pods.1.name', reason: 'missing required field `name`' },
      ]);
    }
  });
});
