import type { OrgConfig } from '../../org/index.js';
import { ROLE_IDS } from '../../org/index.js';
import { PRODUCTION_ENVIRONMENTS } from '../../org/conventions.js';
import { DEMO_HISTORY_WEEKS, DEMO_SEED, countWithMean, demoPeople, maturityAt, seedFor, seededRandom } from '../demo/profile.js';
import { GithubWorld, ghTime } from './world.js';

// The demo organisation's GitHub history. One stream of random numbers per repo (seedFor) keeps each repo's
// history stable when another repo's rules change. Volumes stay modest so a full demo sync takes seconds.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Which unit's maturity drives a repo, and whose people work in it. */
interface RepoPlan {
  fullName: string;
  unitRef: string;
  /** Pod ids whose members author pull requests here. */
  contributors: string[];
  /** Pod ids whose members may review from outside the authoring pod (cross-pod collaboration). */
  crossReviewers: string[];
  shared: boolean;
}

/** Every pod id with the domain and networks it belongs to. */
function podIndex(org: OrgConfig): Map<string, { domain: string; networks: string[]; size: number }> {
  const out = new Map<string, { domain: string; networks: string[]; size: number }>();
  for (const d of org.domains) {
    for (const p of d.pods) {
      const size = ROLE_IDS.reduce((n, r) => n + (p.roles[r] ?? 0), 0);
      out.set(p.id, { domain: d.id, networks: org.networks.filter((n) => n.members.includes(p.id)).map((n) => n.id), size });
    }
  }
  return out;
}

function planRepos(org: OrgConfig): RepoPlan[] {
  const pods = podIndex(org);
  const allPods = [...pods.keys()];
  const plans = new Map<string, RepoPlan>();
  const add = (fullName: string, plan: Omit<RepoPlan, 'fullName'>): void => {
    if (!plans.has(fullName)) plans.set(fullName, { fullName, ...plan });
  };
  for (const d of org.domains) {
    const domainPods = d.pods.map((p) => p.id);
    for (const p of d.pods) {
      const neighbours = new Set<string>(domainPods);
      for (const n of org.networks) if (n.members.includes(p.id)) n.members.forEach((m) => neighbours.add(m));
      neighbours.delete(p.id);
      for (const repo of p.sources.github?.repos ?? []) {
        add(repo, { unitRef: `pod:${p.id}`, contributors: [p.id], crossReviewers: [...neighbours], shared: false });
      }
    }
    for (const repo of d.sources.github?.repos ?? []) {
      add(repo, { unitRef: `domain:${d.id}`, contributors: domainPods, crossReviewers: domainPods, shared: true });
    }
  }
  for (const n of org.networks) {
    for (const repo of n.sources.github?.repos ?? []) {
      add(repo, { unitRef: `network:${n.id}`, contributors: n.members, crossReviewers: n.members, shared: true });
    }
  }
  for (const l of org.labs) {
    for (const repo of l.sources.github?.repos ?? []) {
      add(repo, { unitRef: `lab:${l.id}`, contributors: allPods, crossReviewers: allPods, shared: true });
    }
  }
  for (const repo of org.steering?.sources.github?.repos ?? []) {
    add(repo, { unitRef: 'steering', contributors: allPods, crossReviewers: allPods, shared: true });
  }
  return [...plans.values()];
}

/** Builds the demo GitHub world for `weeks` weeks ending at `anchor`; the same inputs give the same world. */
export function generateGithubWorld(org: OrgConfig, anchor: Date, weeks: number = DEMO_HISTORY_WEEKS, seed: number = DEMO_SEED): GithubWorld {
  const orgName = org.sources.github?.org ?? 'acme';
  const world = new GithubWorld(orgName);
  const pods = podIndex(org);
  const roster = new Map<string, string[]>();
  for (const [podId, info] of pods) {
    roster.set(podId, demoPeople(podId, info.size).map((p) => world.addPerson({ login: p.login, name: p.name, email: p.email, homePod: podId }).login));
  }
  world.addPerson({ login: 'github-actions[bot]', name: 'github-actions[bot]', email: 'actions@github.example', homePod: '' });

  const start = anchor.getTime() - weeks * 7 * DAY;
  const plans = planRepos(org);
  for (const plan of plans) {
    world.addRepo(plan.fullName, ghTime(start - 30 * DAY));
  }
  for (const d of org.domains) {
    for (const p of d.pods) {
      const teamRepos = p.sources.github?.repos ?? [];
      if (p.sources.github?.team) world.teams.set(p.sources.github.team, [...teamRepos]);
    }
  }

  for (const plan of plans) {
    const rand = seededRandom(seedFor(seed, `github:${plan.fullName}`));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const peopleOf = (podIds: readonly string[]): string[] => podIds.flatMap((id) => roster.get(id) ?? []);
    const authors = peopleOf(plan.contributors);
    if (authors.length === 0) continue;
    let releaseMinor = 0;
    for (let week = 0; week < weeks; week++) {
      const m = maturityAt(plan.unitRef, week, weeks);
      if (m <= 0) continue;
      const weekStart = start + week * 7 * DAY;
      const prMean = plan.shared ? 0.5 + 1.5 * m : 2 + 3.5 * m;
      const prCount = Math.min(15, Math.max(plan.shared ? 0 : 2, countWithMean(rand, prMean)));
      // GitHub numbers pull requests in the order they are opened.
      const openTimes = Array.from({ length: prCount }, () => weekStart + rand() * 7 * DAY).sort((a, b) => a - b);
      for (const created of openTimes) {
        if (created >= anchor.getTime()) continue;
        const author = pick(authors);
        const authorPod = world.people.get(author)?.homePod ?? '';
        // Every fifth pull request comes from the author's fork (its login then shows in head.label and head.repo).
        const fromFork = world.repo(plan.fullName).pulls.length % 5 === 4;
        const pr = world.addPull(plan.fullName, { author, createdAt: ghTime(created), draft: rand() < 0.05, fromFork });
        // A fork's pull request runs CI on the fork's head commit: the run's head_repository is the author's fork
        // (a real person's login in head_repository.*, as REALITY.md lists). No random draw, so the demo is unchanged.
        if (fromFork && created + 10 * 60_000 < anchor.getTime()) {
          world.addRun(plan.fullName, {
            name: 'CI', event: 'pull_request', conclusion: 'success', head_sha: pr.head_sha,
            created_at: ghTime(created + 2 * 60_000), updated_at: ghTime(created + 10 * 60_000), actor: author, fromFork: true,
          });
        }
        // Review latency and lead time shrink as the unit matures.
        const reviewAt = created + (2 + 46 * (1 - m)) * (0.5 + rand()) * HOUR;
        const crossPod = rand() < 0.1 + 0.4 * m;
        const reviewerPool = crossPod
          ? peopleOf(plan.crossReviewers.filter((x) => x !== authorPod))
          : (roster.get(authorPod) ?? []).filter((x) => x !== author);
        const reviewer = reviewerPool.length ? pick(reviewerPool) : null;
        if (reviewer && reviewAt < anchor.getTime()) {
          const first = rand() < 0.2 ? 'CHANGES_REQUESTED' : 'APPROVED';
          world.addReview(plan.fullName, pr.number, { reviewer, submittedAt: ghTime(reviewAt), state: first });
          if (first === 'CHANGES_REQUESTED') {
            const again = reviewAt + (1 + 10 * rand()) * HOUR;
            if (again < anchor.getTime()) world.addReview(plan.fullName, pr.number, { reviewer, submittedAt: ghTime(again), state: 'APPROVED' });
          }
        }
        const leadHours = (6 + 90 * (1 - m)) * (0.5 + rand());
        const closeAt = Math.max(reviewAt + HOUR, created + leadHours * HOUR);
        if (closeAt < anchor.getTime() && !pr.draft) {
          const merged = rand() > 0.08;
          world.closePull(plan.fullName, pr.number, { at: ghTime(closeAt), merged });
          if (merged) {
            world.addRun(plan.fullName, {
              name: 'CI', event: 'push', conclusion: rand() < 0.2 - 0.15 * m ? 'failure' : 'success',
              head_sha: pr.merge_commit_sha as string, created_at: ghTime(closeAt + 60_000), updated_at: ghTime(closeAt + 9 * 60_000), actor: author,
            });
          }
        }
      }
      // A few direct pushes (docs, config) per week.
      const pushes = countWithMean(rand, 1 + m);
      for (let i = 0; i < pushes; i++) {
        const at = weekStart + rand() * 7 * DAY;
        if (at < anchor.getTime()) world.addCommit(plan.fullName, { author: pick(authors), date: ghTime(at) });
      }
      // Scheduled training pipelines appear once a pod is mature enough to automate them.
      if (!plan.shared && m >= 0.45) {
        const trains = Math.round(1 + 3 * m);
        for (let i = 0; i < trains; i++) {
          const at = weekStart + ((i + 0.1) * 7 * DAY) / trains;
          if (at >= anchor.getTime()) continue;
          world.addRun(plan.fullName, {
            name: 'train-model', event: 'schedule', conclusion: rand() < 0.1 ? 'failure' : 'success',
            head_sha: world.repo(plan.fullName).commits.at(-1)?.sha ?? '0'.repeat(40),
            created_at: ghTime(at), updated_at: ghTime(at + 40 * 60_000), actor: 'github-actions[bot]',
          });
        }
      }
      // Production deployments: frequency and change failure rate follow maturity; failures get restored.
      const deployMean = plan.shared ? 0.1 + 0.6 * m : 0.3 + 2.2 * m;
      const deploys = countWithMean(rand, deployMean);
      const env = PRODUCTION_ENVIRONMENTS[0];
      for (let i = 0; i < deploys; i++) {
        const at = weekStart + rand() * 7 * DAY;
        if (at >= anchor.getTime()) continue;
        const by = pick(authors);
        const d = world.addDeployment(plan.fullName, { by, createdAt: ghTime(at), environment: env });
        world.addDeploymentStatus(plan.fullName, d.id, { state: 'in_progress', at: ghTime(at + 60_000) });
        const failed = rand() < 0.35 - 0.3 * m;
        const doneAt = at + (5 + 25 * rand()) * 60_000;
        world.addDeploymentStatus(plan.fullName, d.id, { state: failed ? 'failure' : 'success', at: ghTime(doneAt) });
        if (failed) {
          const restoreAt = doneAt + (1 + 40 * (1 - m)) * (0.5 + rand()) * HOUR;
          if (restoreAt < anchor.getTime()) {
            const r = world.addDeployment(plan.fullName, { by, createdAt: ghTime(restoreAt), environment: env });
            world.addDeploymentStatus(plan.fullName, r.id, { state: 'success', at: ghTime(restoreAt + 10 * 60_000) });
          }
        }
      }
      if (rand() < 0.1 + 0.3 * m) {
        const staging = weekStart + rand() * 7 * DAY;
        if (staging < anchor.getTime()) {
          const s = world.addDeployment(plan.fullName, { by: pick(authors), createdAt: ghTime(staging), environment: 'staging' });
          world.addDeploymentStatus(plan.fullName, s.id, { state: 'success', at: ghTime(staging + 5 * 60_000) });
        }
      }
      if (rand() < 0.15 + 0.35 * m) {
        const at = weekStart + rand() * 7 * DAY;
        if (at < anchor.getTime()) {
          releaseMinor += 1;
          world.addRelease(plan.fullName, { by: pick(authors), at: ghTime(at), tag: `v1.${releaseMinor}.0`, prerelease: rand() < 0.1 });
        }
      }
    }
  }
  // Generation appends out of order (restores, reviews); GitHub serves each list in time order.
  for (const repo of world.repos.values()) {
    repo.commits.sort((a, b) => a.date.localeCompare(b.date) || a.sha.localeCompare(b.sha));
    repo.events.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
    repo.deployments.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
    const last = [repo.commits.at(-1)?.date, repo.pulls.at(-1)?.updated_at].filter((x): x is string => !!x).sort().at(-1);
    if (last) repo.updated_at = last;
  }
  return world;
}
