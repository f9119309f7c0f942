import type { AttachmentRecord, ConversationRecord, TicketRecord } from './model';

/**
 * Response bodies with exactly the keys of Freshdesk's documented examples
 * (/work/shared/reference/freshdesk-examples/), in the same order.
 */

export function renderAttachment(a: AttachmentRecord) {
  return {
    id: a.id,
    content_type: a.contentType,
    file_size: a.declaredSize,
    name: a.name,
    attachment_url: a.url,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

/** `GET /api/v2/tickets/:id` (ticket_view.response.json); `include` adds `requester` / `stats`. */
export function renderTicket(t: TicketRecord, include: ReadonlySet<string> = new Set()) {
  const body: Record<string, unknown> = {
    cc_emails: [...t.ccEmails],
    fwd_emails: [],
    reply_cc_emails: [...t.ccEmails],
    email_config_id: null,
    fr_escalated: false,
    group_id: t.groupId,
    priority: t.priority,
    requester_id: t.requester.id,
    responder_id: t.responderId,
    source: t.source,
    spam: false,
    status: t.status,
    subject: t.subject,
    company_id: t.companyId,
    id: t.id,
    type: t.type,
    to_emails: null,
    product_id: null,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    due_by: t.dueBy,
    fr_due_by: t.frDueBy,
    is_escalated: false,
    association_type: null,
    description_text: t.descriptionText,
    description: t.description,
    custom_fields: { ...t.customFields },
    tags: [...t.tags],
    attachments: t.attachments.map(renderAttachment),
  };
  if (include.has('stats')) {
    const resolved = t.status === 4 || t.status === 5 ? t.updatedAt : null;
    body.stats = {
      agent_responded_at: null,
      requester_responded_at: null,
      first_responded_at: null,
      status_updated_at: t.updatedAt,
      reopened_at: null,
      resolved_at: resolved,
      closed_at: t.status === 5 ? t.updatedAt : null,
      pending_since: t.status === 3 ? t.updatedAt : null,
    };
  }
  if (include.has('requester')) {
    const r = t.requester;
    body.requester = { id: r.id, name: r.name, email: r.email, mobile: r.mobile, phone: r.phone };
  }
  return body;
}

/** One item of `GET /api/v2/tickets/:id/conversations` (conversations_list.response.json). */
export function renderConversation(c: ConversationRecord) {
  return {
    body_text: c.bodyText,
    body: c.body,
    id: c.id,
    incoming: c.incoming,
    private: c.private,
    user_id: c.userId,
    support_email: c.supportEmail,
    source: c.source,
    ticket_id: c.ticketId,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    from_email: c.fromEmail,
    to_emails: [...c.toEmails],
    cc_emails: [...c.ccEmails],
    bcc_emails: [...c.bccEmails],
    attachments: c.attachments.map(renderAttachment),
    last_edited_at: c.lastEditedAt,
    last_edited_user_id: c.lastEditedUserId,
  };
}

/** `POST /api/v2/tickets/:id/notes` → 201 (note_create.response.json). */
export function renderCreatedNote(c: ConversationRecord) {
  return {
    body_text: c.bodyText,
    body: c.body,
    id: c.id,
    incoming: c.incoming,
    private: c.private,
    user_id: c.userId,
    support_email: c.supportEmail,
    ticket_id: c.ticketId,
    notified_to: [...c.notifiedTo],
    attachments: c.attachments.map(renderAttachment),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

/** Freshdesk's validation error body: `{"description":"Validation failed","errors":[{field,message,code}]}`. */
export function validationError(errors: Array<{ field?: string; message: string; code: string }>) {
  return { description: 'Validation failed', errors };
}

/** Plain text from HTML, the way `description_text` / `body_text` read. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{2,}/g, '\n')
    .trim();
}
