import { PermanentError } from '@devops/errors';
import type { Attachment } from './port';
import { asObject, num, requireId, str } from './read-fields';

/**
 * One attachment object. Freshdesk's examples name the byte count
 * `file_size` (tickets, notes) and once `size` (a reply): both are read.
 */
export function mapAttachment(value: unknown): Attachment {
  const a = asObject(value, 'an attachment');
  const url = str(a.attachment_url);
  if (!url) throw new PermanentError('Freshdesk answered with an attachment that has no attachment_url');
  return {
    id: requireId(a, 'an attachment'),
    name: str(a.name) ?? `attachment-${String(a.id)}`,
    contentType: str(a.content_type),
    size: num(a.file_size) ?? num(a.size),
    url,
    createdAt: str(a.created_at),
  };
}

export function mapAttachments(value: unknown): Attachment[] {
  return Array.isArray(value) ? value.map(mapAttachment) : [];
}
