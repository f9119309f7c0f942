/**
 * Hidden markers the bridge leaves in GitLab text so it can find its own work
 * again (duplicates, resume). A marker counts only as the first line of an
 * issue description or a note: text copied from a ticket cannot fake one.
 */
export function ticketMarker(ticketId: number): string {
  return `<!-- freshdesk-ticket:${ticketId} -->`;
}

export function conversationMarker(conversationId: number): string {
  return `<!-- freshdesk-conversation:${conversationId} -->`;
}

/** True when `text` starts with the ticket's marker line. */
export function hasTicketMarker(text: string | null, ticketId: number): boolean {
  return firstLine(text) === ticketMarker(ticketId);
}

/** The ticket id in a description's marker line, or null. */
export function ticketIdFromMarker(text: string | null): number | null {
  const m = /^<!-- freshdesk-ticket:(\d+) -->$/.exec(firstLine(text));
  return m ? Number(m[1]) : null;
}

/** The conversation id in a note's marker line, or null. */
export function conversationIdFromMarker(text: string | null): number | null {
  const m = /^<!-- freshdesk-conversation:(\d+) -->$/.exec(firstLine(text));
  return m ? Number(m[1]) : null;
}

function firstLine(text: string | null): string {
  if (!text) return '';
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).trim();
}
