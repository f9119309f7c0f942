/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): the wait
 * before retry `retryNo` (1, 2, ...) is uniform in [0, min(maxDelayMs, baseDelayMs * 2^(retryNo-1))).
 * `random` is injected so tests choose the draw.
 */
export function backoffDelay(
  retryNo: number,
  opts: { baseDelayMs: number; maxDelayMs: number },
  random: () => number,
): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, retryNo - 1));
  return Math.floor(random() * ceiling);
}
