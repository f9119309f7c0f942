import type { Readable } from 'node:stream';
import type { CatchUpReads } from './catch-up-port';

/**
 * The GitLab port: the use cases the apps need, shaped by them, not a
 * re-export of gitbeaker. Failures arrive sorted as @devops/errors kinds:
 * NotFoundError, ConflictError, TemporaryError (already retried with backoff
 * before it reaches you), PermanentError. Callers never see HTTP status codes.
 *
 * A project is named by numeric id or by its full path ("group/sub/project").
 */
export type ProjectRef = number | string;

export interface Project {
  id: number;
  pathWithNamespace: string;
  defaultBranch: string | null;
  webUrl: string;
}

export interface Commit {
  id: string;
  shortId: string;
  title: string;
  message: string;
}

export interface Tag {
  name: string;
  /** For an annotated tag, the tag object's id; for a lightweight tag, the commit id. */
  target: string;
  /** The commit the tag points at (use this, not target). */
  commitId: string;
  /** Annotation message; null for lightweight tags. */
  message: string | null;
}

export interface TagPageQuery {
  /** `^term` begins with, `term$` ends with, otherwise contains. */
  search?: string;
  orderBy?: 'name' | 'updated' | 'version';
  sort?: 'asc' | 'desc';
  /** 1-based. */
  page: number;
  /** At most 100 (GitLab's maximum); default the client's page size. */
  perPage?: number;
}

export type IssueState = 'opened' | 'closed';

export interface Issue {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  description: string | null;
  state: IssueState;
  labels: string[];
  webUrl: string;
}

export interface Note {
  id: number;
  body: string;
  system: boolean;
  internal: boolean;
  createdAt: string;
  author: { username: string; name: string } | null;
}

export interface MergeRequest {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed' | 'locked' | 'merged';
  draft: boolean;
  sourceBranch: string;
  targetBranch: string;
  sourceProjectId: number;
  targetProjectId: number;
  webUrl: string;
}

export interface DiscussionNote {
  id: number;
  body: string;
  system: boolean;
  resolvable: boolean;
  resolved: boolean;
  author: { username: string } | null;
}

export interface Discussion {
  id: string;
  individualNote: boolean;
  notes: DiscussionNote[];
}

export interface Label {
  id: number;
  name: string;
  color: string;
}

export interface Upload {
  /** Project-relative URL for Markdown: /uploads/<secret>/<name> */
  url: string;
  /** Ready-made Markdown: ![alt](url) or [name](url) */
  markdown: string;
  fullPath: string;
}

/**
 * A user's effective membership of a project: direct, or inherited through the project's groups (GitLab
 * answers with the highest role). Roles (`access_level`): 5 Minimal access, 10 Guest, 15 Planner (GitLab
 * 17.7+), 20 Reporter, 30 Developer, 40 Maintainer, 50 Owner.
 */
export interface ProjectMember {
  userId: number;
  username: string;
  accessLevel: number;
  /** The user is active (not blocked, banned or deactivated) and so is the membership (not awaiting approval). */
  active: boolean;
}

export interface IssueQuery {
  /** Issues must carry all of these labels. */
  labels?: string[];
  state?: IssueState | 'all';
  /** Searched in title and description. */
  search?: string;
  in?: 'title' | 'description' | 'title,description';
}

export interface IssueChanges {
  title?: string;
  description?: string;
  addLabels?: string[];
  removeLabels?: string[];
  stateEvent?: 'close' | 'reopen';
}

/** The use cases, plus the reads of a catch-up pass (catch-up-port.ts). */
export interface GitLabPort extends CatchUpReads {
  getProject(project: ProjectRef): Promise<Project>;
  /** A file's raw text at a ref; null when the file or the ref does not exist. */
  readFile(project: ProjectRef, filePath: string, ref: string): Promise<string | null>;
  getCommit(project: ProjectRef, sha: string): Promise<Commit>;
  /**
   * The user's membership of the project, inherited ones included (`GET /projects/:id/members/all/:user_id`);
   * null when the user is not a member (GitLab's 404), which is an answer, not a failure.
   */
  getProjectMember(project: ProjectRef, userId: number): Promise<ProjectMember | null>;

  /** Every tag matching GitLab's `search` (`^prefix` = begins with), through every page. */
  listTags(project: ProjectRef, opts?: { search?: string }): Promise<Tag[]>;
  /** null when the tag does not exist. */
  getTag(project: ProjectRef, name: string): Promise<Tag | null>;
  /** Annotated when `message` is given. Throws ConflictError when the tag exists. */
  createTag(project: ProjectRef, tag: { name: string; ref: string; message?: string }): Promise<Tag>;
  /**
   * One page of tags matching `search`, in GitLab's order (`orderBy: 'version', sort: 'desc'`: highest
   * version first), for callers that stop reading early instead of reading every page.
   * `nextPage` is null on the last page.
   */
  listTagsPage(project: ProjectRef, opts: TagPageQuery): Promise<{ tags: Tag[]; nextPage: number | null }>;
  /**
   * Names of the tags that contain the commit: that point at it or at a descendant of it
   * (GitLab's "references a commit is pushed to", type tag), through every page.
   */
  listTagNamesContaining(project: ProjectRef, sha: string): Promise<string[]>;

  /** Every matching issue, through every page. */
  listIssues(project: ProjectRef, query?: IssueQuery): Promise<Issue[]>;
  /** null when the issue does not exist. */
  getIssue(project: ProjectRef, iid: number): Promise<Issue | null>;
  createIssue(
    project: ProjectRef,
    issue: { title: string; description?: string; labels?: string[] },
  ): Promise<Issue>;
  /** One PUT with every change (add_labels, remove_labels, state_event, ...). */
  editIssue(project: ProjectRef, iid: number, changes: IssueChanges): Promise<Issue>;

  /** Every note, oldest first, through every page. */
  listIssueNotes(project: ProjectRef, iid: number): Promise<Note[]>;
  createIssueNote(
    project: ProjectRef,
    iid: number,
    body: string,
    opts?: { internal?: boolean },
  ): Promise<Note>;

  getMergeRequest(project: ProjectRef, iid: number): Promise<MergeRequest>;
  /** Every discussion, through every page. */
  listMergeRequestDiscussions(project: ProjectRef, iid: number): Promise<Discussion[]>;
  /** A resolvable thread on the MR's overview. */
  createMergeRequestDiscussion(project: ProjectRef, iid: number, body: string): Promise<Discussion>;
  resolveMergeRequestDiscussion(
    project: ProjectRef,
    iid: number,
    discussionId: string,
    resolved: boolean,
  ): Promise<void>;
  /** Issues the MR closes on merge. */
  listMergeRequestClosingIssues(project: ProjectRef, iid: number): Promise<Issue[]>;

  /** Every label, through every page. */
  listLabels(project: ProjectRef): Promise<Label[]>;
  /** Throws ConflictError when it already exists. */
  createLabel(
    project: ProjectRef,
    label: { name: string; color: string; description?: string },
  ): Promise<Label>;

  /**
   * Streams `content` to the project's uploads (multipart, never held whole in memory). A stream is sent once
   * (a temporary failure is thrown, not retried); a function opening a fresh stream is retried like any call.
   */
  uploadFile(
    project: ProjectRef,
    file: { filename: string; content: Readable | (() => Readable); size?: number; contentType?: string },
  ): Promise<Upload>;
}
