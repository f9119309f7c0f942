import { TemporaryError } from '@devops/errors';
import { backoffDelay } from './backoff-delay';

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
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1) (default Math.random). */
  random?: () => number;
}

export interface RetryHooks {
  /** Whether this TemporaryError may be retried (e.g. mayResend for the request's method). Default: yes. */
  mayRetry?: (err: TemporaryError) => boolean;
  /** Gets "<error message>; retrying in N ms (retry i)" before each wait. */
  log?: { warn(message: string, meta?: Record<string, unknown>): unknown };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether a retry is allowed after `failures` failed attempts, and how long to wait first. */
function nextWait(err: TemporaryError, failures: number, spentMs: number, o: Required<RetryOptions>) {
  const serverWait = err.details.retryAfterMs;
  if (serverWait !== undefined && serverWait > o.maxRetryAfterMs) return undefined;
  // the server's wait plus up to one base step, so that clients refused together do not return together
  const wait =
    serverWait !== undefined
      ? serverWait + Math.floor(o.random() * o.baseDelayMs)
      : backoffDelay(failures, o, o.random);
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
  const o: Required<RetryOptions> = {
    retries: opts.retries ?? 4,
    baseDelayMs: opts.baseDelayMs ?? 500,
    maxDelayMs: opts.maxDelayMs ?? 30_000,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? 120_000,
    rateLimitBudgetMs: opts.rateLimitBudgetMs ?? 150_000,
    now: opts.now ?? Date.now,
    sleep: opts.sleep ?? realSleep,
    random: opts.random ?? Math.random,
  };
  const started = o.now();
  for (let attemptNo = 1; ; attemptNo += 1) {
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
      await o.sleep(wait);
    }
  }
}
