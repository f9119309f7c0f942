import { convertHtmlToMarkdown } from './convert-html-to-markdown';
import { escapeText } from '@devops/safe-text';
import { escapeLine } from './escape-line';
import { formatAttachmentList } from './format-attachment-list';
import { conversationMarker } from './markers';
import type { AttachmentOutcome, Conversation, Ticket } from './model';
import { truncateMarkdown } from './truncate-markdown';

/** Who wrote a conversation, as well as Freshdesk tells us without extra calls. */
export function describeAuthor(conversation: Conversation, ticket: Ticket): string {
  const isRequester = conversation.userId !== null && conversation.userId === ticket.requesterId;
  const name = isRequester ? ticket.requester?.name : null;
  const email = conversation.fromEmail ?? (isRequester ? ticket.requester?.email : null);
  const who = [name, email && `<${email}>`].filter(Boolean).join(' ');
  if (who) return who;
  return conversation.userId === null ? 'unknown' : `user ${conversation.userId}`;
}

/**
 * One GitLab note per Freshdesk conversation: the marker line, author, time,
 * public or private, the body as Markdown, and its attachments. Text from
 * the ticket is escaped (@devops/safe-text); only the marker line is ours.
 */
export function buildConversationNote(input: {
  conversation: Conversation;
  ticket: Ticket;
  ticketUrl: string;
  attachments: AttachmentOutcome[];
  /** The body already converted (convertHtmlOffThread); converted here when absent. */
  bodyMarkdown?: string;
}): string {
  const { conversation: c, ticket, ticketUrl, attachments } = input;
  const kind = c.private ? 'private note' : c.incoming ? 'public message from the customer' : 'public reply';
  const header = `**${escapeLine(describeAuthor(c, ticket))}** · ${kind} · ${escapeLine(c.createdAt)}`;
  const body =
    (input.bodyMarkdown ?? convertHtmlToMarkdown(c.body)) || escapeText(c.bodyText.trim()) || '_(empty)_';
  const parts = [conversationMarker(c.id), header, body];
  if (attachments.length) parts.push('**Attachments**', formatAttachmentList(attachments));
  return truncateMarkdown(parts.join('\n\n'), ticketUrl);
}
