import { isAxiosError } from 'axios';
import type { SuiteError } from '@devops/errors';
import { retryAfterMs, toNetworkError, toStatusError, type HeaderSource } from '@devops/failures';

/** What a request was, for messages: never the credentials, never a URL's query (pre-signed URLs carry signatures there). */
export interface RequestLabel {
  method: string;
  /** origin + path, without query */
  where: string;
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
 * Any failure of one Freshdesk request as an @devops/errors kind (the table is @devops/failures'). The result
 * never carries the axios error (its config holds the API key): only status, a network code and a message
 * built from safe parts.
 */
export function toFreshdeskError(err: unknown, label: RequestLabel, now: number): SuiteError {
  const what = `Freshdesk ${label.method} ${label.where}`;
  if (isAxiosError(err) && err.response) {
    const status = err.response.status;
    const detail = describeBody(err.response.data);
    const hint = HINTS[status];
    const message = `${what} answered ${status}${detail ? `: ${detail}` : ''}${hint ? ` (${hint})` : ''}`;
    const headers = err.response.headers as HeaderSource | undefined;
    return toStatusError(status, message, { detail, retryAfterMs: retryAfterMs(headers, now) });
  }
  return toNetworkError(err, what);
}
