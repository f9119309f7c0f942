import { neutralizeMentions } from '@devops/safe-text';
import { convertHtmlToMarkdown } from './convert-html-to-markdown';
import { describeTicketFields } from './describe-ticket-fields';
import { formatAttachmentList } from './format-attachment-list';
import { ticketMarker } from './markers';
import type { AttachmentOutcome, Ticket } from './model';
import { truncateMarkdown } from './truncate-markdown';

/**
 * The issue title: `[FD#123] <subject>`. GitLab runs no quick action in a
 * title; mentions are neutralised all the same (invisibly).
 */
export function buildIssueTitle(ticket: Ticket): string {
  const subject = neutralizeMentions(ticket.subject.replace(/\s+/g, ' ').trim()) || '(no subject)';
  // GitLab titles are limited to 255 characters.
  const title = `[FD#${ticket.id}] ${subject}`;
  return title.length > 255 ? `${title.slice(0, 254)}…` : title;
}

/**
 * The issue description: the marker line, a link to the ticket, its fields,
 * its description as Markdown, and its attachments (copied or skipped).
 * Everything taken from the ticket goes through @devops/safe-text: the
 * subject and field values as literal text, the description as escaped
 * Markdown; only the first line (ours) can be a marker.
 */
export function buildIssueDescription(input: {
  ticket: Ticket;
  ticketUrl: string;
  attachments: AttachmentOutcome[];
  /** The description already converted (convertHtmlOffThread); converted here when absent. */
  descriptionMarkdown?: string;
}): string {
  const { ticket, ticketUrl, attachments } = input;
  const rows = describeTicketFields(ticket).map(([k, v]) => `| ${k} | ${v} |`);
  const parts = [
    ticketMarker(ticket.id),
    `Escalated from Freshdesk ticket [#${ticket.id}](${ticketUrl}).`,
    ['| Field | Value |', '|---|---|', ...rows].join('\n'),
    '### Description',
    (input.descriptionMarkdown ?? convertHtmlToMarkdown(ticket.description)) || '_(empty)_',
  ];
  if (attachments.length) parts.push('### Attachments', formatAttachmentList(attachments));
  return truncateMarkdown(parts.join('\n\n'), ticketUrl);
}
