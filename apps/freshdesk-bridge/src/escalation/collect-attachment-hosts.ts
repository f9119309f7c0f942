import type { Conversation, Ticket } from './model';

/** The hosts Freshdesk's API named attachments on for this ticket: the only ones downloads may reach. */
export function collectAttachmentHosts(ticket: Ticket, conversations: Conversation[]): Set<string> {
  const hosts = new Set<string>();
  for (const a of [...ticket.attachments, ...conversations.flatMap((c) => c.attachments)]) {
    try {
      const url = new URL(a.url);
      if (url.protocol === 'https:' || url.protocol === 'http:') hosts.add(url.host);
    } catch {
      // not a URL: copyAttachment skips it
    }
  }
  return hosts;
}
