import { validateOrgConfig } from '../../../shared/org/index.js';
import type { OrgConfig } from '../../../shared/org/index.js';

// A generated organisation of any size, shaped like the demo one (pods in domains, capability networks, labs, a
// steering group), so the product's own sandbox generators can fill Jira, GitHub and MLflow with its history.

/** Size knobs of a generated organisation. */
export interface BigOrgShape {
  pods: number;
  /** GitHub repos owned by each pod (the demo has 1; the issue's large org has 5). */
  reposPerPod: number;
  podsPerDomain?: number;
  /** Sandbox base URLs (free ports); the config is validated by the product's own validator. */
  urls?: { jira: string; github: string; mlflow: string };
  maxConcurrency?: number;
  historyDays?: number;
}

const ROLE_MIXES = [
  { mlEngineer: 2, dataScientist: 2, dataEngineer: 1, aiProductManager: 1, domainExpert: 1, uxDesigner: 1, mlopsSpecialist: 1 },
  { mlEngineer: 1, dataScientist: 2, dataEngineer: 1, aiProductManager: 1, domainExpert: 1, uxDesigner: 0, mlopsSpecialist: 0 },
  { mlEngineer: 2, dataScientist: 1, dataEngineer: 2, aiProductManager: 1, domainExpert: 1, uxDesigner: 0, mlopsSpecialist: 1 },
];

function projectKey(prefix: string, n: number): string {
  return `${prefix}${n.toString().padStart(4, '0')}`;
}

/** Builds and validates an organisation config with `shape.pods` pods; throws when the product rejects it. */
export function buildBigOrg(shape: BigOrgShape): OrgConfig {
  const urls = shape.urls ?? { jira: 'http://127.0.0.1:4101', github: 'http://127.0.0.1:4102', mlflow: 'http://127.0.0.1:4103' };
  const perDomain = shape.podsPerDomain ?? 10;
  const podIds = Array.from({ length: shape.pods }, (_, i) => `pod-${i.toString().padStart(4, '0')}`);
  const domains = [];
  for (let d = 0; d * perDomain < shape.pods; d++) {
    const members = podIds.slice(d * perDomain, (d + 1) * perDomain);
    domains.push({
      id: `domain-${d}`,
      name: `Domain ${d}`,
      sources: { jira: { projects: [projectKey('DOM', d)] }, github: { repos: [`acme/domain-${d}-platform`] } },
      pods: members.map((id, k) => {
        const n = d * perDomain + k;
        return {
          id,
          name: `Pod ${n}`,
          roles: ROLE_MIXES[n % ROLE_MIXES.length],
          sources: {
            jira: { projects: [projectKey('POD', n)] },
            github: { repos: Array.from({ length: shape.reposPerPod }, (_, r) => `acme/${id}-r${r}`), team: id },
            // Every seventh pod runs no MLflow (as Pricing Insights in the demo): missing, not low.
            ...(n % 7 === 6 ? {} : { mlflow: { experiments: [id], models: [`${id}-model`] } }),
          },
        };
      }),
    });
  }
  // Four capability networks, each with every fourth pod; three labs; a steering group over the models.
  const networks = ['nlp', 'computer-vision', 'mlops', 'responsible-ai'].map((id, i) => ({
    id,
    name: id,
    members: podIds.filter((_, k) => k % 4 === i),
    standards: [{ id: `${id}-standard`, name: `${id} standard` }],
    sources: { jira: { projects: [projectKey('NET', i)] }, github: { repos: [`acme/${id}-toolkit`] } },
  }));
  const labs = ['generative-ai', 'ai-automation', 'ai-product-design'].map((id, i) => ({
    id,
    name: id,
    sources: { jira: { projects: [projectKey('LAB', i)] }, github: { repos: [`acme/${id}-lab`] }, mlflow: { experiments: [`lab-${id}`] } },
  }));
  const data = {
    organisation: { id: 'bench', name: 'Bench Org' },
    rubric: 'default',
    settings: { maxConcurrency: shape.maxConcurrency ?? 8, historyDays: shape.historyDays ?? 400, actorHashKeyEnv: 'RADAR_ACTOR_HASH_KEY' },
    sources: {
      jira: { baseUrl: urls.jira, auth: { kind: 'basic', emailEnv: 'RADAR_JIRA_EMAIL', tokenEnv: 'RADAR_JIRA_TOKEN' } },
      github: { baseUrl: urls.github, org: 'acme', auth: { kind: 'token', tokenEnv: 'RADAR_GITHUB_TOKEN' } },
      mlflow: { baseUrl: urls.mlflow, auth: { kind: 'basic', usernameEnv: 'RADAR_MLFLOW_USERNAME', passwordEnv: 'RADAR_MLFLOW_PASSWORD' } },
    },
    domains,
    networks,
    labs,
    steering: {
      name: 'Steering',
      sources: {
        jira: { projects: ['STEER'] },
        mlflow: { models: podIds.filter((_, n) => n % 7 !== 6).slice(0, 50).map((id) => `${id}-model`) },
      },
    },
  };
  const checked = validateOrgConfig(data);
  if (!checked.ok) throw new Error(`bench org rejected: ${checked.problems.slice(0, 3).map((p) => `${p.path.join('.')}: ${p.reason}`).join('; ')}`);
  return checked.config;
}

/** The same organisation with its base URLs pointed at running sandboxes. */
export function pointOrgAt(org: OrgConfig, urls: { jira: string; github: string; mlflow: string }): OrgConfig {
  const s = org.sources;
  return {
    ...org,
    sources: {
      ...(s.jira ? { jira: { ...s.jira, baseUrl: urls.jira } } : {}),
      ...(s.github ? { github: { ...s.github, baseUrl: urls.github } } : {}),
      ...(s.mlflow ? { mlflow: { ...s.mlflow, baseUrl: urls.mlflow } } : {}),
    },
  };
}
