import { DelegateBackoff, handleWhen, retry, type IRetryBackoffContext } from 'cockatiel';
import type { Logger } from '@devops/logger';
import { isAxiosError } from 'axios';
import {
  certainlyNotProcessed,
  errorCode,
  responseStatus,
  sortFailure,
  type RequestLabel,
} from './sort-failure';
import { parseRetryAfter } from './parse-retry-after';

export interface RetryOptions {
  /** Retries after the first try (default 4). */
  retries?: number;
  /** First backoff step (default 500 ms); doubles per retry, with jitter. */
  baseDelayMs?: number;
  /** Ceiling of one backoff step (default 30 s). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the TemporaryError goes to the caller (default 120 s). */
  maxRetryAfterMs?: number;
}

const TEMPORARY_NETWORK = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function isTemporaryFailure(err: unknown): boolean {
  const status = responseStatus(err);
  if (status !== undefined) return status === 429 || status >= 500;
  const code = errorCode(err);
  if (code !== undefined) return TEMPORARY_NETWORK.has(code);
  return err instanceof Error && /socket hang up/i.test(err.message);
}

function retryAfterOf(err: unknown): number | undefined {
  return isAxiosError(err) ? parseRetryAfter(err.response?.headers?.['retry-after']) : undefined;
}

/**
 * Runs one Freshdesk request with retries: 429, 5xx and network failures are
 * retried with exponential backoff and full jitter, never sooner than
 * `Retry-After`; everything else fails at once. A non-idempotent request is
 * retried only when it certainly was not processed (429, connection refused).
 * Whatever fails for good is thrown sorted (see sortFailure), without the
 * axios error and so without the API key.
 */
export function createRetrier(opts: RetryOptions & { log: Logger; random?: () => number }) {
  const retries = opts.retries ?? 4;
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
  const random = opts.random ?? Math.random;

  return async function run<T>(
    label: RequestLabel,
    opts2: { idempotent: boolean },
    attempt: () => Promise<T>,
  ): Promise<T> {
    const shouldRetry = (err: unknown): boolean => {
      if (!isTemporaryFailure(err)) return false;
      if (!opts2.idempotent && !certainlyNotProcessed(err)) return false;
      const retryAfter = retryAfterOf(err);
      return retryAfter === undefined || retryAfter <= maxRetryAfterMs;
    };
    const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((context) => {
      const error = 'error' in context.result ? context.result.error : undefined;
      const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (context.attempt - 1));
      const jittered = Math.round(step / 2 + (random() * step) / 2);
      const retryAfter = retryAfterOf(error);
      const delay = retryAfter === undefined ? jittered : retryAfter + Math.round(random() * baseDelayMs);
      const failure = sortFailure(error, label);
      opts.log.warn(`${failure.message}; retrying in ${delay} ms (retry ${context.attempt} of ${retries})`);
      return delay;
    });
    const policy = retry(handleWhen(shouldRetry), { maxAttempts: retries, backoff });
    try {
      return await policy.execute(() => attempt());
    } catch (err) {
      throw sortFailure(err, label);
    }
  };
}

export type Retrier = ReturnType<typeof createRetrier>;
