import { backoffDelay } from './backoff-delay';

/**
 * The one wait before retry `retryNo` (1, 2, ...) of a temporary failure, for calls (runWithRetry) and for
 * queued events alike: the server's own wait (Retry-After / RateLimit-Reset) plus up to one base step of
 * jitter, so that clients refused together do not return together; else backoffDelay (full jitter).
 */
export function retryWait(
  retryNo: number,
  serverWaitMs: number | undefined,
  opts: { baseDelayMs: number; maxDelayMs: number },
  random: () => number,
): number {
  if (serverWaitMs !== undefined && serverWaitMs >= 0) {
    return serverWaitMs + Math.floor(random() * opts.baseDelayMs);
  }
  return backoffDelay(retryNo, opts, random);
}
