import {
  ConflictError,
  NotFoundError,
  PermanentError,
  TemporaryError,
  type SuiteError,
} from '@devops/errors';
import { classifyStatus } from './classify-status';

/**
 * A failed HTTP answer as the @devops/errors class its status stands for (classifyStatus). `message` says
 * what happened, already free of secrets; `detail` is the server's own message (it decides the
 * "400 ... already exists" conflict); `retryAfterMs` comes from retryAfterMs(headers, now).
 */
export function toStatusError(
  status: number,
  message: string,
  opts: { detail?: string; retryAfterMs?: number | undefined } = {},
): SuiteError {
  switch (classifyStatus(status, opts.detail ?? message)) {
    case 'not-found':
      return new NotFoundError(message, { status });
    case 'conflict':
      return new ConflictError(message, { status });
    case 'temporary':
      return new TemporaryError(message, {
        status,
        ...(opts.retryAfterMs !== undefined ? { retryAfterMs: opts.retryAfterMs } : {}),
      });
    default:
      return new PermanentError(message, { status });
  }
}
