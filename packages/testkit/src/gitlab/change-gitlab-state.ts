import type { IssueRecord, MergeRequestRecord } from './model';
import type { GitLabStore } from './store';

/**
 * Changes to GitLab's state made the way a person in GitLab's UI would, with no webhook sent: what a
 * catch-up pass must find by itself. Every change keeps `updated_at` current, as GitLab does.
 */
export interface GitLabChanges {
  mergeMergeRequest(project: number | string, iid: number): MergeRequestRecord;
  closeMergeRequest(project: number | string, iid: number): MergeRequestRecord;
  reopenMergeRequest(project: number | string, iid: number): MergeRequestRecord;
  /** Marks it draft (true) or ready (false). */
  setDraft(project: number | string, iid: number, draft: boolean): MergeRequestRecord;
  /** A new branch with one new commit on it (from the default branch, or `from`); returns the commit sha. */
  pushBranch(
    project: number | string,
    name: string,
    opts?: { from?: string; files?: Record<string, string> },
  ): string;
  closeIssue(project: number | string, iid: number): IssueRecord;
  reopenIssue(project: number | string, iid: number): IssueRecord;
  /** Sets an issue's labels as a person would (e.g. moving it back on the board). */
  setIssueLabels(project: number | string, iid: number, labels: string[]): IssueRecord;
}

export function createGitLabChanges(store: GitLabStore): GitLabChanges {
  const mr = (project: number | string, iid: number) => {
    const found = store.project(project).mergeRequests.find((m) => m.iid === iid);
    if (!found) throw new Error(`GitLab double: no merge request !${iid} in ${String(project)}`);
    return found;
  };
  const issue = (project: number | string, iid: number) => {
    const found = store.project(project).issues.find((i) => i.iid === iid);
    if (!found) throw new Error(`GitLab double: no issue #${iid} in ${String(project)}`);
    return found;
  };
  const touch = <T extends { updatedAt: string }>(record: T): T => {
    record.updatedAt = store.timestamp();
    return record;
  };
  return {
    mergeMergeRequest: (project, iid) => {
      const m = mr(project, iid);
      m.state = 'merged';
      return touch(m);
    },
    closeMergeRequest: (project, iid) => {
      const m = mr(project, iid);
      m.state = 'closed';
      return touch(m);
    },
    reopenMergeRequest: (project, iid) => {
      const m = mr(project, iid);
      m.state = 'opened';
      return touch(m);
    },
    setDraft: (project, iid, draft) => {
      const m = mr(project, iid);
      m.draft = draft;
      return touch(m);
    },
    pushBranch: (project, name, opts = {}) => {
      const p = store.project(project);
      if (p.branches[name]) throw new Error(`GitLab double: branch ${name} exists`);
      const from = opts.from ?? p.defaultBranch;
      if (p.branches[from]) store.createBranch(p.id, name, from);
      return store.addCommit(p.id, { branch: name, message: `work on ${name}`, files: opts.files ?? {} }).id;
    },
    closeIssue: (project, iid) => {
      const i = issue(project, iid);
      if (i.state !== 'closed') {
        i.state = 'closed';
        i.closedAt = store.timestamp();
        store.addNote(i, { body: 'closed', system: true });
      }
      return touch(i);
    },
    reopenIssue: (project, iid) => {
      const i = issue(project, iid);
      if (i.state !== 'opened') {
        i.state = 'opened';
        i.closedAt = null;
        store.addNote(i, { body: 'reopened', system: true });
      }
      return touch(i);
    },
    setIssueLabels: (project, iid, labels) => {
      const i = issue(project, iid);
      i.labels = store.withLabels([], labels);
      store.ensureLabels(store.project(project), i.labels);
      return touch(i);
    },
  };
}
