import { TemporaryError } from '@devops/errors';
import {
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';

export interface RetryOptions {
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** First backoff delay (default 500 ms); grows exponentially with decorrelated jitter. */
  baseDelayMs?: number;
  /** Longest backoff delay (default 30 s). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the TemporaryError goes to the caller (default 120 s). */
  maxRetryAfterMs?: number;
}

type Ctx = IRetryBackoffContext<unknown>;

/** Exponential backoff with jitter, but never shorter than the server's Retry-After. */
class RetryAfterBackoff implements IBackoffFactory<Ctx> {
  constructor(private readonly inner: IBackoffFactory<Ctx>) {}
  next(context: Ctx): IBackoff<Ctx> {
    const step = this.inner.next(context);
    const err = 'error' in context.result ? context.result.error : undefined;
    const retryAfterMs = err instanceof TemporaryError ? (err.details.retryAfterMs ?? 0) : 0;
    return {
      duration: Math.max(step.duration, retryAfterMs),
      next: (c: Ctx) => new RetryAfterBackoff(step).next(c),
    };
  }
}

/**
 * Runs `attempt` and retries it while it throws a TemporaryError that `mayRetry` accepts, waiting
 * max(backoff, Retry-After). Any other error, or the last TemporaryError, goes to the caller unchanged.
 */
export async function runWithRetry<T>(
  attempt: (attemptNo: number) => Promise<T>,
  opts: RetryOptions & {
    mayRetry: (err: TemporaryError) => boolean;
    onRetry?: (err: Error, delayMs: number, attemptNo: number) => void;
  },
): Promise<T> {
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 120_000;
  const policy = retry(
    handleWhen(
      (err) =>
        err instanceof TemporaryError &&
        opts.mayRetry(err) &&
        (err.details.retryAfterMs ?? 0) <= maxRetryAfterMs,
    ),
    {
      maxAttempts: opts.retries ?? 4,
      backoff: new RetryAfterBackoff(
        new ExponentialBackoff({
          initialDelay: opts.baseDelayMs ?? 500,
          maxDelay: opts.maxDelayMs ?? 30_000,
        }),
      ),
    },
  );
  const listener = policy.onRetry((e) => {
    if ('error' in e) opts.onRetry?.(e.error, e.delay, e.attempt);
  });
  try {
    return await policy.execute(({ attempt: n }) => attempt(n));
  } finally {
    listener.dispose();
  }
}
