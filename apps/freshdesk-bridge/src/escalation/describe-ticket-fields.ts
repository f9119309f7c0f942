import type { Ticket } from './model';

// Freshdesk's built-in values; accounts may add custom statuses, shown by number.
const STATUS: Record<number, string> = { 2: 'Open', 3: 'Pending', 4: 'Resolved', 5: 'Closed' };
const PRIORITY: Record<number, string> = { 1: 'Low', 2: 'Medium', 3: 'High', 4: 'Urgent' };

/** The ticket's fields as [name, value] rows for the issue description. */
export function describeTicketFields(ticket: Ticket): Array<[string, string]> {
  const requester = ticket.requester
    ? [ticket.requester.name, ticket.requester.email && `<${ticket.requester.email}>`]
        .filter(Boolean)
        .join(' ')
    : '';
  return [
    ['Status', STATUS[ticket.status] ?? `custom status ${ticket.status}`],
    ['Priority', PRIORITY[ticket.priority] ?? `priority ${ticket.priority}`],
    ['Type', ticket.type ?? '—'],
    ['Requester', requester || (ticket.requesterId === null ? '—' : `contact ${ticket.requesterId}`)],
    ['Tags', ticket.tags.length ? ticket.tags.join(', ') : '—'],
    ['Created', ticket.createdAt],
  ];
}

/** A value safe inside a Markdown table cell. */
export function escapeTableCell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}
