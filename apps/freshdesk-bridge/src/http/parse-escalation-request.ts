export class BadRequest extends Error {
  constructor(readonly details: string[]) {
    super(`invalid request: ${details.join('; ')}`);
  }
}

/**
 * The body of POST /escalations: `{"ticketId": 123, "dryRun": false}`.
 * ticketId: a positive integer (a string of digits is accepted too: the
 * userscript reads it from the URL); dryRun: optional boolean. Unknown fields
 * are refused, so typos do not silently escalate for real.
 */
export function parseEscalationRequest(body: unknown): { ticketId: number; dryRun: boolean } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequest(['the body must be a JSON object like {"ticketId": 123}']);
  }
  const problems: string[] = [];
  const { ticketId, dryRun, ...rest } = body as Record<string, unknown>;
  const id = parseTicketId(ticketId);
  if (id === null) problems.push('ticketId must be a positive integer (the number in /a/tickets/<id>)');
  if (dryRun !== undefined && typeof dryRun !== 'boolean') problems.push('dryRun must be true or false');
  const unknown = Object.keys(rest);
  if (unknown.length) problems.push(`unknown field(s): ${unknown.join(', ')}`);
  if (problems.length || id === null) throw new BadRequest(problems);
  return { ticketId: id, dryRun: dryRun === true };
}

export function parseTicketId(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : null;
}
