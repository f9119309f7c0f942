import { NotFoundError } from '@devops/errors';
import type { LinkedIssue, LookupCache } from './create-lookup-cache';
import type { EscalationDeps } from './escalate-ticket';
import { findEscalatedIssue } from './find-escalated-issue';
import { UnknownTicketError } from './unknown-ticket-error';

/**
 * The issue a ticket was escalated to, with its current state as GitLab
 * reports it (`open` or `closed`), or null; answered from `cache` while fresh.
 */
export async function lookUpEscalation(
  deps: EscalationDeps,
  cache: LookupCache,
  ticketId: number,
): Promise<LinkedIssue | null> {
  const cached = cache.get(ticketId);
  if (cached !== undefined) return cached;
  let ticket;
  if (deps.linkField) {
    try {
      ticket = await deps.freshdesk.getTicket(ticketId);
    } catch (err) {
      if (err instanceof NotFoundError) throw new UnknownTicketError(ticketId, { cause: err });
      throw err;
    }
  }
  const recorded = (await deps.records?.issueOf(ticketId)) ?? null;
  const issue = await findEscalatedIssue(deps, ticketId, ticket, recorded);
  const linked: LinkedIssue | null = issue
    ? { iid: issue.iid, url: issue.webUrl, state: issue.state === 'closed' ? 'closed' : 'open' }
    : null;
  cache.set(ticketId, linked);
  return linked;
}
