import { describeError, isTemporary } from '@devops/errors';
import { retryWait } from '@devops/failures';
import type { QueuePolicy } from './event-queue';

export type FailureDecision =
  | { action: 'retry'; at: number; delayMs: number; error: string }
  | { action: 'dead'; error: string };

const MAX_ERROR_LENGTH = 2_000;

/**
 * What a queue does with an event whose handler threw: the one place the
 * failure kind decides. A TemporaryError (GitLab unreachable, 5xx, 429,
 * timeout) is retried after @devops/failures' retryWait (its retryAfterMs
 * honoured, else exponential backoff with full jitter) until policy.maxAgeMs after the event arrived; anything else (NotFoundError,
 * ConflictError, PermanentError, RefusedError, a bug such as a TypeError)
 * would fail the same way again and is dead-lettered at once.
 */
export function decideAfterFailure(
  err: unknown,
  at: { attempt: number; receivedAt: number; now: number },
  policy: QueuePolicy,
  opts: { random?: () => number; mask?: (text: string) => string } = {},
): FailureDecision {
  const mask = opts.mask ?? ((t: string) => t);
  const name = err instanceof Error ? err.name : typeof err;
  const message = mask(`${name}: ${describeError(err)}`).slice(0, MAX_ERROR_LENGTH);
  if (!isTemporary(err)) return { action: 'dead', error: message };
  const age = at.now - at.receivedAt;
  if (age >= policy.maxAgeMs) {
    return {
      action: 'dead',
      error: `gave up after ${at.attempt} attempts over ${Math.round(age / 1000)} s: ${message}`,
    };
  }
  const delay = retryWait(at.attempt, err.details.retryAfterMs, policy, opts.random ?? Math.random);
  const retryAt = Math.min(at.now + delay, at.receivedAt + policy.maxAgeMs);
  return { action: 'retry', at: retryAt, delayMs: retryAt - at.now, error: message };
}
