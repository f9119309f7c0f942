import { retryWait } from '../src';

const opts = { baseDelayMs: 1_000, maxDelayMs: 60_000 };

describe('retryWait', () => {
  it.each([
    // retry no, random, expected: uniform in [0, min(cap, base * 2^(n-1)))
    [1, 0, 0],
    [1, 0.5, 500],
    [2, 0.5, 1_000],
    [3, 0.999, 3_996],
    [7, 0.5, 30_000], // 64 s capped at 60 s
    [500, 0.5, 30_000], // no overflow to Infinity/NaN
  ])('without a server wait, retry %i with random %f waits %i ms', (n, random, expected) => {
    expect(retryWait(n, undefined, opts, () => random)).toBe(expected);
  });

  it.each([
    [0, 0, 0],
    [2_500, 0.5, 3_000],
    [600_000, 0, 600_000], // longer than maxDelayMs: still the server's word
  ])(
    "honours the server's wait %i ms (random %f: %i ms), plus up to one base step",
    (wait, random, expected) => {
      expect(retryWait(3, wait, opts, () => random)).toBe(expected);
    },
  );
});
