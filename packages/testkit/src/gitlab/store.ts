import { createHash, randomBytes } from 'node:crypto';
import { MemberBook } from './member-book';
import type {
  CommitRecord,
  IssueRecord,
  LabelRecord,
  MergeRequestRecord,
  NoteRecord,
  Person,
  ProjectRecord,
  TagRecord,
} from './model';

export const DOUBLE_USER: Person = { id: 1, username: 'automation-bot', name: 'Automation Bot' };

/** GitLab's default label colour when a label is created implicitly (labels / add_labels). */
const DEFAULT_LABEL_COLOR = '#6699cc';

export interface AddCommitInput {
  branch: string;
  message: string;
  /** Files changed in this commit; the tree inherits the parent's other files. */
  files?: Record<string, string>;
  authorName?: string;
  authorEmail?: string;
  /** The commit's sha, e.g. to mirror a real local git commit (default: derived from its content). */
  sha?: string;
}

/** The double's whole state and the rules GitLab applies to it. One per double; nothing module-level. */
export class GitLabStore {
  readonly projects: ProjectRecord[] = [];
  /** Project and group members (members of a group are inherited by the projects under it). */
  readonly members = new MemberBook(() => this.timestamp());
  private nextId = { project: 1, issue: 1, note: 1, mr: 1, label: 1, upload: 1 };
  private commitSeq = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  timestamp(): string {
    return this.now().toISOString();
  }

  /** Numeric id or full path ("group/sub/project"), already URL-decoded. */
  findProject(ref: string | number): ProjectRecord | undefined {
    const text = String(ref);
    if (/^\d+$/.test(text)) return this.projects.find((p) => p.id === Number(text));
    return this.projects.find((p) => p.path === text);
  }

  project(ref: string | number): ProjectRecord {
    const p = this.findProject(ref);
    if (!p) throw new Error(`GitLab double: no project ${String(ref)}`);
    return p;
  }

  addProject(input: { path: string; defaultBranch?: string; name?: string }): ProjectRecord {
    if (this.findProject(input.path)) throw new Error(`GitLab double: project ${input.path} exists`);
    const project: ProjectRecord = {
      id: this.nextId.project++,
      path: input.path,
      name: input.name ?? input.path.split('/').pop() ?? input.path,
      defaultBranch: input.defaultBranch ?? 'main',
      branches: {},
      commits: [],
      tags: [],
      issues: [],
      mergeRequests: [],
      labels: [],
      uploads: [],
      createdAt: this.timestamp(),
    };
    this.projects.push(project);
    return project;
  }

  addCommit(ref: string | number, input: AddCommitInput): CommitRecord {
    const project = this.project(ref);
    const parentId = project.branches[input.branch];
    const parent = parentId ? this.findCommit(project, parentId) : undefined;
    const tree = { ...(parent?.tree ?? {}), ...(input.files ?? {}) };
    const createdAt = this.timestamp();
    const id =
      input.sha ??
      createHash('sha1')
        .update(
          `${project.id}\0${parentId ?? ''}\0${input.message}\0${JSON.stringify(tree)}\0${this.commitSeq++}`,
        )
        .digest('hex');
    const commit: CommitRecord = {
      id,
      shortId: id.slice(0, 8),
      title: input.message.split('\n')[0] ?? '',
      message: input.message,
      parentIds: parentId ? [parentId] : [],
      tree,
      authorName: input.authorName ?? 'Example Developer',
      authorEmail: input.authorEmail ?? 'developer@example.com',
      createdAt,
    };
    project.commits.push(commit);
    project.branches[input.branch] = id;
    return commit;
  }

  findCommit(project: ProjectRecord, sha: string): CommitRecord | undefined {
    if (!sha) return undefined;
    return project.commits.find((c) => c.id === sha || (sha.length >= 7 && c.id.startsWith(sha)));
  }

  /** A branch name, tag name or (short) sha -> the commit, as GitLab resolves `ref`. */
  resolveRef(project: ProjectRecord, ref: string): CommitRecord | undefined {
    const branchHead = project.branches[ref];
    if (branchHead) return this.findCommit(project, branchHead);
    const tag = project.tags.find((t) => t.name === ref);
    if (tag) return this.findCommit(project, tag.commitId);
    return this.findCommit(project, ref);
  }

  createBranch(ref: string | number, name: string, from: string): void {
    const project = this.project(ref);
    const commit = this.resolveRef(project, from);
    if (!commit) throw new Error(`GitLab double: unknown ref ${from}`);
    project.branches[name] = commit.id;
  }

  addTag(ref: string | number, input: { name: string; ref: string; message?: string | null }): TagRecord {
    const project = this.project(ref);
    if (project.tags.some((t) => t.name === input.name)) throw new Error(`Tag ${input.name} already exists`);
    const commit = this.resolveRef(project, input.ref);
    if (!commit) throw new Error(`Target ${input.ref} is invalid`);
    const annotated = typeof input.message === 'string' && input.message !== '';
    const tag: TagRecord = {
      name: input.name,
      commitId: commit.id,
      target: annotated
        ? createHash('sha1').update(`tag\0${input.name}\0${input.message}\0${commit.id}`).digest('hex')
        : commit.id,
      message: annotated ? (input.message as string) : null,
      createdAt: annotated ? this.timestamp() : null,
    };
    // GitLab lists tags by update date, newest first; keep insertion order and sort on read.
    project.tags.push(tag);
    return tag;
  }

  addLabel(
    ref: string | number,
    input: { name: string; color?: string; description?: string | null },
  ): LabelRecord {
    const project = this.project(ref);
    if (this.findLabel(project, input.name)) throw new Error('Label already exists');
    const label: LabelRecord = {
      id: this.nextId.label++,
      name: input.name,
      color: input.color ?? DEFAULT_LABEL_COLOR,
      description: input.description ?? null,
      priority: null,
    };
    project.labels.push(label);
    return label;
  }

  findLabel(project: ProjectRecord, name: string): LabelRecord | undefined {
    return project.labels.find((l) => l.name === name);
  }

  /** labels / add_labels: GitLab creates missing project labels. */
  ensureLabels(project: ProjectRecord, names: string[]): void {
    for (const name of names) if (!this.findLabel(project, name)) this.addLabel(project.id, { name });
  }

  /**
   * Adds labels the way GitLab does: a scoped label (`scope::value`) replaces any other label of the same
   * scope (the scope is everything before the last `::`).
   */
  withLabels(current: string[], add: string[]): string[] {
    let labels = [...current];
    for (const name of add) {
      const scope = labelScope(name);
      if (scope !== null) labels = labels.filter((l) => l === name || labelScope(l) !== scope);
      if (!labels.includes(name)) labels.push(name);
    }
    return labels;
  }

  addIssue(
    ref: string | number,
    input: { title: string; description?: string | null; labels?: string[]; state?: 'opened' | 'closed' },
  ): IssueRecord {
    const project = this.project(ref);
    const labels = this.withLabels([], input.labels ?? []);
    this.ensureLabels(project, labels);
    const at = this.timestamp();
    const issue: IssueRecord = {
      id: this.nextId.issue++,
      iid: project.issues.length + 1,
      projectId: project.id,
      title: input.title,
      description: input.description ?? null,
      state: input.state ?? 'opened',
      labels,
      notes: [],
      author: DOUBLE_USER,
      createdAt: at,
      updatedAt: at,
      closedAt: input.state === 'closed' ? at : null,
    };
    project.issues.push(issue);
    return issue;
  }

  addNote(
    issue: IssueRecord,
    input: { body: string; internal?: boolean; system?: boolean; author?: Person },
  ): NoteRecord {
    const at = this.timestamp();
    const note: NoteRecord = {
      id: this.nextId.note++,
      body: input.body,
      system: input.system ?? false,
      internal: input.internal ?? false,
      author: input.author ?? DOUBLE_USER,
      createdAt: at,
      updatedAt: at,
    };
    issue.notes.push(note);
    return note;
  }

  addMergeRequest(
    ref: string | number,
    input: {
      title: string;
      description?: string | null;
      sourceBranch: string;
      targetBranch?: string;
      sourceProjectId?: number;
      draft?: boolean;
      state?: MergeRequestRecord['state'];
      labels?: string[];
      closesIssues?: number[];
    },
  ): MergeRequestRecord {
    const project = this.project(ref);
    const at = this.timestamp();
    const mr: MergeRequestRecord = {
      id: this.nextId.mr++,
      iid: project.mergeRequests.length + 1,
      projectId: project.id,
      title: input.title,
      description: input.description ?? null,
      state: input.state ?? 'opened',
      draft: input.draft ?? /^(\[draft\]|\(draft\)|draft:|draft\s-\s)/i.test(input.title),
      sourceBranch: input.sourceBranch,
      targetBranch: input.targetBranch ?? project.defaultBranch,
      sourceProjectId: input.sourceProjectId ?? project.id,
      targetProjectId: project.id,
      labels: input.labels ?? [],
      ...(input.closesIssues ? { closesIssues: input.closesIssues } : {}),
      discussions: [],
      author: DOUBLE_USER,
      createdAt: at,
      updatedAt: at,
    };
    project.mergeRequests.push(mr);
    return mr;
  }

  nextNoteId(): number {
    return this.nextId.note++;
  }

  nextUploadId(): number {
    return this.nextId.upload++;
  }

  newDiscussionId(): string {
    return randomBytes(20).toString('hex');
  }
}

/** `scope::value` -> `scope` (up to the last `::`); null for unscoped labels. */
export function labelScope(name: string): string | null {
  const at = name.lastIndexOf('::');
  return at > 0 ? name.slice(0, at) : null;
}
