import type { TemporaryError } from '@devops/errors';
import { NOT_SENT_ERROR_CODES } from './network-error-codes';

/** Methods that mean the same when sent twice (RFC 9110 9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * Answers given before the application ran: 429 (the rate limiter refused it), 502 and 503 (the proxy found
 * no application to hand it to). Not 504: a gateway timeout means the application had the request and may
 * have done it. Not 500: the application ran and failed somewhere, maybe after writing.
 */
const NOT_PROCESSED_STATUS = new Set([429, 502, 503]);

/**
 * The POST-resend rule, once: a TemporaryError of an idempotent request may always be sent again; of any other
 * (POST, PATCH) only when the server surely did nothing: a status above, or a network failure before any byte
 * was sent (NOT_SENT_ERROR_CODES). A reset or a timeout after sending is not resent: the caller reads the
 * state and decides (our handlers are idempotent against GitLab's own state).
 */
export function mayResend(method: string, err: TemporaryError): boolean {
  if (IDEMPOTENT.has(method.toUpperCase())) return true;
  const status = err.details.status;
  if (status !== undefined) return NOT_PROCESSED_STATUS.has(status);
  const code = (err.details.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && NOT_SENT_ERROR_CODES.has(code);
}
