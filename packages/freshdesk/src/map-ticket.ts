import type { Requester, Ticket } from './port';
import { mapAttachments } from './map-attachment';
import { asObject, num, requireId, str, strings, type Json } from './read-fields';

function mapRequester(value: unknown): Requester | null {
  if (value === null || typeof value !== 'object') return null;
  const r = value as Json;
  const id = num(r.id);
  return id === null ? null : { id, name: str(r.name), email: str(r.email) };
}

/** A ticket as `GET /api/v2/tickets/:id` (or PUT) returns it. */
export function mapTicket(value: unknown): Ticket {
  const t = asObject(value, 'a ticket');
  const customFields = t.custom_fields;
  return {
    id: requireId(t, 'a ticket'),
    subject: str(t.subject) ?? '',
    description: str(t.description) ?? '',
    descriptionText: str(t.description_text) ?? '',
    status: num(t.status) ?? 0,
    priority: num(t.priority) ?? 0,
    type: str(t.type),
    requesterId: num(t.requester_id),
    requester: mapRequester(t.requester),
    tags: strings(t.tags),
    customFields:
      customFields && typeof customFields === 'object' && !Array.isArray(customFields)
        ? { ...(customFields as Json) }
        : {},
    createdAt: str(t.created_at) ?? '',
    updatedAt: str(t.updated_at) ?? '',
    attachments: mapAttachments(t.attachments),
  };
}
