import { listUnits, type OrgConfig, type Unit } from '../../org/index.js';
import {
  EXPERIMENT_KINDS,
  LABELS,
  LIFECYCLE_STAGES,
  experimentLabel,
  stageLabel,
  type LifecycleStage,
} from '../../org/conventions.js';
import { countWithMean, demoPeople, maturityAt, seededRandom, seedFor } from '../demo/profile.js';
import type { JiraIssueTypeName, JiraPerson, JiraWorld } from './world.js';

// The demo organisation's Jira history. Every bound project gets weekly work whose volume, labels and speed
// follow the unit's maturity (profile.ts), so the scores the product computes tell the story the demo intends:
// improving pods ship and monitor more and fix feedback faster, networks spread standards and breakthroughs,
// labs hack and prototype, the steering group prioritises and reviews governance.

const DAY = 86_400_000;
const WEEK = 7 * DAY;

interface IssueSpec {
  created: number;
  type: JiraIssueTypeName;
  summary: string;
  labels: string[];
  parentKey: string | null;
  /** Days from creation to work starting, and from start to done; null means it never reaches that state. */
  startAfterDays: number | null;
  doneAfterDays: number | null;
  review: boolean;
  /** Extra In Progress ↔ In Review cycles (rework), which produce long changelogs. */
  reworkLoops: number;
}

interface Breakthrough {
  key: string;
  created: number;
  targets: string[];
}

interface Ctx {
  world: JiraWorld;
  anchor: number;
  weeks: number;
  seed: number;
}

function rosterOf(unit: Unit, org: OrgConfig): JiraPerson[] {
  let size = 4;
  if (unit.kind === 'pod') {
    const pod = org.domains.flatMap((d) => d.pods).find((p) => p.id === unit.id);
    size = pod ? Object.values(pod.roles).reduce((a, b) => a + b, 0) : 4;
  }
  return demoPeople(unit.id, size).map((p) => ({ accountId: p.accountId, displayName: p.name, emailAddress: p.email }));
}

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

function weighted<T>(rand: () => number, items: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((a, b) => a + Math.max(0, b), 0);
  let r = rand() * total;
  for (let i = 0; i < items.length; i++) {
    r -= Math.max(0, weights[i] as number);
    if (r <= 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
}

/** Working-hours time inside week `w`: a weekday between 08:00 and 18:00 UTC. */
function timeInWeek(rand: () => number, weekStart: number): number {
  const day = Math.floor(rand() * 5);
  const minutes = 8 * 60 + Math.floor(rand() * 600);
  return weekStart + day * DAY + minutes * 60_000 + Math.floor(rand() * 60_000);
}

/** Creates the issue and plays its status history forward, never beyond the anchor. */
function materialise(ctx: Ctx, projectKey: string, spec: IssueSpec, roster: JiraPerson[], rand: () => number): string {
  const reporter = pick(rand, roster);
  const assignee = rand() < 0.9 ? pick(rand, roster) : null;
  const startsAt = spec.startAfterDays === null ? null : spec.created + spec.startAfterDays * DAY;
  const startsBeforeAnchor = startsAt !== null && startsAt < ctx.anchor;
  const issue = ctx.world.addIssue({
    projectKey,
    type: spec.type,
    summary: spec.summary,
    labels: spec.labels,
    created: new Date(spec.created),
    parentKey: spec.parentKey,
    reporter,
    // Work that starts is assigned when it starts (a user-field history with account ids and names, made by
    // automation on the reporter's behalf), as on a real site; the final assignee is the same either way.
    assignee: startsBeforeAnchor ? null : assignee,
  });
  const actor = assignee ?? reporter;
  if (spec.startAfterDays === null || startsAt === null) return issue.key;
  let t = startsAt;
  if (t >= ctx.anchor) return issue.key;
  if (assignee !== null) ctx.world.assign(issue.key, assignee, new Date(t), reporter);
  ctx.world.transition(issue.key, 'In Progress', new Date(t), actor);
  if (spec.doneAfterDays === null) return issue.key;
  const doneAt = t + spec.doneAfterDays * DAY;
  const steps = spec.reworkLoops * 2 + (spec.review ? 1 : 0);
  const stepMs = steps > 0 ? (doneAt - t) / (steps + 1) : 0;
  for (let i = 0; i < spec.reworkLoops; i++) {
    t += stepMs;
    if (t >= ctx.anchor) return issue.key;
    ctx.world.transition(issue.key, 'In Review', new Date(t), actor);
    t += stepMs;
    if (t >= ctx.anchor) return issue.key;
    ctx.world.transition(issue.key, 'In Progress', new Date(t), actor);
  }
  if (spec.review) {
    t += stepMs;
    if (t >= ctx.anchor) return issue.key;
    ctx.world.transition(issue.key, 'In Review', new Date(t), actor);
  }
  if (doneAt >= ctx.anchor) return issue.key;
  ctx.world.transition(issue.key, 'Done', new Date(doneAt), actor);
  return issue.key;
}

function spec(partial: Partial<IssueSpec> & Pick<IssueSpec, 'created' | 'summary' | 'labels'>): IssueSpec {
  return {
    type: 'Story',
    parentKey: null,
    startAfterDays: 1,
    doneAfterDays: 5,
    review: false,
    reworkLoops: 0,
    ...partial,
  };
}

/** Fills `world` with the demo organisation's Jira history for `weeks` weeks ending at `anchor`. */
export function generateJiraHistory(world: JiraWorld, org: OrgConfig, anchor: Date, weeks: number, seed: number): void {
  const ctx: Ctx = { world, anchor: anchor.getTime(), weeks, seed };
  const units = listUnits(org).filter((u) => u.sources.jira?.projects !== undefined);
  const weekStart = (w: number): number => ctx.anchor - (weeks - w) * WEEK;
  const m = (ref: string, w: number): number => maturityAt(ref, w, weeks);
  const pods = units.filter((u) => u.kind === 'pod');
  const podIds = org.domains.flatMap((d) => d.pods.map((p) => p.id));

  for (const u of units) {
    for (const key of u.sources.jira?.projects ?? []) world.addProject(key, `${u.name}${u.sources.jira?.projects?.length === 1 ? '' : ` ${key}`}`, u.ref);
    const main = u.sources.jira?.projects?.[0];
    if (main) world.addBoard(main, u.kind === 'pod' ? 'scrum' : 'kanban', `${main} board`);
  }

  // Domains first: pods link their work to the domain's objective epics.
  const objectives = new Map<string, { key: string; created: number }[]>();
  for (const u of units.filter((x) => x.kind === 'domain')) {
    const rand = seededRandom(seedFor(seed, `jira:${u.ref}`));
    const roster = rosterOf(u, org);
    const project = u.sources.jira?.projects?.[0] as string;
    const list: { key: string; created: number }[] = [];
    for (let w = 0; w < weeks; w++) {
      const specs: IssueSpec[] = [];
      const newObjectives = w === 0 ? 3 : w % 13 === 0 ? 1 : 0;
      for (let i = 0; i < newObjectives; i++) {
        specs.push(
          spec({
            created: timeInWeek(rand, weekStart(w)),
            type: 'Epic',
            summary: `Business objective ${list.length + i + 1}`,
            labels: [LABELS.objective],
            startAfterDays: 2,
            doneAfterDays: 90 + Math.floor(rand() * 90),
          }),
        );
      }
      if (rand() < 0.25 + 0.3 * m(u.ref, w)) {
        specs.push(
          spec({
            created: timeInWeek(rand, weekStart(w)),
            type: 'Task',
            summary: 'Offer a shared dataset to the domain pods',
            labels: [LABELS.sharedResource],
            doneAfterDays: 3 + rand() * 10,
          }),
        );
      }
      specs.sort((a, b) => a.created - b.created);
      for (const s of specs) {
        const key = materialise(ctx, project, s, roster, rand);
        if (s.labels.includes(LABELS.objective)) list.push({ key, created: s.created });
      }
    }
    objectives.set(u.ref, list);
  }

  // Networks and labs next: their breakthroughs and prototypes are adopted by pods later.
  const adoptions = new Map<string, { at: number; label: string; stage: LifecycleStage }[]>();
  const scheduleAdoption = (b: Breakthrough, rand: () => number): void => {
    for (const pod of b.targets) {
      const week = Math.min(weeks - 1, Math.max(0, Math.floor((b.created - weekStart(0)) / WEEK)));
      const pm = m(pod, week);
      if (rand() > 0.25 + 0.6 * pm) continue;
      // Mature pods pick breakthroughs up within days; struggling ones take weeks.
      const at = b.created + (2 + rand() * (40 - 34 * pm)) * DAY;
      if (at >= ctx.anchor) continue;
      const list = adoptions.get(pod) ?? [];
      list.push({ at, label: `${LABELS.adoptsPrefix}${b.key}`, stage: 'prototyping' });
      adoptions.set(pod, list);
    }
  };

  for (const u of units.filter((x) => x.kind === 'network')) {
    const rand = seededRandom(seedFor(seed, `jira:${u.ref}`));
    const roster = rosterOf(u, org);
    const project = u.sources.jira?.projects?.[0] as string;
    const net = org.networks.find((n) => n.id === u.id);
    for (let w = 0; w < weeks; w++) {
      const mm = m(u.ref, w);
      const specs: IssueSpec[] = [];
      if (w === 0) {
        for (const st of net?.standards ?? []) {
          specs.push(spec({ created: timeInWeek(rand, weekStart(w)), type: 'Task', summary: `Publish standard: ${st.name}`, labels: [LABELS.guide, `${LABELS.standardPrefix}${st.id}`], doneAfterDays: 10 }));
        }
      }
      const sharing = countWithMean(rand, 0.3 + 1.4 * mm);
      for (let i = 0; i < sharing; i++) {
        const kind = pick(rand, [LABELS.talk, LABELS.guide, LABELS.training] as const);
        specs.push(spec({ created: timeInWeek(rand, weekStart(w)), type: 'Task', summary: `Knowledge sharing: ${kind}`, labels: [kind], startAfterDays: rand() * 3, doneAfterDays: 1 + rand() * 6 }));
      }
      if (rand() < 0.05 + 0.12 * mm) {
        specs.push(spec({ created: timeInWeek(rand, weekStart(w)), summary: 'Technical breakthrough write-up', labels: [LABELS.breakthrough], doneAfterDays: 3 + rand() * 5 }));
      }
      specs.sort((a, b) => a.created - b.created);
      for (const s of specs) {
        const key = materialise(ctx, project, s, roster, rand);
        if (s.labels.includes(LABELS.breakthrough)) scheduleAdoption({ key, created: s.created, targets: (net?.members ?? []).map((p) => `pod:${p}`) }, rand);
      }
    }
  }

  for (const u of units.filter((x) => x.kind === 'lab')) {
    const rand = seededRandom(seedFor(seed, `jira:${u.ref}`));
    const roster = rosterOf(u, org);
    const project = u.sources.jira?.projects?.[0] as string;
    for (let w = 0; w < weeks; w++) {
      const mm = m(u.ref, w);
      if (mm <= 0) continue; // a lab that has not started yet leaves no trace
      const specs: IssueSpec[] = [];
      const at = (): number => timeInWeek(rand, weekStart(w));
      if (rand() < 0.08 + 0.12 * mm) specs.push(spec({ created: at(), type: 'Task', summary: 'Hackathon', labels: [LABELS.hackathon], doneAfterDays: 2 }));
      for (let i = countWithMean(rand, 0.2 + 0.5 * mm); i > 0; i--) specs.push(spec({ created: at(), type: 'Task', summary: 'Tech talk', labels: [LABELS.talk], doneAfterDays: 1 + rand() * 4 }));
      for (let i = countWithMean(rand, 0.2 + 0.6 * mm); i > 0; i--) specs.push(spec({ created: at(), summary: 'Research sharing', labels: [LABELS.research], doneAfterDays: 3 + rand() * 10 }));
      for (let i = countWithMean(rand, 0.1 + 0.4 * mm); i > 0; i--) specs.push(spec({ created: at(), summary: 'Evaluate a new method', labels: [LABELS.methodEvaluation], doneAfterDays: 5 + rand() * 15 }));
      for (let i = countWithMean(rand, 0.2 + 0.8 * mm); i > 0; i--) {
        const labels: string[] = [LABELS.prototype];
        if (rand() < 0.15 + 0.4 * mm) labels.push(`${LABELS.adoptedByPrefix}${pick(rand, podIds)}`);
        specs.push(spec({ created: at(), summary: 'Experimental prototype', labels, doneAfterDays: 5 + rand() * 20 }));
      }
      if (rand() < 0.03 + 0.08 * mm) specs.push(spec({ created: at(), summary: 'Exploratory result worth adopting', labels: [LABELS.breakthrough, LABELS.research], doneAfterDays: 4 }));
      specs.sort((a, b) => a.created - b.created);
      for (const s of specs) {
        const key = materialise(ctx, project, s, roster, rand);
        const adoptedBy = s.labels.find((l) => l.startsWith(LABELS.adoptedByPrefix))?.slice(LABELS.adoptedByPrefix.length);
        if (adoptedBy) scheduleAdoption({ key, created: s.created, targets: [`pod:${adoptedBy}`] }, () => 0);
        if (s.labels.includes(LABELS.breakthrough)) {
          scheduleAdoption({ key, created: s.created, targets: [pick(rand, pods).ref, pick(rand, pods).ref].filter((v, i, a) => a.indexOf(v) === i) }, rand);
        }
      }
    }
  }

  for (const u of pods) {
    const rand = seededRandom(seedFor(seed, `jira:${u.ref}`));
    const roster = rosterOf(u, org);
    const project = u.sources.jira?.projects?.[0] as string;
    const domainObjectives = objectives.get(u.parent ?? '') ?? [];
    const standards = org.networks.filter((n) => n.members.includes(u.id)).flatMap((n) => n.standards.map((s) => s.id));
    const mine = (adoptions.get(u.ref) ?? []).sort((a, b) => a.at - b.at);
    for (let w = 0; w < weeks; w++) {
      const mm = m(u.ref, w);
      const ws = weekStart(w);
      const specs: IssueSpec[] = [];
      const n = countWithMean(rand, 2 + 6 * mm);
      for (let i = 0; i < n; i++) {
        const labels: string[] = [];
        const stage = weighted(rand, LIFECYCLE_STAGES, [1.5 - mm, 1.3 - 0.5 * mm, 1, 0.2 + 1.2 * mm, 0.05 + 1.4 * mm]);
        if (rand() < 0.92) labels.push(stageLabel(stage));
        let type: JiraIssueTypeName = weighted(rand, ['Story', 'Task', 'Bug'] as const, [0.6, 0.28, 0.12]);
        const feedback = rand() < 0.04 + 0.22 * mm;
        if (feedback) {
          labels.push(LABELS.feedback);
          type = 'Bug';
        }
        if (rand() < 0.05 + 0.25 * mm) {
          labels.push(experimentLabel(pick(rand, EXPERIMENT_KINDS)));
          if (rand() < 0.15 + 0.7 * mm) labels.push(LABELS.decisionFromData);
        }
        for (const st of standards) if (rand() < 0.1 * mm) labels.push(`${LABELS.standardPrefix}${st}`);
        const open = domainObjectives.filter((o) => o.created < ws);
        const parentKey = open.length > 0 && rand() < 0.1 + 0.6 * mm ? pick(rand, open).key : null;
        // Feedback-to-fix time shrinks with maturity; so does ordinary cycle time.
        const doneAfterDays = feedback ? (0.2 + rand()) * (14 - 12 * mm) : (0.4 + rand()) * (14 - 9 * mm);
        specs.push(
          spec({
            created: timeInWeek(rand, ws),
            type,
            summary: feedback ? 'Fix issue reported from production feedback' : `Work item (${stage})`,
            labels,
            parentKey,
            startAfterDays: rand() * (6 - 4 * mm),
            doneAfterDays: rand() < 0.04 ? null : doneAfterDays,
            review: rand() < 0.3 + 0.5 * mm,
            reworkLoops: rand() < 0.02 ? 11 + Math.floor(rand() * 5) : 0,
          }),
        );
      }
      for (const a of mine.filter((x) => x.at >= ws && x.at < ws + WEEK)) {
        specs.push(spec({ created: a.at, summary: 'Adopt a shared breakthrough', labels: [stageLabel(a.stage), a.label], doneAfterDays: 2 + rand() * 8 }));
      }
      specs.sort((a, b) => a.created - b.created);
      for (const s of specs) materialise(ctx, project, s, roster, rand);
    }
    // Two-week sprints on the pod's scrum board; mature pods set sprint goals.
    const board = world.boards.find((b) => b.projectKey === project);
    if (board) {
      for (let w = 0; w <= weeks + 2; w += 2) {
        const start = weekStart(w);
        const end = start + 2 * WEEK;
        const state = end <= ctx.anchor ? 'closed' : start <= ctx.anchor ? 'active' : 'future';
        const hasGoal = rand() < 0.2 + 0.7 * m(u.ref, Math.min(w, weeks - 1));
        world.addSprint({
          boardId: board.id,
          name: `${project} Sprint ${w / 2 + 1}`,
          state,
          startDate: state === 'future' ? null : start,
          endDate: state === 'future' ? null : end,
          completeDate: state === 'closed' ? end + 2 * 3_600_000 : null,
          createdDate: start - DAY,
          goal: hasGoal ? 'Ship the next experiment and measure it' : null,
        });
      }
    }
  }

  for (const u of units.filter((x) => x.kind === 'steering')) {
    const rand = seededRandom(seedFor(seed, `jira:${u.ref}`));
    const roster = rosterOf(u, org);
    const project = u.sources.jira?.projects?.[0] as string;
    for (let w = 0; w < weeks; w++) {
      const mm = m(u.ref, w);
      const at = (): number => timeInWeek(rand, weekStart(w));
      const specs: IssueSpec[] = [];
      if (w % 4 === 0 || rand() < 0.1) specs.push(spec({ created: at(), type: 'Epic', summary: 'Set strategic AI priority', labels: [LABELS.priority], doneAfterDays: 10 + rand() * 20 }));
      for (let i = countWithMean(rand, 0.3 + 0.6 * mm); i > 0; i--) {
        specs.push(spec({ created: at(), type: 'Task', summary: 'Resource request (talent, funding or infrastructure)', labels: [LABELS.resourceRequest], startAfterDays: rand() * 5, doneAfterDays: (0.3 + rand()) * (30 - 22 * mm) }));
      }
      for (let i = countWithMean(rand, 0.3 + 0.9 * mm); i > 0; i--) {
        specs.push(spec({ created: at(), type: 'Task', summary: 'Governance review (transparency, fairness, bias)', labels: [LABELS.governanceReview], review: true, doneAfterDays: (0.3 + rand()) * (21 - 14 * mm) }));
      }
      specs.sort((a, b) => a.created - b.created);
      for (const s of specs) materialise(ctx, project, s, roster, rand);
    }
  }
}
