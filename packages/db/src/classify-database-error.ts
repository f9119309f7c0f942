import { TemporaryError } from '@devops/errors';
import { NETWORK_ERROR_CODES } from '@devops/failures';

/**
 * SQLSTATEs that say "try again later": connection exceptions (class 08),
 * the server shutting down or starting (57P01-57P03), too many connections,
 * a statement timeout, a serialization failure or deadlock.
 */
const TEMPORARY_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '57014', '40001', '40P01']);

/** What node-postgres says when the socket went away or never came. */
const DRIVER_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Query read timeout|server closed the connection|Client was closed|Cannot use a pool after calling end/i;

/** True when `err` says the database is unreachable or busy rather than that the request was wrong. */
export function isTemporaryDatabaseError(err: unknown): boolean {
  if (err instanceof TemporaryError) return true;
  // Duck-typed: errors from node's net layer may come from another realm (vm contexts, test runners).
  if (typeof err !== 'object' || err === null) return false;
  const { code, message, errors } = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_ERROR_CODES.has(code) || TEMPORARY_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  // Connecting to a name with several addresses fails with an AggregateError of each attempt.
  if (Array.isArray(errors) && errors.some(isTemporaryDatabaseError)) return true;
  return typeof message === 'string' && DRIVER_MESSAGES.test(message);
}

/**
 * Sorts a failure from PostgreSQL the suite's way: the database being
 * unreachable, restarting or overloaded becomes a TemporaryError (retried,
 * 503 to a webhook sender); anything else (a bad query, a constraint) is
 * returned as it was.
 */
export function classifyDatabaseError(err: unknown): unknown {
  if (err instanceof TemporaryError || !isTemporaryDatabaseError(err)) return err;
  const raw = (err as { message?: unknown }).message;
  const message = typeof raw === 'string' && raw ? raw : 'connection failed';
  return new TemporaryError(`database unavailable: ${message}`, { cause: err });
}
