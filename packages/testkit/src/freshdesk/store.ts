import { createHmac, randomBytes } from 'node:crypto';
import type {
  AddConversationInput,
  AddTicketInput,
  AttachmentInput,
  AttachmentRecord,
  ConversationRecord,
  PersonRecord,
  TicketRecord,
} from './model';
import { htmlToText } from './render';

/** Freshdesk timestamps: UTC, `YYYY-MM-DDTHH:MM:SSZ`. */
export function freshdeskTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `X-Amz-Date` form: `20240101T000000Z`. */
export function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** The agent whose API key the double accepts: notes added through the API are theirs. */
export const API_AGENT: PersonRecord = {
  id: 1001,
  name: 'Support Agent',
  email: 'agent@example.com',
  mobile: null,
  phone: null,
};

export type FreshdeskStore = ReturnType<typeof createFreshdeskStore>;

/**
 * Tickets, conversations and attachments, with ids and a logical clock (one
 * minute per created record, from 2024-01-01) so order and timestamps are
 * deterministic.
 */
export function createFreshdeskStore(opts: {
  attachmentOrigin: () => string;
  customFields: string[];
  /** When set, links expire this long after they were handed out (each ticket read hands out fresh ones). */
  attachmentLinkTtlMs?: number;
  now: () => number;
}) {
  const tickets = new Map<number, TicketRecord>();
  const attachments = new Map<number, AttachmentRecord>();
  const people = new Map<string, PersonRecord>();
  const definedFields = new Set(opts.customFields);
  const signingKey = randomBytes(16);
  let nextTicketId = 1;
  let nextConversationId = 1;
  let nextAttachmentId = 5000;
  let nextPersonId = 2001;
  let clock = Date.parse('2024-01-01T00:00:00Z');
  const tick = () => freshdeskTime((clock += 60_000));

  const sign = (id: number, issuedAt: string) =>
    createHmac('sha256', signingKey).update(`${id}:${issuedAt}`).digest('hex');

  /** A pre-signed link issued now: `X-Amz-Date` (when) and `X-Amz-Expires` (seconds) are covered by the signature. */
  function presign(record: Pick<AttachmentRecord, 'id' | 'name'>): string {
    const issuedAt = amzDate(opts.now());
    const expires = Math.ceil((opts.attachmentLinkTtlMs ?? 300_000) / 1000);
    const path = `/data/helpdesk/attachments/production/${record.id}/original/${encodeURIComponent(record.name)}`;
    const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${issuedAt}&X-Amz-Expires=${expires}&X-Amz-Signature=${sign(record.id, issuedAt)}`;
    return `${opts.attachmentOrigin()}${path}?${query}`;
  }

  /** With expiring links: a read of the ticket hands out fresh links (links a test replaced are kept). */
  function refreshLinks(list: AttachmentRecord[]): void {
    if (opts.attachmentLinkTtlMs === undefined) return;
    for (const a of list) if (a.url.startsWith(`${opts.attachmentOrigin()}/data/`)) a.url = presign(a);
  }

  function person(input: { name?: string; email?: string } = {}): PersonRecord {
    const email = input.email ?? 'customer@example.com';
    const known = people.get(email);
    if (known) return known;
    const p = {
      id: nextPersonId++,
      name: input.name ?? email.split('@')[0] ?? email,
      email,
      mobile: null,
      phone: null,
    };
    people.set(email, p);
    return p;
  }

  function attachment(input: AttachmentInput, createdAt: string): AttachmentRecord {
    const id = nextAttachmentId++;
    const content = input.content === undefined ? null : Buffer.from(input.content);
    const size = content ? content.length : (input.size ?? 0);
    const record: AttachmentRecord = {
      id,
      name: input.name,
      contentType: input.contentType ?? 'application/octet-stream',
      size,
      declaredSize: input.declaredSize ?? size,
      content,
      seed: input.seed ?? String(id),
      createdAt,
      updatedAt: createdAt,
      url: presign({ id, name: input.name }),
    };
    attachments.set(id, record);
    return record;
  }

  function withAllFields(values: Record<string, unknown> = {}): Record<string, unknown> {
    for (const key of Object.keys(values)) definedFields.add(key);
    const out: Record<string, unknown> = {};
    for (const key of definedFields) out[key] = key in values ? values[key] : null;
    return out;
  }

  function addTicket(input: AddTicketInput = {}): TicketRecord {
    const id = input.id ?? nextTicketId;
    if (tickets.has(id)) throw new Error(`ticket ${id} already exists in the Freshdesk double`);
    nextTicketId = Math.max(nextTicketId, id + 1);
    const createdAt = input.createdAt ?? tick();
    const description = input.description ?? '<div>Not given.</div>';
    const ticket: TicketRecord = {
      id,
      subject: input.subject ?? `Ticket ${id}`,
      description,
      descriptionText: input.descriptionText ?? htmlToText(description),
      status: input.status ?? 2,
      priority: input.priority ?? 1,
      type: input.type === undefined ? 'Question' : input.type,
      source: 2,
      requester: person(input.requester),
      responderId: null,
      groupId: null,
      companyId: null,
      tags: [...(input.tags ?? [])],
      customFields: withAllFields(input.customFields),
      ccEmails: [],
      attachments: (input.attachments ?? []).map((a) => attachment(a, createdAt)),
      conversations: [],
      createdAt,
      updatedAt: createdAt,
      dueBy: freshdeskTime(Date.parse(createdAt) + 3 * 86_400_000),
      frDueBy: freshdeskTime(Date.parse(createdAt) + 86_400_000),
    };
    // every ticket shows every field the account defines
    for (const t of tickets.values()) t.customFields = { ...withAllFields(), ...t.customFields };
    tickets.set(id, ticket);
    return ticket;
  }

  function addConversation(ticketId: number, input: AddConversationInput = {}): ConversationRecord {
    const ticket = tickets.get(ticketId);
    if (!ticket) throw new Error(`no ticket ${ticketId} in the Freshdesk double`);
    const createdAt = input.createdAt ?? tick();
    const isPrivate = input.private ?? false;
    const incoming = input.incoming ?? false;
    const body = input.body ?? `<div>Message ${ticket.conversations.length + 1}</div>`;
    const conversation: ConversationRecord = {
      id: nextConversationId++,
      ticketId,
      body,
      bodyText: input.bodyText ?? htmlToText(body),
      incoming,
      private: isPrivate,
      userId: input.userId ?? (incoming ? ticket.requester.id : API_AGENT.id),
      supportEmail: null,
      source: input.source ?? (isPrivate ? 2 : 0),
      fromEmail: input.fromEmail === undefined ? (incoming ? ticket.requester.email : null) : input.fromEmail,
      toEmails: [...(input.toEmails ?? [])],
      ccEmails: [],
      bccEmails: [],
      notifiedTo: [],
      attachments: (input.attachments ?? []).map((a) => attachment(a, createdAt)),
      createdAt,
      updatedAt: createdAt,
      lastEditedAt: null,
      lastEditedUserId: null,
    };
    ticket.conversations.push(conversation);
    ticket.updatedAt = createdAt;
    return conversation;
  }

  return {
    tickets,
    attachments,
    definedFields,
    sign,
    refreshLinks,
    tick,
    addTicket,
    addConversation,
  };
}
