import type { FreshdeskPort } from '@devops/freshdesk';
import { collectAttachmentHosts } from './collect-attachment-hosts';
import type { Attachment } from '../render/model';

/**
 * The attachment as a fresh read of its ticket names it now (Freshdesk hands
 * out a new pre-signed link on every read), with the hosts that read named;
 * null when it is no longer on the ticket.
 */
export async function findFreshAttachment(
  freshdesk: FreshdeskPort,
  ticketId: number,
  attachmentId: number,
): Promise<{ attachment: Attachment; allowedHosts: Set<string> } | null> {
  const ticket = await freshdesk.getTicket(ticketId);
  let conversations = ticket.attachments.some((a) => a.id === attachmentId)
    ? []
    : await freshdesk.listConversations(ticketId);
  const attachment = [...ticket.attachments, ...conversations.flatMap((c) => c.attachments)].find(
    (a) => a.id === attachmentId,
  );
  if (!attachment) return null;
  conversations = conversations.filter((c) => c.attachments.includes(attachment));
  return { attachment, allowedHosts: collectAttachmentHosts(ticket, conversations) };
}
