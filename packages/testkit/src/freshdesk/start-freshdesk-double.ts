import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import {
  recordUnknownRoutes,
  type StrictnessOptions,
  type UnknownRequest,
} from '../strict/record-unknown-routes';
import { answerApi, findApiRoute, type ApiAnswer } from './api-routes';
import { generatedBytes, generatedBytesMd5 } from './attachment-bytes';
import { takeFault, toActiveFault, type ActiveFreshdeskFault, type FreshdeskFaultSpec } from './faults';
import { listen, readJson, send } from './http';
import type {
  AddConversationInput,
  AddTicketInput,
  AttachmentRecord,
  ConversationRecord,
  TicketRecord,
} from './model';
import { serveAttachment } from './serve-attachment';
import { createFreshdeskStore } from './store';

export interface FreshdeskLoggedRequest {
  host: 'api' | 'attachments';
  method: string;
  /** Path as sent, without the query. */
  path: string;
  query: Record<string, string>;
  /** 0 when the double reset the connection or never answered. */
  status: number;
  /** Whether an Authorization header came with it (the attachment host must never see the API key). */
  authorization: boolean;
  /** Parsed JSON body of POST/PUT. */
  body?: unknown;
  fault?: boolean;
  /** Attachment bytes written so far (updated live while streaming). */
  bytesSent?: number;
  /** True when no route of the double matched (see `unknownRequests()`). */
  unknownRoute?: boolean;
}

export interface FreshdeskDoubleOptions extends StrictnessOptions {
  /** The valid API key (default: random). */
  apiKey?: string;
  /** Custom fields the account defines (default ['cf_gitlab_issue']); every ticket shows them, null when unset. */
  customFields?: string[];
  /** API credits per minute (X-RateLimit-Total); past it, 429 with Retry-After (default 5000). */
  rateLimitPerMinute?: number;
  /**
   * Attachment links expire this long after a read handed them out (like
   * Freshdesk's pre-signed S3 links): the storage host then answers 403, and
   * a new read of the ticket or its conversations hands out fresh ones.
   * Default: links never expire.
   */
  attachmentLinkTtlMs?: number;
  /** The clock link expiry is judged by (default Date.now). */
  now?: () => number;
}

export interface FreshdeskDouble {
  /** The API base URL (FRESHDESK_URL), http://127.0.0.1:PORT. */
  url: string;
  apiKey: string;
  /** Where attachment URLs point: another host (http://localhost:PORT2), like Freshdesk's S3/CDN URLs. */
  attachmentsUrl: string;
  addTicket(input?: AddTicketInput): TicketRecord;
  addConversation(ticketId: number, input?: AddConversationInput): ConversationRecord;
  /** Live state: notes added through the API, custom fields and tags as PUT left them. */
  ticket(id: number): TicketRecord | undefined;
  attachment(id: number): AttachmentRecord | undefined;
  /** The attachment's bytes, as a fresh stream (generated ones are never held in memory). */
  attachmentContent(id: number): Readable;
  /** MD5 (hex) of the attachment's bytes. */
  attachmentMd5(id: number): Promise<string>;
  readonly requests: FreshdeskLoggedRequest[];
  clearRequests(): void;
  /**
   * Requests that matched no route of the double: an API path it does not serve (404), a verb its path does
   * not take (405), a verb other than GET/HEAD on the storage host (405). A missing ticket or attachment is
   * not one of them. `close()` rejects naming them unless `allowUnknownRoutes` was given.
   */
  unknownRequests(): UnknownRequest[];
  injectFault(fault: FreshdeskFaultSpec): void;
  clearFaults(): void;
  /** Stops the double; then rejects if it got requests for routes it does not implement (see above). */
  close(): Promise<void>;
}

/**
 * A Freshdesk API v2 double on loopback: tickets, conversations (paginated
 * with `link` headers), private notes, ticket updates, basic auth with the API
 * key, rate-limit headers and 429s; attachments served streamed from a second
 * listener on another host name, as pre-signed URLs.
 */
export async function startFreshdeskDouble(opts: FreshdeskDoubleOptions = {}): Promise<FreshdeskDouble> {
  const apiKey = opts.apiKey ?? randomBytes(15).toString('base64url');
  const rateLimit = opts.rateLimitPerMinute ?? 5000;
  const requests: FreshdeskLoggedRequest[] = [];
  const unknown = recordUnknownRoutes(
    'Freshdesk',
    "Teach the double the route (packages/testkit/src/freshdesk/api-routes.ts, from Freshdesk's API docs) or " +
      'fix the caller; only a test that sends an unknown route on purpose starts its double with allowUnknownRoutes.',
    opts,
  );
  let faults: ActiveFreshdeskFault[] = [];
  const sockets = new Set<Socket>();
  let attachmentsUrl = '';
  const store = createFreshdeskStore({
    attachmentOrigin: () => attachmentsUrl,
    customFields: opts.customFields ?? ['cf_gitlab_issue'],
    ...(opts.attachmentLinkTtlMs !== undefined ? { attachmentLinkTtlMs: opts.attachmentLinkTtlMs } : {}),
    now: opts.now ?? Date.now,
  });
  let windowStart = Date.now();
  let used = 0;

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+(.+)$/i.exec(header);
    if (!m?.[1]) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const user = decoded.slice(0, decoded.includes(':') ? decoded.indexOf(':') : undefined);
    return user === apiKey;
  };

  /** Answers the fault; true when it took over the response. */
  async function applyFault(
    fault: ActiveFreshdeskFault,
    res: ServerResponse,
    entry: FreshdeskLoggedRequest,
    extra: Record<string, string>,
  ) {
    if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.network === 'hang') {
      entry.fault = true;
      return true;
    }
    if (fault.network === 'reset') {
      entry.fault = true;
      res.socket?.destroy();
      return true;
    }
    if (typeof fault.status !== 'number') return false;
    entry.fault = true;
    entry.status = fault.status;
    const headers: Record<string, string> = { ...extra };
    if (fault.status === 429 || fault.retryAfter !== undefined)
      headers['retry-after'] = String(fault.retryAfter ?? 1);
    if (fault.status === 429) headers['x-ratelimit-remaining'] = '0';
    send(res, fault.status, fault.body, headers);
    return true;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const { body, invalidJson } =
      method === 'GET' ? { body: undefined, invalidJson: false } : await readJson(req);
    const entry: FreshdeskLoggedRequest = {
      host: 'api',
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      authorization: req.headers.authorization !== undefined,
      ...(body !== undefined ? { body } : {}),
    };
    requests.push(entry);
    const route = findApiRoute(method, url.pathname);
    if ('unknownRoute' in route && route.unknownRoute) {
      entry.unknownRoute = true;
      unknown.add(method, url.pathname);
    }

    const now = Date.now();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      used = 0;
    }
    const rateHeaders = (credits: number): Record<string, string> => ({
      'x-ratelimit-total': String(rateLimit),
      'x-ratelimit-remaining': String(Math.max(0, rateLimit - used)),
      'x-ratelimit-used-currentrequest': String(credits),
      'x-freshdesk-api-version': 'latest=v2; requested=v2',
    });

    const fault = takeFault(faults, 'api', method, url.pathname);
    if (fault && (await applyFault(fault, res, entry, rateHeaders(1)))) return;

    if (!authorized(req)) {
      entry.status = 401;
      return send(res, 401, {
        code: 'invalid_credentials',
        message: 'You have to be logged in to perform this action.',
      });
    }
    if (used >= rateLimit) {
      entry.status = 429;
      const retryAfter = Math.max(1, Math.ceil((windowStart + 60_000 - now) / 1000));
      return send(res, 429, undefined, { ...rateHeaders(0), 'retry-after': String(retryAfter) });
    }
    let answer: ApiAnswer;
    try {
      answer = 'kind' in route ? answerApi(store, route, { method, url, body, invalidJson, req }) : route;
    } catch (err) {
      answer = { status: 500, body: { code: 'internal_error', message: String(err) } };
    }
    const credits = 1 + (answer.extraCredits ?? 0);
    used += credits;
    entry.status = answer.status;
    send(res, answer.status, answer.body, { ...rateHeaders(credits), ...(answer.headers ?? {}) });
  }

  const track = (server: Server) =>
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });

  const api = track(
    createServer((req, res) => {
      handleApi(req, res).catch((err) => send(res, 500, { message: String(err) }));
    }),
  );
  const attachmentHandler = (req: IncomingMessage, res: ServerResponse) => {
    serveAttachment(req, res, {
      store,
      log: (e) => requests.push(e),
      unknownRoute: (method, path) => unknown.add(method, path),
      fault: (method, path) => takeFault(faults, 'attachments', method, path),
      applyFault,
      linkTtlMs: opts.attachmentLinkTtlMs,
      now: opts.now ?? Date.now,
    }).catch((err) => send(res, 500, String(err)));
  };
  const files = track(createServer(attachmentHandler));
  const files6 = track(createServer(attachmentHandler));

  const apiPort = await listen(api, '127.0.0.1', 0);
  const filesPort = await listen(files, '127.0.0.1', 0);
  // "localhost" may resolve to ::1 first: serve it there too when the machine has IPv6 loopback
  const files6Listening = await listen(files6, '::1', filesPort).then(
    () => true,
    () => false,
  );
  attachmentsUrl = `http://localhost:${filesPort}`;

  const attachmentOrThrow = (id: number) => {
    const a = store.attachments.get(id);
    if (!a) throw new Error(`no attachment ${id} in the Freshdesk double`);
    return a;
  };

  return {
    url: `http://127.0.0.1:${apiPort}`,
    apiKey,
    attachmentsUrl,
    addTicket: (input) => store.addTicket(input),
    addConversation: (ticketId, input) => store.addConversation(ticketId, input),
    ticket: (id) => store.tickets.get(id),
    attachment: (id) => store.attachments.get(id),
    attachmentContent: (id) => {
      const a = attachmentOrThrow(id);
      return a.content ? Readable.from([a.content]) : generatedBytes(a.seed, a.size);
    },
    attachmentMd5: async (id) => {
      const a = attachmentOrThrow(id);
      if (a.content) return createHash('md5').update(a.content).digest('hex');
      return generatedBytesMd5(a.seed, a.size);
    },
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    unknownRequests: () => unknown.list(),
    injectFault: (fault) => {
      faults.push(toActiveFault(fault));
    },
    clearFaults: () => {
      faults = [];
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      const servers = files6Listening ? [api, files, files6] : [api, files];
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      const failure = unknown.failure();
      if (failure) throw failure;
    },
  };
}
