import type { MergeRequest, ProjectRef } from './port';

/** Where a catch-up pass looks: every project of a group (subgroups included) or one project. */
export type CatchUpScope = { group: string | number } | { project: ProjectRef };

/** A merge request as a list read by a catch-up pass sees it (GitLab's list fields). */
export interface ChangedMergeRequest extends MergeRequest {
  /** Its project's full path, e.g. "group/sub/project" (from references.full). */
  projectPath: string;
  /** ISO 8601: the last change of any kind. */
  updatedAt: string;
  /** The source branch's head commit; null when GitLab does not know it. */
  sha: string | null;
  /** The author's user id (null when GitLab did not say). */
  authorId: number | null;
}

/** A project of a group, with the time of its last recorded activity. */
export interface ActiveProject {
  id: number;
  pathWithNamespace: string;
  /** ISO 8601; GitLab refreshes it at most once an hour per project (Event::RESET_PROJECT_ACTIVITY_INTERVAL). */
  lastActivityAt: string;
}

/** A branch with its head commit's date. */
export interface Branch {
  name: string;
  commitId: string;
  /** ISO 8601: the head commit's committer date. */
  committedAt: string;
}

/** An issue as an `updated_after` list read sees it. */
export interface ChangedIssue {
  iid: number;
  projectId: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  webUrl: string;
  updatedAt: string;
  closedAt: string | null;
}

/** The reads a catch-up pass makes: each one list request per scope when nothing changed (plus pages). */
export interface CatchUpReads {
  /**
   * Merge requests of any state updated after `since`: `GET /groups/:id/merge_requests` (subgroups
   * included) or `GET /projects/:id/merge_requests`, `scope=all&state=all&updated_after=…`, every page.
   */
  listMergeRequestsUpdatedAfter(scope: CatchUpScope, since: Date): Promise<ChangedMergeRequest[]>;
  /**
   * The group's projects (subgroups included) active after `since`: `GET /groups/:id/projects` ordered by
   * `last_activity_at` descending, reading pages only until a project is older than `since`.
   */
  listProjectsActiveAfter(group: string | number, since: Date): Promise<ActiveProject[]>;
  /** One project with its last activity time (`GET /projects/:id`). */
  getProjectActivity(project: ProjectRef): Promise<ActiveProject>;
  /** Every branch of the project with its head commit's date (`GET /projects/:id/repository/branches`). */
  listBranches(project: ProjectRef): Promise<Branch[]>;
  /** Issues with all of `labels`, any state, updated after `since` (`GET /projects/:id/issues`). */
  listIssuesUpdatedAfter(project: ProjectRef, since: Date, labels: string[]): Promise<ChangedIssue[]>;
}
