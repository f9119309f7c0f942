import type { Conversation, Ticket } from '../render/model';

/** The hosts Freshdesk's API named attachments on for this ticket: the only ones downloads may reach. */
export function collectAttachmentHosts(ticket: Ticket, conversations: Conversation[]): Set<string> {
  const hosts = new Set<string>();
  for (const a of [...ticket.attachments, ...conversations.flatMap((c) => c.attachments)]) {
    try {
      hosts.add(new URL(a.url).host);
    } catch {
      // not a URL: copyAttachment skips it
    }
  }
  return hosts;
}
