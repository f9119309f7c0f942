import { escapeLine } from './escape-line';
import type { Ticket } from './model';

// Freshdesk's built-in values; accounts may add custom statuses, shown by number.
const STATUS: Record<number, string> = { 2: 'Open', 3: 'Pending', 4: 'Resolved', 5: 'Closed' };
const PRIORITY: Record<number, string> = { 1: 'Low', 2: 'Medium', 3: 'High', 4: 'Urgent' };

/**
 * The ticket's fields as [name, Markdown cell] rows for the issue
 * description; every value from the ticket is escaped text (a `|` cannot
 * end the cell, nothing can format, mention or act).
 */
export function describeTicketFields(ticket: Ticket): Array<[string, string]> {
  const requester = ticket.requester
    ? [ticket.requester.name, ticket.requester.email && `<${ticket.requester.email}>`]
        .filter((part): part is string => Boolean(part))
        .map(escapeLine)
        .join(' ')
    : '';
  return [
    ['Subject', escapeLine(ticket.subject) || '—'],
    ['Status', STATUS[ticket.status] ?? `custom status ${ticket.status}`],
    ['Priority', PRIORITY[ticket.priority] ?? `priority ${ticket.priority}`],
    ['Type', ticket.type ? escapeLine(ticket.type) : '—'],
    ['Requester', requester || (ticket.requesterId === null ? '—' : `contact ${ticket.requesterId}`)],
    ['Tags', ticket.tags.length ? ticket.tags.map(escapeLine).join(', ') : '—'],
    ['Created', escapeLine(ticket.createdAt)],
  ];
}
