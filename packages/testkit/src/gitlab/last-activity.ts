import type { ProjectRecord } from './model';

/**
 * A project's `last_activity_at` as the double keeps it: the latest of its creation, commits, issue and
 * merge request updates. (GitLab itself refreshes it at most once an hour per project; the double is exact,
 * which is the stricter case for a reader that must not miss activity.)
 */
export function lastActivity(p: ProjectRecord): string {
  let latest = p.createdAt;
  const consider = (at: string | null | undefined) => {
    if (at && at > latest) latest = at;
  };
  for (const c of p.commits) consider(c.createdAt);
  for (const i of p.issues) consider(i.updatedAt);
  for (const m of p.mergeRequests) consider(m.updatedAt);
  return latest;
}
