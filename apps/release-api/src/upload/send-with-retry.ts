import { TemporaryError } from '@devops/errors';
import {
  classifyStatus,
  retryAfterMs,
  runWithRetry,
  type RetryHooks,
  type RetryOptions,
} from '@devops/failures';
import type { SendResult } from './send-release';

/** The answer that came with a temporary refusal (kept so the last one can be printed). */
class RefusedForNow extends TemporaryError {
  constructor(
    readonly answer: SendResult,
    retryAfter: number | undefined,
  ) {
    super(`release-api answered ${answer.status}`, {
      status: answer.status,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    });
  }
}

/**
 * Sends the release (`send(attempt)`, a fresh stream of the file each time) until it gets an
 * answer that is not a temporary refusal. Sent again: no answer at all (connection refused or
 * reset, a timeout) and the statuses @devops/failures calls temporary (429, 5xx: a proxy's 502
 * when a replica died under it, 503 while release-api drains or its database is away), after the
 * server's Retry-After or else backoff with jitter. Safe for a POST because release-api
 * publishes a version once: the same content sent again is answered 200, other content 409. The
 * last answer is returned (printed by the caller) when the retries are spent; with no answer at
 * all, the last error is thrown.
 */
export async function sendWithRetry(
  send: (attempt: number) => Promise<SendResult>,
  opts: RetryOptions & Pick<RetryHooks, 'log'> = {},
): Promise<SendResult> {
  const now = opts.now ?? Date.now;
  try {
    return await runWithRetry(async (attempt) => {
      const answer = await send(attempt);
      if (classifyStatus(answer.status) === 'temporary') {
        throw new RefusedForNow(answer, retryAfterMs(answer.headers, now()));
      }
      return answer;
    }, opts);
  } catch (err) {
    if (err instanceof RefusedForNow) return err.answer;
    throw err;
  }
}
