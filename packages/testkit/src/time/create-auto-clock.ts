/**
 * A test clock whose time passes only by waiting: every timer set on it fires
 * on the next turn of the real event loop, and the clock jumps to the time that
 * timer was due. A queue on it waits out its backoffs, Retry-Afters and holds in
 * this clock's time at once, so tests assert those waits in it instead of
 * sleeping through them.
 */
export interface AutoClock {
  now(): number;
  setTimer(fn: () => void, ms: number): () => void;
}

export function createAutoClock(start = Date.now()): AutoClock {
  let time = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const fireEarliest = () => {
    let next: [number, { at: number; fn: () => void }] | undefined;
    for (const entry of timers) if (!next || entry[1].at < next[1].at) next = entry;
    if (!next) return;
    timers.delete(next[0]);
    time = Math.max(time, next[1].at);
    next[1].fn();
  };
  return {
    now: () => time,
    setTimer(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: time + ms, fn });
      setImmediate(fireEarliest);
      return () => void timers.delete(id);
    },
  };
}
