import { NotFoundError, TemporaryError } from '@devops/errors';
import { fakeClock } from '@devops/testkit';
import { backoffDelay, runWithRetry } from '../src';

/** An attempt that throws the given errors in turn, then answers 'ok'. */
function failing(...errors: Error[]) {
  const seen: number[] = [];
  const attempt = async (n: number) => {
    seen.push(n);
    const err = errors.shift();
    if (err) throw err;
    return 'ok';
  };
  return { attempt, seen };
}

const t429 = (retryAfterMs?: number) =>
  new TemporaryError('429', { status: 429, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });

describe('backoffDelay (full jitter)', () => {
  it.each([
    [1, 0.5, 250],
    [2, 0.5, 500],
    [3, 0.999, 1998],
    [10, 0.5, 15_000], // capped at maxDelayMs
    [4, 0, 0],
  ])('retry %i with draw %d -> %i ms', (retryNo, draw, expected) => {
    expect(backoffDelay(retryNo, { baseDelayMs: 500, maxDelayMs: 30_000 }, () => draw)).toBe(expected);
  });
});

describe('runWithRetry', () => {
  it('retries temporary failures with backoff and returns the answer', async () => {
    const { slept, ...time } = fakeClock();
    const { attempt, seen } = failing(
      new TemporaryError('503', { status: 503 }),
      new TemporaryError('reset'),
    );
    await expect(runWithRetry(attempt, { ...time, random: () => 0.5 })).resolves.toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    expect(slept).toEqual([250, 500]);
  });

  it('throws anything that is not temporary at once', async () => {
    const { slept, ...time } = fakeClock();
    const { attempt, seen } = failing(new NotFoundError('gone'));
    await expect(runWithRetry(attempt, time)).rejects.toBeInstanceOf(NotFoundError);
    expect(seen).toEqual([1]);
    expect(slept).toEqual([]);
  });

  it('gives up after `retries` with the last TemporaryError', async () => {
    const time = fakeClock();
    const last = new TemporaryError('third', { status: 500 });
    const { attempt, seen } = failing(
      new TemporaryError('1', { status: 500 }),
      new TemporaryError('2', { status: 500 }),
      last,
    );
    await expect(runWithRetry(attempt, { ...time, retries: 2 })).rejects.toBe(last);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('does not retry what mayRetry refuses (a POST after a 500)', async () => {
    const time = fakeClock();
    const { attempt, seen } = failing(new TemporaryError('500', { status: 500 }));
    await expect(runWithRetry(attempt, { ...time, mayRetry: () => false })).rejects.toThrow('500');
    expect(seen).toEqual([1]);
  });

  it('waits the server wait plus less than one base step', async () => {
    const { slept, ...time } = fakeClock();
    const { attempt } = failing(t429(42_000));
    await runWithRetry(attempt, { ...time, baseDelayMs: 500, random: () => 0.5 });
    expect(slept).toEqual([42_250]);
  });

  it('hands a server wait beyond maxRetryAfterMs to the caller instead of waiting', async () => {
    const { slept, ...time } = fakeClock();
    const { attempt, seen } = failing(t429(3_600_000));
    const err = await runWithRetry(attempt, { ...time, maxRetryAfterMs: 120_000 }).catch((e: unknown) => e);
    expect((err as TemporaryError).details.retryAfterMs).toBe(3_600_000);
    expect(seen).toEqual([1]);
    expect(slept).toEqual([]);
  });

  it('keeps retrying 429s without a wait past `retries` until a GitLab window (60 s) has surely passed', async () => {
    const { elapsed, ...time } = fakeClock();
    // refused for 60 s of the fake clock, then accepted: as GitLab's rate limiter does
    const attempt = async () => {
      if (elapsed() < 60_000) throw t429();
      return 'accepted';
    };
    const opts = { ...time, retries: 2, baseDelayMs: 500, maxDelayMs: 10_000, random: () => 0.5 };
    await expect(runWithRetry(attempt, opts)).resolves.toBe('accepted');
    expect(elapsed()).toBeGreaterThanOrEqual(60_000);
  });

  it('stops a 429 that never ends at the rate-limit budget, not before 60 s', async () => {
    const { elapsed, ...time } = fakeClock();
    const attempt = async () => {
      throw t429();
    };
    const opts = { ...time, retries: 2, maxDelayMs: 10_000, rateLimitBudgetMs: 90_000, random: () => 0.99 };
    await expect(runWithRetry(attempt, opts)).rejects.toBeInstanceOf(TemporaryError);
    expect(elapsed()).toBeGreaterThan(60_000);
    expect(elapsed()).toBeLessThanOrEqual(90_000);
  });

  it('does not extend retries for a 5xx', async () => {
    const time = fakeClock();
    const attempts: number[] = [];
    const attempt = async (n: number) => {
      attempts.push(n);
      throw new TemporaryError('503', { status: 503 });
    };
    await expect(runWithRetry(attempt, { ...time, retries: 2 })).rejects.toBeInstanceOf(TemporaryError);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('logs each retry with the wait', async () => {
    const time = fakeClock();
    const lines: string[] = [];
    const { attempt } = failing(new TemporaryError('GitLab GET /x answered 502', { status: 502 }));
    await runWithRetry(attempt, { ...time, random: () => 0.5, log: { warn: (m) => lines.push(m) } });
    expect(lines).toEqual(['GitLab GET /x answered 502; retrying in 250 ms (retry 1)']);
  });
});

describe('runWithRetry with the shutdown signal', () => {
  it('cuts a 120 s Retry-After wait short at abort, rejecting with a TemporaryError, and makes no new attempt', async () => {
    const shutdown = new AbortController();
    const { attempt, seen } = failing(t429(120_000), t429(120_000));
    const started = Date.now();
    const result = runWithRetry(attempt, { signal: shutdown.signal, random: () => 0 });
    // the real timer is running (120 s); abort once the first attempt has failed
    while (seen.length === 0) await new Promise((r) => setImmediate(r));
    setTimeout(() => shutdown.abort(new Error('SIGTERM received')), 20);
    const err = await result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporaryError);
    expect((err as Error).message).toMatch(/shutting down.*SIGTERM received/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(seen).toEqual([1]);
  });

  it('makes no attempt at all once the signal has aborted', async () => {
    const shutdown = new AbortController();
    shutdown.abort(new Error('SIGTERM received'));
    const { attempt, seen } = failing();
    await expect(runWithRetry(attempt, { signal: shutdown.signal })).rejects.toBeInstanceOf(TemporaryError);
    expect(seen).toEqual([]);
  });

  it('without an abort, waits and succeeds as before', async () => {
    const shutdown = new AbortController();
    const { attempt, seen } = failing(t429(5));
    await expect(runWithRetry(attempt, { signal: shutdown.signal, random: () => 0 })).resolves.toBe('ok');
    expect(seen).toEqual([1, 2]);
  });
});
