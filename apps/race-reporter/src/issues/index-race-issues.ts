import type { GitLabPort, Issue, ProjectRef } from '@devops/gitlab';
import { findFingerprint } from './race-marker';

/**
 * One listing of the project's issues carrying the labels (open and closed,
 * every page), indexed by the fingerprint in their hidden marker. When several
 * issues carry one fingerprint, an open one wins (lowest iid), else the
 * lowest closed one.
 */
export async function indexRaceIssues(
  gitlab: GitLabPort,
  project: ProjectRef,
  labels: string[],
): Promise<Map<string, Issue>> {
  const issues = await gitlab.listIssues(project, { labels, state: 'all' });
  const byFingerprint = new Map<string, Issue>();
  for (const issue of [...issues].sort((a, b) => a.iid - b.iid)) {
    const fp = findFingerprint(issue.description);
    if (!fp) continue;
    const known = byFingerprint.get(fp);
    if (!known || (known.state === 'closed' && issue.state === 'opened')) byFingerprint.set(fp, issue);
  }
  return byFingerprint;
}
