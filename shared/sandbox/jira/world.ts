import { RadarError } from '../../kernel/index.js';

// The Jira sandbox's data: projects, issues with their status histories, boards and sprints. The generator fills
// it, the hono app serves it, and tests change one thing at a time through the small helpers below.

/** A person as Jira Cloud shows one (the connector must never keep displayName or emailAddress). */
export interface JiraPerson {
  accountId: string;
  displayName: string;
  emailAddress: string;
}

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';
export type JiraStatusName = 'To Do' | 'In Progress' | 'In Review' | 'Done';
export type JiraIssueTypeName = 'Epic' | 'Story' | 'Task' | 'Bug' | 'Sub-task';

/** Jira's default software workflow statuses (ids as on a fresh Cloud site). */
export const JIRA_STATUSES: Readonly<Record<JiraStatusName, { id: string; category: StatusCategoryKey }>> = {
  'To Do': { id: '10000', category: 'new' },
  'In Progress': { id: '3', category: 'indeterminate' },
  'In Review': { id: '10002', category: 'indeterminate' },
  Done: { id: '10001', category: 'done' },
};

/** The three status categories with Jira's fixed ids, names and colours. */
export const JIRA_STATUS_CATEGORIES: Readonly<Record<StatusCategoryKey, { id: number; name: string; colorName: string }>> = {
  new: { id: 2, name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, name: 'Done', colorName: 'green' },
};

export const JIRA_ISSUE_TYPES: Readonly<Record<JiraIssueTypeName, { id: string; hierarchyLevel: number; subtask: boolean }>> = {
  Epic: { id: '10000', hierarchyLevel: 1, subtask: false },
  Story: { id: '10001', hierarchyLevel: 0, subtask: false },
  Task: { id: '10002', hierarchyLevel: 0, subtask: false },
  Bug: { id: '10003', hierarchyLevel: 0, subtask: false },
  'Sub-task': { id: '10004', hierarchyLevel: -1, subtask: true },
};

export interface JiraChangeItem {
  field: string;
  fieldtype: string;
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
  /** User fields (assignee, reporter…) repeat the account ids here (Atlassian's ChangeDetails model). */
  tmpFromAccountId?: string | null;
  tmpToAccountId?: string | null;
}

export interface JiraHistory {
  id: string;
  /** Epoch ms. */
  created: number;
  author: JiraPerson;
  items: JiraChangeItem[];
  /** Set when an app or automation acted for a person: its description names them ("on behalf of accountId=…"). */
  historyMetadata?: { type: string; description: string; actor?: { id: string; displayName: string; type: string } };
}

/** How the site names a status: its own id and a name in the site's language (e.g. 已完成 for done). */
export interface SiteStatus {
  id: string;
  name: string;
}

export interface JiraIssue {
  id: string;
  key: string;
  projectKey: string;
  type: JiraIssueTypeName;
  summary: string;
  labels: string[];
  /** Project component names (Jira's `components` field). */
  components: string[];
  /** Epoch ms. */
  created: number;
  updated: number;
  resolved: number | null;
  status: JiraStatusName;
  statusCategoryChanged: number;
  parentKey: string | null;
  assignee: JiraPerson | null;
  reporter: JiraPerson;
  /** Oldest first. */
  histories: JiraHistory[];
}

export interface JiraProject {
  id: string;
  key: string;
  name: string;
  /** The unit whose binding names this project (for the generator; Jira itself knows nothing of units). */
  unit: string;
}

export interface JiraBoard {
  id: number;
  name: string;
  type: 'scrum' | 'kanban';
  projectKey: string;
}

export interface JiraSprint {
  id: number;
  boardId: number;
  name: string;
  state: 'closed' | 'active' | 'future';
  startDate: number | null;
  endDate: number | null;
  completeDate: number | null;
  createdDate: number;
  /** Null when the board set none (Jira then serves `goal: null`, or leaves it out on future sprints). */
  goal: string | null;
}

/** Input of `addIssue`; anything omitted gets a plain default. */
export interface NewIssue {
  projectKey: string;
  type?: JiraIssueTypeName;
  summary?: string;
  labels?: string[];
  components?: string[];
  created?: Date;
  parentKey?: string | null;
  reporter?: JiraPerson;
  assignee?: JiraPerson | null;
}

const SYSTEM_PERSON: JiraPerson = {
  accountId: '557058:f0000000-0000-0000-0000-000000000001',
  displayName: 'Automation for Jira',
  emailAddress: 'automation@acme.example',
};

/** A test or generator asked the sandbox world for something it does not hold. */
export class SandboxDataError extends RadarError {}

/** Formats epoch ms the way Jira Cloud does: `2024-05-01T10:20:30.123+0000`. */
export function jiraTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** The mutable Jira data set one sandbox serves. */
export class JiraWorld {
  readonly projects = new Map<string, JiraProject>();
  /** By key; insertion order is creation order. */
  readonly issues = new Map<string, JiraIssue>();
  readonly boards: JiraBoard[] = [];
  readonly sprints: JiraSprint[] = [];
  /** Every request the app received, with whether it carried valid credentials (tests assert on it). */
  readonly requestLog: { method: string; path: string; authorised: boolean }[] = [];
  /** The sandbox's "now" for relative JQL dates (`-7d`) and for edits without a time. */
  clock: () => Date;
  /**
   * Search index lag (ms): an issue whose last update is younger than this (by the clock) is not yet visible to
   * search, as on Jira Cloud where "the delay might vary from a few seconds to minutes". 0 = indexed at once.
   */
  indexLagMs = 0;
  /**
   * The site's own statuses: id and name per workflow status, in the site's language. Defaults to a fresh English
   * site; `localiseStatuses` gives a site in another language with its own ids.
   */
  siteStatuses: Record<JiraStatusName, SiteStatus> = {
    'To Do': { id: JIRA_STATUSES['To Do'].id, name: 'To Do' },
    'In Progress': { id: JIRA_STATUSES['In Progress'].id, name: 'In Progress' },
    'In Review': { id: JIRA_STATUSES['In Review'].id, name: 'In Review' },
    Done: { id: JIRA_STATUSES.Done.id, name: 'Done' },
  };
  private nextIssueId = 10001;
  private nextHistoryId = 20001;
  private readonly nextNumber = new Map<string, number>();

  constructor(clock: () => Date = () => new Date()) {
    this.clock = clock;
  }

  /** Registers a project (idempotent by key). */
  addProject(key: string, name: string, unit: string): JiraProject {
    const existing = this.projects.get(key);
    if (existing) return existing;
    const p: JiraProject = { id: String(10000 + this.projects.size), key, name, unit };
    this.projects.set(key, p);
    return p;
  }

  /** Creates an issue in status To Do and returns it. */
  addIssue(input: NewIssue): JiraIssue {
    if (!this.projects.has(input.projectKey)) this.addProject(input.projectKey, input.projectKey, 'unknown');
    const n = (this.nextNumber.get(input.projectKey) ?? 0) + 1;
    this.nextNumber.set(input.projectKey, n);
    const created = (input.created ?? this.clock()).getTime();
    const issue: JiraIssue = {
      id: String(this.nextIssueId++),
      key: `${input.projectKey}-${n}`,
      projectKey: input.projectKey,
      type: input.type ?? 'Story',
      summary: input.summary ?? 'Untitled work item',
      labels: [...(input.labels ?? [])],
      components: [...(input.components ?? [])],
      created,
      updated: created,
      resolved: null,
      status: 'To Do',
      statusCategoryChanged: created,
      parentKey: input.parentKey ?? null,
      assignee: input.assignee ?? null,
      reporter: input.reporter ?? SYSTEM_PERSON,
      histories: [],
    };
    this.issues.set(issue.key, issue);
    return issue;
  }

  /** Moves an issue to a status at a time, recording the changelog entry the way Jira does. */
  transition(key: string, to: JiraStatusName, at: Date, author: JiraPerson = SYSTEM_PERSON): JiraIssue {
    const issue = this.mustGet(key);
    if (issue.status === to) return issue;
    const from = issue.status;
    const ms = at.getTime();
    issue.histories.push({
      id: String(this.nextHistoryId++),
      created: ms,
      author,
      items: [
        {
          field: 'status',
          fieldtype: 'jira',
          fieldId: 'status',
          from: JIRA_STATUSES[from].id,
          fromString: from,
          to: JIRA_STATUSES[to].id,
          toString: to,
        },
      ],
    });
    if (JIRA_STATUSES[from].category !== JIRA_STATUSES[to].category) issue.statusCategoryChanged = ms;
    issue.status = to;
    issue.resolved = JIRA_STATUSES[to].category === 'done' ? ms : null;
    issue.updated = Math.max(issue.updated, ms);
    return issue;
  }

  /** Changes labels and/or status of an issue at `at` (default: the clock), as a user edit would. */
  updateIssue(key: string, patch: { labels?: string[]; status?: JiraStatusName; summary?: string; at?: Date }): JiraIssue {
    const issue = this.mustGet(key);
    const at = patch.at ?? this.clock();
    if (patch.labels) {
      issue.histories.push({
        id: String(this.nextHistoryId++),
        created: at.getTime(),
        author: SYSTEM_PERSON,
        items: [
          {
            field: 'labels',
            fieldtype: 'jira',
            fieldId: 'labels',
            from: null,
            fromString: issue.labels.join(' '),
            to: null,
            toString: patch.labels.join(' '),
          },
        ],
      });
      issue.labels = [...patch.labels];
    }
    if (patch.summary !== undefined) issue.summary = patch.summary;
    if (patch.status) this.transition(key, patch.status, at);
    issue.updated = Math.max(issue.updated, at.getTime());
    return issue;
  }

  /** Serves the workflow's statuses under other ids and names (a site in another language, custom statuses). */
  localiseStatuses(statuses: Partial<Record<JiraStatusName, SiteStatus>>): void {
    this.siteStatuses = { ...this.siteStatuses, ...statuses };
  }

  /** The site status a stored (canonical) status id stands for. */
  siteStatusById(canonicalId: string | null): SiteStatus | null {
    if (canonicalId === null) return null;
    const name = (Object.keys(JIRA_STATUSES) as JiraStatusName[]).find((n) => JIRA_STATUSES[n].id === canonicalId);
    return name === undefined ? null : this.siteStatuses[name];
  }

  /** True when search can see the issue's latest update (see indexLagMs). */
  isIndexed(issue: JiraIssue): boolean {
    return this.indexLagMs === 0 || issue.updated + this.indexLagMs <= this.clock().getTime();
  }

  /**
   * Assigns an issue at `at`, recording the changelog entry as Jira does for a user field (account ids in
   * from/to and tmp*AccountId, display names in fromString/toString). With `onBehalfOf`, the change is made by the
   * automation user for that person, and the history's metadata names them.
   */
  assign(key: string, assignee: JiraPerson | null, at: Date, onBehalfOf?: JiraPerson): JiraIssue {
    const issue = this.mustGet(key);
    const before = issue.assignee;
    const ms = at.getTime();
    issue.histories.push({
      id: String(this.nextHistoryId++),
      created: ms,
      author: onBehalfOf ? SYSTEM_PERSON : (assignee ?? SYSTEM_PERSON),
      items: [
        {
          field: 'assignee',
          fieldtype: 'jira',
          fieldId: 'assignee',
          from: before?.accountId ?? null,
          fromString: before?.displayName ?? null,
          to: assignee?.accountId ?? null,
          toString: assignee?.displayName ?? null,
          tmpFromAccountId: before?.accountId ?? null,
          tmpToAccountId: assignee?.accountId ?? null,
        },
      ],
      ...(onBehalfOf
        ? {
            historyMetadata: {
              type: 'jira.automation',
              description: `Rule executed on behalf of accountId=${onBehalfOf.accountId} (${onBehalfOf.emailAddress})`,
              actor: { id: onBehalfOf.accountId, displayName: onBehalfOf.displayName, type: 'user' },
            },
          }
        : {}),
    });
    issue.assignee = assignee;
    issue.updated = Math.max(issue.updated, ms);
    return issue;
  }

  /** Deletes an issue (Jira keeps no tombstone: it simply stops appearing in searches). */
  deleteIssue(key: string): void {
    this.mustGet(key);
    this.issues.delete(key);
  }

  /** Finds an issue by key or numeric id. */
  findIssue(idOrKey: string): JiraIssue | undefined {
    const byKey = this.issues.get(idOrKey.toUpperCase());
    if (byKey) return byKey;
    for (const i of this.issues.values()) if (i.id === idOrKey) return i;
    return undefined;
  }

  /** Adds a board for a project. */
  addBoard(projectKey: string, type: 'scrum' | 'kanban', name: string): JiraBoard {
    const b: JiraBoard = { id: this.boards.length + 1, name, type, projectKey };
    this.boards.push(b);
    return b;
  }

  /** Adds a sprint to a scrum board. */
  addSprint(s: Omit<JiraSprint, 'id'>): JiraSprint {
    const sprint: JiraSprint = { ...s, id: this.sprints.length + 1 };
    this.sprints.push(sprint);
    return sprint;
  }

  private mustGet(key: string): JiraIssue {
    const issue = this.findIssue(key);
    if (!issue) throw new SandboxDataError({ code: 'SANDBOX_NO_ISSUE', reason: `no issue ${key} in the Jira sandbox` });
    return issue;
  }
}
