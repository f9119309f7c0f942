/**
 * Paces note creation under GitLab's notes rate limit (about 60 notes a
 * minute on gitlab.com): a token bucket that allows a burst of `burst` notes,
 * then one every 60/perMinute seconds. 429s that still happen are waited out
 * by the GitLab client (Retry-After).
 */
export interface NotePacer {
  /** Resolves when the next note may be created. */
  next(): Promise<void>;
}

export function createNotePacer(opts: {
  perMinute: number;
  burst: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): NotePacer {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const intervalMs = opts.perMinute > 0 && Number.isFinite(opts.perMinute) ? 60_000 / opts.perMinute : 0;
  let tokens = opts.burst;
  let last = now();
  let queue: Promise<void> = Promise.resolve();
  const take = async () => {
    if (intervalMs === 0) return;
    const t = now();
    tokens = Math.min(opts.burst, tokens + (t - last) / intervalMs);
    last = t;
    if (tokens < 1) {
      await sleep(Math.ceil((1 - tokens) * intervalMs));
      tokens = 1;
      last = now();
    }
    tokens -= 1;
  };
  return {
    next() {
      queue = queue.then(take);
      return queue;
    },
  };
}
