import { TemporaryError } from '@devops/errors';
import { retryWait } from './retry-wait';

export interface RetryOptions {
  /** Retries after the first attempt for any temporary failure (default 4). */
  retries?: number;
  /** First backoff ceiling (default 500 ms); doubles per retry, full jitter. */
  baseDelayMs?: number;
  /** Largest backoff ceiling (default 30 s). */
  maxDelayMs?: number;
  /** A Retry-After (or RateLimit-Reset) longer than this is not waited: the TemporaryError goes to the caller (default 120 s). */
  maxRetryAfterMs?: number;
  /**
   * A rate-limited call (429) is retried past `retries` while the time since its first attempt, plus the next
   * wait, stays within this (default 150 s: two and a half of GitLab's 60 s rate-limit windows). 0 turns it off.
   */
  rateLimitBudgetMs?: number;
  /** Clock in ms since the epoch (default Date.now). */
  now?: () => number;
  /** Waits (default a timer). Tests pass one that advances their clock instead. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The process's shutdown signal (SIGTERM): a wait in progress ends at once and the call rejects with a
   * TemporaryError ("shutting down"), so a queued event stays queued; an aborted signal makes no new attempt.
   */
  signal?: AbortSignal;
  /** Uniform in [0, 1) (default Math.random). */
  random?: () => number;
}

export interface RetryHooks {
  /** Whether this TemporaryError may be retried (e.g. mayResend for the request's method). Default: yes. */
  mayRetry?: (err: TemporaryError) => boolean;
  /** Gets "<error message>; retrying in N ms (retry i)" before each wait. */
  log?: { warn(message: string, meta?: Record<string, unknown>): unknown };
}

/** A timer that ends early, rejecting, when `signal` aborts. */
const realSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** What a wait cut short by the shutdown signal rejects with: temporary, so the work stays queued. */
function shutdownError(err: unknown): TemporaryError {
  return new TemporaryError(`shutting down: the retry wait was cut short (${(err as Error).message})`, {
    cause: err,
  });
}

/** Whether a retry is allowed after `failures` failed attempts, and how long to wait first. */
function nextWait(
  err: TemporaryError,
  failures: number,
  spentMs: number,
  o: Required<Omit<RetryOptions, 'signal'>>,
) {
  const serverWait = err.details.retryAfterMs;
  if (serverWait !== undefined && serverWait > o.maxRetryAfterMs) return undefined;
  const wait = retryWait(failures, serverWait, o, o.random);
  if (failures <= o.retries) return wait;
  const rateLimited = err.details.status === 429;
  return rateLimited && spentMs + wait <= o.rateLimitBudgetMs ? wait : undefined;
}

/**
 * Runs `attempt` until it succeeds, retrying TemporaryErrors (that `mayRetry` accepts) after the server's
 * wait (Retry-After / RateLimit-Reset, plus a little jitter) or else exponential backoff with full jitter.
 * Any other error, a server wait longer than
 * `maxRetryAfterMs`, or the last failure once retries (and, for 429s, the rate-limit budget) are spent, goes to
 * the caller unchanged. See README.md for the figures.
 */
export async function runWithRetry<T>(
  attempt: (attemptNo: number) => Promise<T>,
  opts: RetryOptions & RetryHooks = {},
): Promise<T> {
  const o: Required<Omit<RetryOptions, 'signal'>> = {
    retries: opts.retries ?? 4,
    baseDelayMs: opts.baseDelayMs ?? 500,
    maxDelayMs: opts.maxDelayMs ?? 30_000,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? 120_000,
    rateLimitBudgetMs: opts.rateLimitBudgetMs ?? 150_000,
    now: opts.now ?? Date.now,
    sleep: opts.sleep ?? realSleep,
    random: opts.random ?? Math.random,
  };
  const { signal } = opts;
  const started = o.now();
  for (let attemptNo = 1; ; attemptNo += 1) {
    if (signal?.aborted) throw shutdownError(signal.reason);
    try {
      return await attempt(attemptNo);
    } catch (err) {
      if (!(err instanceof TemporaryError) || (opts.mayRetry && !opts.mayRetry(err))) throw err;
      const wait = nextWait(err, attemptNo, o.now() - started, o);
      if (wait === undefined) throw err;
      opts.log?.warn(`${err.message}; retrying in ${wait} ms (retry ${attemptNo})`, {
        attempt: attemptNo,
        ...(err.details.status !== undefined ? { status: err.details.status } : {}),
      });
      try {
        await o.sleep(wait, signal);
      } catch (sleepErr) {
        if (signal?.aborted) throw shutdownError(signal.reason);
        throw sleepErr;
      }
    }
  }
}
