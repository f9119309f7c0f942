import { SuiteError } from '@devops/errors';
import { mayResend, runWithRetry, toNetworkError, type RetryOptions } from '@devops/failures';
import { sendTextRequest } from './send-text-request';
import { toGitLabError, type FailureContext } from './to-gitlab-error';

/** The little of a logger this layer uses (a winston Logger fits). */
export interface LogLike {
  warn(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
}

/** What fetch accepts as a body (no DOM lib here). */
export type RequestBody = NonNullable<RequestInit['body']>;

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** A fresh body for each attempt; undefined for none. */
  body?: () => RequestBody | undefined;
  /** False when the body cannot be sent twice (a one-shot stream): never retried. */
  replayable?: boolean;
  /** Read the answer as text whatever its content type (raw files). */
  asText?: boolean;
  /** Per-attempt timeout, overriding the layer's. */
  timeoutMs?: number;
  /** Sends the request itself instead of fetch (streamed uploads); must honour `signal`. */
  transport?: (signal: AbortSignal) => Promise<RawAnswer>;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface HttpLayer {
  send(req: HttpRequest): Promise<HttpAnswer>;
}

/**
 * One place every GitLab request goes through: a timeout on each attempt, failures sorted into the
 * @devops/errors kinds, TemporaryErrors retried with backoff + jitter honouring Retry-After.
 * No header (so no token) ever goes into an error or a log line.
 */
export function createHttpLayer(opts: {
  timeoutMs: number;
  retry: RetryOptions;
  log: LogLike;
  scrub: (text: string) => string;
}): HttpLayer {
  const now = opts.retry.now ?? Date.now;
  async function attempt(req: HttpRequest, ctx: FailureContext): Promise<HttpAnswer> {
    const timeoutMs = req.timeoutMs ?? opts.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const raw = req.transport ? await req.transport(signal) : await viaDefault(req, signal);
      const { headers, text } = raw;
      const ok = raw.status >= 200 && raw.status < 300;
      if (!ok) throw toGitLabError(ctx, raw, now());
      const json =
        !req.asText && (headers['content-type'] ?? '').split(';')[0]?.trim() === 'application/json';
      return { status: raw.status, headers, body: json ? (text ? JSON.parse(text) : {}) : text };
    } catch (err) {
      if (err instanceof SuiteError) throw err; // already sorted
      const what = `GitLab ${ctx.method} ${ctx.path}`;
      throw toNetworkError(signal.aborted ? signal.reason : err, what, { timeoutMs });
    }
  }

  return {
    async send(req) {
      const ctx: FailureContext = { method: req.method, path: req.url.pathname, scrub: opts.scrub };
      const started = now();
      const answer = await runWithRetry(() => attempt(req, ctx), {
        ...opts.retry,
        mayRetry: (err) => req.replayable !== false && mayResend(req.method, err),
        log: opts.log,
      });
      opts.log.debug(`GitLab ${req.method} ${ctx.path} -> ${answer.status}`, { ms: now() - started });
      return answer;
    },
  };
}

/** No body or a text body (every JSON call): node:http(s); anything else (FormData, a stream): fetch. */
function viaDefault(req: HttpRequest, signal: AbortSignal): Promise<RawAnswer> {
  const body = req.body?.();
  if (body === undefined || typeof body === 'string')
    return sendTextRequest({ method: req.method, url: req.url, headers: req.headers, body }, signal);
  return viaFetch(req, body, signal);
}

async function viaFetch(req: HttpRequest, body: RequestBody, signal: AbortSignal): Promise<RawAnswer> {
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers: req.headers, signal };
  init.body = body;
  if (isStream(body)) init.duplex = 'half';
  const response = await fetch(req.url, init);
  const headers = Object.fromEntries(response.headers.entries());
  return { status: response.status, headers, text: await response.text() };
}

function isStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}
