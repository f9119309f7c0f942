import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosBasicCredentials, type AxiosRequestConfig } from 'axios';
import { PermanentError } from '@devops/errors';
import type { Logger } from '@devops/logger';
import type { Conversation, FreshdeskPort, Ticket, TicketChanges } from './port';
import type { RetryOptions } from '@devops/failures';
import { requestWithRetry, type RetryDeps } from './request-with-retry';
import { downloadAttachment } from './download-attachment';
import { resolveWithDns, type ResolveHost } from './resolve-attachment-host';
import { mapTicket } from './map-ticket';
import { mapConversation } from './map-conversation';
import { nextPageUrl } from './next-page-url';

export interface FreshdeskOptions {
  /** `https://acme.freshdesk.com` (FRESHDESK_URL); a trailing slash is fine. */
  url: string;
  /** FRESHDESK_API_KEY: sent as the basic-auth user with password `X`, to this host only. */
  apiKey: string;
  log: Logger;
  /** Per request: connecting, waiting for an answer, and any pause in a body (default 30 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  /**
   * The process's shutdown signal (SIGTERM): a retry wait (a long Retry-After) ends at once with a
   * TemporaryError. Requests already sent are not cut.
   */
  signal?: AbortSignal;
  /** How attachment hosts are resolved before their addresses are checked (default: the system resolver). */
  resolveHost?: ResolveHost;
}

/** Freshdesk caps per_page at 100 ("Support for page sizes up to 100"). */
const PER_PAGE = 100;
/** 5,000 conversations per ticket is Freshdesk's published ceiling: 50 pages; anything far past it is a loop. */
const MAX_PAGES = 500;

function requireTicketId(ticketId: number): number {
  if (!Number.isSafeInteger(ticketId) || ticketId <= 0) {
    throw new PermanentError(
      `Freshdesk ticket id must be a positive whole number, got ${JSON.stringify(ticketId)}`,
    );
  }
  return ticketId;
}

function byAge(a: Conversation, b: Conversation): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id;
}

/**
 * The Freshdesk API v2 client behind FreshdeskPort (axios): basic auth with
 * the API key, a timeout on every request, the suite's retry policy and
 * failure kinds (@devops/failures), errors that never carry the key.
 */
export function createFreshdesk(opts: FreshdeskOptions): FreshdeskPort {
  const base = new URL(opts.url.replace(/\/+$/, ''));
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new PermanentError('FRESHDESK_URL must be an http(s) URL');
  }
  const baseUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const apiOrigin = base.origin;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const auth: AxiosBasicCredentials = { username: opts.apiKey, password: 'X' };
  const log = opts.log;
  const retry: RetryDeps = { retry: { ...opts.retry, ...(opts.signal ? { signal: opts.signal } : {}) }, log };
  const now = retry.retry.now ?? Date.now;

  const client = axios.create({
    timeout: timeoutMs,
    headers: { Accept: 'application/json', 'User-Agent': 'devops-suite-freshdesk-bridge' },
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
    maxRedirects: 0,
    // no proxy from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY, which axios would read from the environment by itself:
    // like every client of the suite, this one connects where its settings say (and downloads where checked)
    proxy: false,
    // responses are parsed as JSON; nothing else is expected from the API
    responseType: 'json',
  });

  async function api<T>(method: 'GET' | 'POST' | 'PUT', path: string, config: AxiosRequestConfig = {}) {
    const url = path.startsWith('http') ? path : `${baseUrl}${path}`;
    const where = new URL(url);
    if (where.origin !== apiOrigin) {
      throw new PermanentError(
        `Freshdesk pointed at another host (${where.origin}); not sending the API key there`,
      );
    }
    const label = { method, where: `${where.origin}${where.pathname}` };
    const started = now();
    const res = await requestWithRetry(retry, label, () =>
      client.request<T>({ ...config, method, url, auth }),
    );
    log.debug(`Freshdesk ${method} ${where.pathname} -> ${res.status} in ${now() - started} ms`, {
      rateLimitRemaining: res.headers['x-ratelimit-remaining'],
    });
    return res;
  }

  async function getTicket(ticketId: number): Promise<Ticket> {
    const id = requireTicketId(ticketId);
    const res = await api('GET', `/api/v2/tickets/${id}`, { params: { include: 'requester' } });
    return mapTicket(res.data);
  }

  async function listConversations(ticketId: number): Promise<Conversation[]> {
    const id = requireTicketId(ticketId);
    const all: Conversation[] = [];
    const seen = new Set<string>();
    let next: string | undefined = `${baseUrl}/api/v2/tickets/${id}/conversations?per_page=${PER_PAGE}`;
    while (next) {
      if (seen.has(next) || seen.size >= MAX_PAGES) {
        throw new PermanentError(`Freshdesk conversations of ticket ${id}: pagination does not end`);
      }
      seen.add(next);
      const res = await api<unknown>('GET', next);
      if (!Array.isArray(res.data)) {
        throw new PermanentError(
          `Freshdesk conversations of ticket ${id}: the answer is not a list (check FRESHDESK_URL)`,
        );
      }
      for (const c of res.data) all.push(mapConversation(c));
      next = nextPageUrl(res.headers.link, next);
    }
    // Freshdesk lists oldest first already; sorting makes it a promise rather than a hope
    return all.sort(byAge);
  }

  async function addPrivateNote(ticketId: number, bodyHtml: string): Promise<Conversation> {
    const id = requireTicketId(ticketId);
    if (typeof bodyHtml !== 'string' || bodyHtml.trim() === '') {
      throw new PermanentError('a Freshdesk note needs a body');
    }
    const res = await api('POST', `/api/v2/tickets/${id}/notes`, { data: { body: bodyHtml, private: true } });
    const note = mapConversation(res.data);
    log.info(`added a private note to Freshdesk ticket ${id}`, { noteId: note.id });
    return note;
  }

  async function updateTicket(ticketId: number, changes: TicketChanges): Promise<Ticket> {
    const id = requireTicketId(ticketId);
    const body: Record<string, unknown> = {};
    if (changes.customFields && Object.keys(changes.customFields).length > 0)
      body.custom_fields = changes.customFields;
    if (changes.tags) body.tags = changes.tags;
    if (Object.keys(body).length === 0) throw new PermanentError('nothing to update on the Freshdesk ticket');
    const res = await api('PUT', `/api/v2/tickets/${id}`, { data: body });
    log.info(`updated Freshdesk ticket ${id}`, { fields: Object.keys(body) });
    return mapTicket(res.data);
  }

  return {
    getTicket,
    listConversations,
    addPrivateNote,
    updateTicket,
    downloadAttachment: (url, o) =>
      downloadAttachment(
        { http: client, apiOrigin, auth, retry, timeoutMs, resolve: opts.resolveHost ?? resolveWithDns },
        url,
        o,
      ),
    ticketUrl: (ticketId) => `${baseUrl}/a/tickets/${requireTicketId(ticketId)}`,
  };
}
