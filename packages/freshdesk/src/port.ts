import type { Readable } from 'node:stream';

/**
 * The Freshdesk port: what the bridge needs from Freshdesk, shaped by its use
 * cases, not a re-export of the REST API. Failures arrive sorted as
 * @devops/errors kinds: NotFoundError (404), TemporaryError (429, 5xx,
 * network, timeouts; already retried with backoff before it reaches you),
 * PermanentError (400, 401, 403, other 4xx, answers that make no sense).
 * ConflictError for 409. Callers never see HTTP status codes or axios errors.
 */

export interface Attachment {
  id: number;
  name: string;
  contentType: string | null;
  /** Bytes, from `file_size` (or `size`, which one official example uses instead); null if neither. */
  size: number | null;
  /** `attachment_url`: usually a pre-signed, expiring URL on another host (S3/CDN). */
  url: string;
  createdAt: string | null;
}

export interface Requester {
  id: number;
  name: string | null;
  email: string | null;
}

export interface Ticket {
  id: number;
  subject: string;
  /** HTML. */
  description: string;
  /** Plain text as Freshdesk rendered it. */
  descriptionText: string;
  /** 2 Open, 3 Pending, 4 Resolved, 5 Closed; accounts may define more. */
  status: number;
  /** 1 Low, 2 Medium, 3 High, 4 Urgent. */
  priority: number;
  type: string | null;
  requesterId: number | null;
  /** Embedded with `include=requester`; null when Freshdesk did not send it. */
  requester: Requester | null;
  tags: string[];
  /** Keyed by the field's API name (`cf_gitlab_issue`); blank fields are null. */
  customFields: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  attachments: Attachment[];
}

export interface Conversation {
  id: number;
  ticketId: number;
  /** HTML. */
  body: string;
  bodyText: string;
  /** true for private notes. */
  private: boolean;
  /** true for messages from the customer. */
  incoming: boolean;
  /** 0 reply, 2 note, ... (Freshdesk's conversation source); null when absent. */
  source: number | null;
  userId: number | null;
  fromEmail: string | null;
  toEmails: string[];
  createdAt: string;
  updatedAt: string;
  attachments: Attachment[];
}

export interface AttachmentDownload {
  /** The bytes, streamed as they arrive; errors on it are @devops/errors kinds. */
  stream: Readable;
  /** Content-Length, when the server sent one. */
  size: number | null;
  contentType: string | null;
}

export interface TicketChanges {
  /** Merged into the ticket's custom fields by Freshdesk; name them by API name (`cf_...`). */
  customFields?: Record<string, string | number | boolean | null>;
  /** Replaces the ticket's whole tag list (read, merge, then write to add one). */
  tags?: string[];
}

export interface FreshdeskPort {
  /** The ticket with its requester embedded. NotFoundError when it does not exist. */
  getTicket(ticketId: number): Promise<Ticket>;
  /** Every conversation (replies and notes) through every page, oldest first. */
  listConversations(ticketId: number): Promise<Conversation[]>;
  /**
   * Streams an attachment. The API key is sent only when the URL is on the
   * Freshdesk host itself, never to the storage host of a pre-signed URL.
   * With `maxBytes`, a larger attachment fails with PermanentError before
   * (or, without Content-Length, while) streaming.
   * With `allowedHosts`, the URL and every redirect must stay on those hosts
   * (`host` with port); any other host is refused (RefusedError) before it is contacted.
   * The URL and every redirect must be https and resolve only to public
   * addresses (RefusedError otherwise, before connecting), unless
   * `allowPrivateHosts` (test doubles only). A storage host answering 403
   * fails with AttachmentLinkExpiredError: read the ticket again for a fresh link.
   * `size` is the Content-Length the download actually checked its bytes against.
   */
  downloadAttachment(
    url: string,
    opts?: { maxBytes?: number; allowedHosts?: ReadonlySet<string>; allowPrivateHosts?: boolean },
  ): Promise<AttachmentDownload>;
  /**
   * Adds a private note. Not idempotent (Freshdesk has no idempotency key):
   * resent only when Freshdesk surely did nothing (429, 502, 503, no
   * connection made: the POST-resend rule of @devops/failures); after a 500,
   * 504, reset or timeout the TemporaryError goes to the caller, who checks
   * the conversations before trying again.
   */
  addPrivateNote(ticketId: number, bodyHtml: string): Promise<Conversation>;
  /** One PUT with the changes; returns the ticket as Freshdesk answered it. */
  updateTicket(ticketId: number, changes: TicketChanges): Promise<Ticket>;
  /** The agent-facing link: `<FRESHDESK_URL>/a/tickets/<id>`. */
  ticketUrl(ticketId: number): string;
}
