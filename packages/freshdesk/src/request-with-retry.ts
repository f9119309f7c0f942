import { mayResend, runWithRetry, type RetryOptions } from '@devops/failures';
import type { Logger } from '@devops/logger';
import { toFreshdeskError, type RequestLabel } from './to-freshdesk-error';

export interface RetryDeps {
  retry: RetryOptions;
  log: Pick<Logger, 'warn'>;
}

/**
 * One Freshdesk request with the suite's retry policy (@devops/failures): each failed attempt is sorted at
 * once, TemporaryErrors are retried with backoff honouring Retry-After / RateLimit-Reset, a POST only when
 * Freshdesk surely did nothing; whatever fails for good is thrown sorted, without the API key.
 */
export function requestWithRetry<T>(
  deps: RetryDeps,
  label: RequestLabel,
  attempt: () => Promise<T>,
): Promise<T> {
  const now = deps.retry.now ?? Date.now;
  return runWithRetry(
    async () => {
      try {
        return await attempt();
      } catch (err) {
        throw toFreshdeskError(err, label, now());
      }
    },
    { ...deps.retry, mayRetry: (err) => mayResend(label.method, err), log: deps.log },
  );
}
