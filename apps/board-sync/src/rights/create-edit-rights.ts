import type { GitLabPort, ProjectRef } from '@devops/gitlab';

/** GitLab's Planner role (17.7+), the lowest that may edit issues; Reporter (20) and above may too. Guest (10) may not. */
export const PLANNER_ACCESS_LEVEL = 15;

export interface EditRights {
  /**
   * Whether the user may edit issues in the project: an active member, directly or through one of the
   * project's groups, with Planner or a higher role. Answers are kept `ttlMs` per project and user.
   * A temporary failure reading GitLab is thrown (the event is retried) and not remembered.
   */
  mayEditIssues(gitlab: GitLabPort, project: ProjectRef, userId: number): Promise<boolean>;
}

export interface EditRightsOptions {
  /** How long an answer is kept (default 60 s): a role removed in GitLab takes effect here within it. */
  ttlMs?: number;
  /** At most this many answers are kept (default 1,000); the oldest go first. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * The author-rights check of cross-project references, with its short cache. One per app instance
 * (created in the app's setup), so nothing is shared between apps or tests.
 */
export function createEditRights(opts: EditRightsOptions = {}): EditRights {
  const ttlMs = opts.ttlMs ?? 60_000;
  const maxEntries = opts.maxEntries ?? 1_000;
  const now = opts.now ?? Date.now;
  const answers = new Map<string, { until: number; allowed: Promise<boolean> }>();

  const prune = (at: number) => {
    for (const [key, entry] of answers) if (entry.until <= at) answers.delete(key);
    // Still full: Map keeps insertion order, so the first keys are the oldest answers.
    for (const key of answers.keys()) {
      if (answers.size < maxEntries) break;
      answers.delete(key);
    }
  };

  return {
    mayEditIssues(gitlab, project, userId) {
      const key = `${String(project).toLowerCase()}\0${userId}`;
      const at = now();
      const kept = answers.get(key);
      if (kept && kept.until > at) return kept.allowed;
      if (answers.size >= maxEntries) prune(at);
      const allowed = gitlab
        .getProjectMember(project, userId)
        .then((m) => m !== null && m.active && m.accessLevel >= PLANNER_ACCESS_LEVEL);
      // Concurrent events share one request; a failure is not an answer, so it is not kept.
      answers.set(key, { until: at + ttlMs, allowed });
      allowed.catch(() => {
        if (answers.get(key)?.allowed === allowed) answers.delete(key);
      });
      return allowed;
    },
  };
}
