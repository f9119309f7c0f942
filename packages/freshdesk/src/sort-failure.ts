import { isAxiosError } from 'axios';
import { ConflictError, NotFoundError, PermanentError, SuiteError, TemporaryError } from '@devops/errors';
import { parseRetryAfter } from './parse-retry-after';

/** What a request was, for messages: never the credentials, never a URL's query (pre-signed URLs carry signatures there). */
export interface RequestLabel {
  method: string;
  /** origin + path, without query */
  where: string;
}

/** Network failures worth another try. */
const TEMPORARY_CODES = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

/** Failures where the request certainly never reached Freshdesk's application. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function responseStatus(err: unknown): number | undefined {
  return isAxiosError(err) ? err.response?.status : undefined;
}

/** True when a failed request is known not to have been processed (so even a POST may be repeated). */
export function certainlyNotProcessed(err: unknown): boolean {
  if (responseStatus(err) === 429) return true;
  const code = errorCode(err);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/** Freshdesk's error body, as short text: `{description, errors:[{field,message,code}]}` or `{code, message}`. */
function describeBody(data: unknown): string {
  if (data === null || typeof data !== 'object') return '';
  const body = data as { description?: unknown; errors?: unknown; code?: unknown; message?: unknown };
  const parts: string[] = [];
  if (typeof body.description === 'string') parts.push(body.description);
  if (Array.isArray(body.errors)) {
    for (const e of body.errors.slice(0, 5) as Array<Record<string, unknown>>) {
      const field = typeof e?.field === 'string' ? `${e.field}: ` : '';
      const message = typeof e?.message === 'string' ? e.message : '';
      const code = typeof e?.code === 'string' ? ` (${e.code})` : '';
      parts.push(`${field}${message}${code}`);
    }
  }
  if (typeof body.message === 'string') parts.push(body.message);
  if (typeof body.code === 'string') parts.push(`(${body.code})`);
  const text = parts.join('; ');
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

const HINTS: Record<number, string> = {
  401: 'check FRESHDESK_API_KEY (an agent API key from Profile settings)',
  403: "the API key's agent may not do this, or the feature is off for the account",
  404: 'it does not exist, or the agent cannot see it',
};

/**
 * Sorts any failure of one Freshdesk request into an @devops/errors kind.
 * The result never carries the axios error (its config holds the API key):
 * only status, a network code and a message built from safe parts.
 */
export function sortFailure(err: unknown, label: RequestLabel): SuiteError {
  if (err instanceof SuiteError) return err;
  const what = `Freshdesk ${label.method} ${label.where}`;
  const code = errorCode(err);
  const safeCause = code ? { code } : undefined;

  if (isAxiosError(err) && err.response) {
    const status = err.response.status;
    const detail = describeBody(err.response.data);
    const hint = HINTS[status];
    const message = `${what} answered ${status}${detail ? `: ${detail}` : ''}${hint ? ` (${hint})` : ''}`;
    if (status === 404) return new NotFoundError(message, { status });
    if (status === 409) return new ConflictError(message, { status });
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(err.response.headers?.['retry-after']);
      return new TemporaryError(message, { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    }
    return new PermanentError(message, { status });
  }

  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new TemporaryError(`${what} timed out`, { cause: safeCause });
  }
  if (code !== undefined && TEMPORARY_CODES.has(code)) {
    return new TemporaryError(`${what} failed: network error ${code}`, { cause: safeCause });
  }
  if (err instanceof Error && /socket hang up|aborted|terminated/i.test(err.message)) {
    return new TemporaryError(`${what} failed: connection closed early`, { cause: safeCause });
  }
  return new PermanentError(`${what} failed${code ? `: ${code}` : ''}`, { cause: safeCause });
}
