import { TemporaryError } from '@devops/errors';
import { computeRetryDelay, DEFAULT_RETRY } from '../src';

const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAgeMs: 86_400_000 };

describe('computeRetryDelay', () => {
  it.each([
    // failed attempts, random, expected: base * 2^(n-1) capped, half fixed + half random
    [1, 0, 500],
    [1, 1, 1_000],
    [2, 0.5, 1_500],
    [3, 0, 2_000],
    [6, 1, 32_000],
    [7, 1, 60_000], // 64 s capped at 60 s
    [7, 0, 30_000],
    [500, 1, 60_000], // no overflow to Infinity/NaN
  ])('after %i failure(s) with random %f waits %i ms', (n, random, expected) => {
    expect(computeRetryDelay(n, new Error('x'), policy, () => random)).toBe(expected);
  });

  it.each([
    [0, 0],
    [2_500, 2_500],
    [600_000, 600_000], // longer than maxDelayMs: still the server's word
  ])("uses a TemporaryError's retryAfterMs (%i) as it is", (retryAfterMs, expected) => {
    expect(computeRetryDelay(3, new TemporaryError('429', { retryAfterMs }), policy, () => 1)).toBe(expected);
  });

  it('falls back to backoff for a TemporaryError without retryAfterMs', () => {
    expect(computeRetryDelay(1, new TemporaryError('503'), policy, () => 0)).toBe(500);
  });

  it('defaults to 1 s base, 10 min cap, 24 h', () => {
    expect(DEFAULT_RETRY).toEqual({ baseDelayMs: 1_000, maxDelayMs: 600_000, maxAgeMs: 86_400_000 });
  });
});
