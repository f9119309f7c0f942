import { NotFoundError } from '@devops/errors';

/** Freshdesk has no such ticket (or the API key may not see it): the only 404 of /escalations. */
export class UnknownTicketError extends NotFoundError {
  constructor(
    readonly ticketId: number,
    options?: { cause?: unknown },
  ) {
    super(`Freshdesk ticket ${ticketId} does not exist (or the bridge's API key cannot see it)`, {
      status: 404,
      cause: options?.cause,
    });
  }
}
