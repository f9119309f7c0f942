import type { GitLabPort, Issue, ProjectRef } from '@devops/gitlab';
import { hasTicketMarker } from '../render/markers';
import type { Ticket } from '../render/model';

/**
 * The issue a ticket was escalated to, or null: first the issue recorded in
 * the database (with DATABASE_URL), then the ticket's link field
 * (when configured and it points at an issue of our project that carries the
 * ticket's marker), then the marker in issue descriptions (GitLab's issue
 * search, then an exact check of the marker line; open and closed issues).
 * With several matches (a race across replicas) the oldest wins.
 */
export async function findEscalatedIssue(
  deps: { gitlab: GitLabPort; project: ProjectRef; linkField?: string },
  ticketId: number,
  ticket?: Ticket,
  recordedIid: number | null = null,
): Promise<Issue | null> {
  if (recordedIid !== null) {
    const issue = await deps.gitlab.getIssue(deps.project, recordedIid);
    if (issue && hasTicketMarker(issue.description, ticketId)) return issue;
  }
  const linked = deps.linkField ? ticket?.customFields[deps.linkField] : undefined;
  if (typeof linked === 'string') {
    const m = /\/-\/issues\/(\d+)(?:[/?#]|$)/.exec(linked.trim());
    if (m) {
      const issue = await deps.gitlab.getIssue(deps.project, Number(m[1]));
      if (issue && hasTicketMarker(issue.description, ticketId)) return issue;
    }
  }
  const candidates = await deps.gitlab.listIssues(deps.project, {
    search: `freshdesk-ticket:${ticketId}`,
    in: 'description',
    state: 'all',
  });
  const matches = candidates
    .filter((i) => hasTicketMarker(i.description, ticketId))
    .sort((a, b) => a.iid - b.iid);
  return matches[0] ?? null;
}
