import type { IncomingMessage } from 'node:http';
import { renderConversation, renderCreatedNote, renderTicket, validationError, htmlToText } from './render';
import { API_AGENT, type FreshdeskStore } from './store';

export interface ApiAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Extra API credits this call costs (each include costs one). */
  extraCredits?: number;
  /** No route of the double matched (a missing ticket is not this). */
  unknownRoute?: boolean;
}

export interface ApiRequest {
  method: string;
  url: URL;
  /** Parsed JSON body (undefined when none). */
  body: unknown;
  /** The raw body could not be parsed as JSON. */
  invalidJson: boolean;
  req: IncomingMessage;
}

const INCLUDES = ['conversations', 'requester', 'company', 'stats'];
const UPDATABLE = new Set(['custom_fields', 'tags', 'status', 'priority', 'subject', 'type']);
const NOTE_FIELDS = new Set(['body', 'private', 'notify_emails', 'incoming', 'user_id']);

function invalid(errors: Array<{ field?: string; message: string; code: string }>): ApiAnswer {
  return { status: 400, body: validationError(errors) };
}

function positiveInt(raw: string | null, max?: number): number | null | 'invalid' {
  if (raw === null) return null;
  if (!/^\d+$/.test(raw)) return 'invalid';
  const n = Number(raw);
  if (n < 1 || (max !== undefined && n > max)) return 'invalid';
  return n;
}

function needsJson(r: ApiRequest): ApiAnswer | undefined {
  const type = r.req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return {
      status: 415,
      body: { code: 'invalid_content_type', message: 'Content-Type header should have application/json' },
    };
  }
  if (r.invalidJson || r.body === null || typeof r.body !== 'object' || Array.isArray(r.body)) {
    return invalid([{ code: 'invalid_json', message: 'Request body has invalid json format' }]);
  }
  return undefined;
}

function viewTicket(store: FreshdeskStore, id: number, r: ApiRequest): ApiAnswer {
  const ticket = store.tickets.get(id);
  // Freshdesk documents the 404 status but no body for it: answered empty
  if (!ticket) return { status: 404 };
  const includeRaw = r.url.searchParams.get('include');
  const include = new Set(includeRaw ? includeRaw.split(',').map((s) => s.trim()) : []);
  for (const name of include) {
    if (!INCLUDES.includes(name)) {
      return invalid([
        {
          field: 'include',
          message: `It should be one/a comma separated list of '${INCLUDES.join(',')}'`,
          code: 'invalid_value',
        },
      ]);
    }
  }
  store.refreshLinks(ticket.attachments);
  return { status: 200, body: renderTicket(ticket, include), extraCredits: include.size };
}

function listConversations(store: FreshdeskStore, id: number, r: ApiRequest): ApiAnswer {
  const ticket = store.tickets.get(id);
  if (!ticket) return { status: 404 };
  const perPage = positiveInt(r.url.searchParams.get('per_page'), 100);
  const page = positiveInt(r.url.searchParams.get('page'));
  const errors = [];
  if (perPage === 'invalid')
    errors.push({
      field: 'per_page',
      message: 'It should be a Positive Integer less than or equal to 100',
      code: 'invalid_value',
    });
  if (page === 'invalid')
    errors.push({ field: 'page', message: 'It should be a Positive Integer', code: 'invalid_value' });
  if (errors.length) return invalid(errors);
  const size = (perPage as number | null) ?? 30;
  const current = (page as number | null) ?? 1;
  const all = ticket.conversations;
  const items = all.slice((current - 1) * size, current * size);
  const headers: Record<string, string> = {};
  if (current * size < all.length) {
    const next = new URL(r.url.toString());
    next.searchParams.set('page', String(current + 1));
    headers.link = `<${next.toString()}>; rel="next"`;
  }
  store.refreshLinks(items.flatMap((c) => c.attachments));
  return { status: 200, body: items.map(renderConversation), headers };
}

function addNote(store: FreshdeskStore, id: number, r: ApiRequest): ApiAnswer {
  const ticket = store.tickets.get(id);
  if (!ticket) return { status: 404 };
  const bad = needsJson(r);
  if (bad) return bad;
  const input = r.body as Record<string, unknown>;
  const errors = [];
  for (const key of Object.keys(input)) {
    if (!NOTE_FIELDS.has(key))
      errors.push({ field: key, message: 'Unexpected/invalid field in request', code: 'invalid_field' });
  }
  if (input.body === undefined)
    errors.push({ field: 'body', message: 'Mandatory attribute missing', code: 'missing_field' });
  else if (typeof input.body !== 'string')
    errors.push({ field: 'body', message: 'It should be a/an String', code: 'datatype_mismatch' });
  if (input.private !== undefined && typeof input.private !== 'boolean') {
    errors.push({ field: 'private', message: 'It should be a/an Boolean', code: 'datatype_mismatch' });
  }
  const notify = input.notify_emails;
  if (notify !== undefined && !(Array.isArray(notify) && notify.every((e) => typeof e === 'string'))) {
    errors.push({ field: 'notify_emails', message: 'It should be a/an Array', code: 'datatype_mismatch' });
  }
  if (errors.length) return invalid(errors);
  const body = input.body as string;
  const added = store.addConversation(id, {
    body,
    bodyText: htmlToText(body),
    incoming: input.incoming === true,
    // "private ... The default value is true."
    private: input.private !== false,
    source: 2,
    userId: typeof input.user_id === 'number' ? input.user_id : API_AGENT.id,
    fromEmail: null,
  });
  added.notifiedTo = [...((notify as string[] | undefined) ?? [])];
  return {
    status: 201,
    body: renderCreatedNote(added),
    headers: { location: `${r.url.origin}/api/v2/conversations/${added.id}` },
  };
}

function updateTicket(store: FreshdeskStore, id: number, r: ApiRequest): ApiAnswer {
  const ticket = store.tickets.get(id);
  if (!ticket) return { status: 404 };
  const bad = needsJson(r);
  if (bad) return bad;
  const input = r.body as Record<string, unknown>;
  const errors = [];
  for (const key of Object.keys(input)) {
    if (!UPDATABLE.has(key))
      errors.push({ field: key, message: 'Unexpected/invalid field in request', code: 'invalid_field' });
  }
  const cf = input.custom_fields;
  if (cf !== undefined) {
    if (cf === null || typeof cf !== 'object' || Array.isArray(cf)) {
      errors.push({
        field: 'custom_fields',
        message: 'It should be a/an key/value pair',
        code: 'datatype_mismatch',
      });
    } else {
      for (const [key, value] of Object.entries(cf)) {
        if (!store.definedFields.has(key))
          errors.push({ field: key, message: 'Unexpected/invalid field in request', code: 'invalid_field' });
        else if (value !== null && typeof value === 'object')
          errors.push({ field: key, message: 'It should be a/an String', code: 'datatype_mismatch' });
      }
    }
  }
  const tags = input.tags;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) {
    errors.push({ field: 'tags', message: 'It should be a/an Array', code: 'datatype_mismatch' });
  }
  for (const key of ['status', 'priority'] as const) {
    if (input[key] !== undefined && !Number.isInteger(input[key]))
      errors.push({ field: key, message: 'It should be a/an Integer', code: 'datatype_mismatch' });
  }
  if (errors.length) return invalid(errors);
  if (cf) ticket.customFields = { ...ticket.customFields, ...(cf as Record<string, unknown>) };
  // decision: PUT tags replaces the list (what the verb says; Freshdesk's docs are silent)
  if (tags) ticket.tags = [...new Set(tags as string[])];
  if (typeof input.status === 'number') ticket.status = input.status;
  if (typeof input.priority === 'number') ticket.priority = input.priority;
  if (typeof input.subject === 'string') ticket.subject = input.subject;
  if (input.type !== undefined) ticket.type = typeof input.type === 'string' ? input.type : null;
  ticket.updatedAt = store.tick();
  return { status: 200, body: renderTicket(ticket) };
}

/** One of the API routes the double implements. */
export interface ApiRoute {
  kind: 'view' | 'update' | 'conversations' | 'notes';
  ticketId: number;
}

/**
 * Which route of the double `method path` is; otherwise what Freshdesk answers (its docs: "404 Requested
 * Resource not Found" for an invalid URL, no body documented, so none; "405 Method not allowed" for a verb the
 * path does not take), marked `unknownRoute`. A missing ticket is a known route: `answerApi` answers its 404.
 */
export function findApiRoute(method: string, pathname: string): ApiRoute | ApiAnswer {
  const path = pathname.replace(/\/+$/, '');
  const ticketMatch = /^\/api\/v2\/tickets\/(\d+)(\/conversations|\/notes)?$/.exec(path);
  if (!ticketMatch) return { status: 404, unknownRoute: true };
  const ticketId = Number(ticketMatch[1]);
  const sub = ticketMatch[2];
  const allowed = sub === '/conversations' ? ['GET'] : sub === '/notes' ? ['POST'] : ['GET', 'PUT'];
  if (!allowed.includes(method)) {
    return {
      status: 405,
      body: { message: `${allowed.join(', ')} method(s) allowed. Got ${method}` },
      headers: { allow: allowed.join(', ') },
      unknownRoute: true,
    };
  }
  if (sub === '/conversations') return { kind: 'conversations', ticketId };
  if (sub === '/notes') return { kind: 'notes', ticketId };
  return { kind: method === 'PUT' ? 'update' : 'view', ticketId };
}

/** Answers one of the double's routes the way Freshdesk does. */
export function answerApi(store: FreshdeskStore, route: ApiRoute, r: ApiRequest): ApiAnswer {
  if (route.kind === 'conversations') return listConversations(store, route.ticketId, r);
  if (route.kind === 'notes') return addNote(store, route.ticketId, r);
  if (route.kind === 'update') return updateTicket(store, route.ticketId, r);
  return viewTicket(store, route.ticketId, r);
}
