import type { Conversation } from './port';
import { mapAttachments } from './map-attachment';
import { asObject, num, requireId, str, strings } from './read-fields';

/** A conversation (reply or note) as the conversations list or the note POST returns it. */
export function mapConversation(value: unknown): Conversation {
  const c = asObject(value, 'a conversation');
  return {
    id: requireId(c, 'a conversation'),
    ticketId: num(c.ticket_id) ?? 0,
    body: str(c.body) ?? '',
    bodyText: str(c.body_text) ?? '',
    private: c.private === true,
    incoming: c.incoming === true,
    source: num(c.source),
    userId: num(c.user_id),
    fromEmail: str(c.from_email),
    toEmails: strings(c.to_emails),
    createdAt: str(c.created_at) ?? '',
    updatedAt: str(c.updated_at) ?? '',
    attachments: mapAttachments(c.attachments),
  };
}
