import { TemporaryError } from '@devops/errors';

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  maxAgeMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 10 * 60_000,
  maxAgeMs: 24 * 3_600_000,
};

/**
 * How long to wait before attempt `failedAttempts + 1`. A TemporaryError's
 * `retryAfterMs` (GitLab's Retry-After) is the server's own word and is used
 * as it is; otherwise exponential backoff (base * 2^(n-1), capped at
 * maxDelayMs) with equal jitter: half fixed, half random, so a burst of
 * failures does not come back in lockstep.
 */
export function computeRetryDelay(
  failedAttempts: number,
  err: unknown,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  if (
    err instanceof TemporaryError &&
    err.details.retryAfterMs !== undefined &&
    err.details.retryAfterMs >= 0
  ) {
    return err.details.retryAfterMs;
  }
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
