import { PermanentError, SuiteError, TemporaryError } from '@devops/errors';
import { findErrorCode } from './find-error-code';
import { NETWORK_ERROR_CODES } from './network-error-codes';

/** A connection that ended early, as Node and undici word it when they give no code. */
const CLOSED_EARLY = /socket hang up|other side closed|premature close|terminated|aborted/i;

/**
 * A call that got no answer, sorted: a timeout (an AbortSignal.timeout, axios' ECONNABORTED), a code on
 * NETWORK_ERROR_CODES or a connection closed early -> TemporaryError; anything else (a bad URL, a TLS
 * certificate problem) -> PermanentError. `what` names the call ("GitLab GET /api/v4/projects/1"). The result
 * carries only `{code}` as its cause, never the original error (axios' holds the credentials).
 * A SuiteError passes through unchanged.
 */
export function toNetworkError(err: unknown, what: string, opts: { timeoutMs?: number } = {}): SuiteError {
  if (err instanceof SuiteError) return err;
  const code = findErrorCode(err);
  const cause = code ? { code } : undefined;
  const name = (err as { name?: unknown } | null)?.name;
  const message = err instanceof Error ? err.message : '';
  const after = opts.timeoutMs !== undefined ? ` after ${opts.timeoutMs} ms` : '';
  if (name === 'TimeoutError' || code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new TemporaryError(`${what} timed out${after} without an answer (request timeout)`, { cause });
  }
  if (code !== undefined && NETWORK_ERROR_CODES.has(code)) {
    return new TemporaryError(`${what} failed: network error ${code}`, { cause });
  }
  if (CLOSED_EARLY.test(message)) {
    return new TemporaryError(`${what} failed: connection closed early`, { cause });
  }
  return new PermanentError(`${what} failed${code ? `: ${code}` : ''}`, { cause });
}
