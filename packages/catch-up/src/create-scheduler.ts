import { describeError } from '@devops/errors';
import type { Logger } from '@devops/logger';
import type { PassResult } from './run-pass';
import type { CatchUpStore } from './store/catch-up-store';

export interface Scheduler {
  start(): void;
  /** Stops the timer and waits for a pass in hand. */
  stop(): Promise<void>;
  /** Resolves when the next scheduled pass has ended (tests, the demo). */
  nextPass(): Promise<void>;
}

/**
 * Runs a pass every `intervalMs` (0: never), the first one within a minute of start looking back `lookbackMs`,
 * later ones from where the last pass of any replica ended (kept in the store). One pass at a time
 * across replicas: a replica that finds the lock taken skips its turn, and so does one that finds a pass
 * ended less than half an interval ago. A pass that failed (or left changes unapplied) does not move the
 * window: the next one reads it again.
 */
export function createScheduler(o: {
  intervalMs: number;
  lookbackMs: number;
  store: () => Promise<CatchUpStore>;
  pass: (since: number) => Promise<PassResult>;
  succeeded: (atMs: number) => void;
  log: Logger;
  now: () => number;
  /** Delay of the first pass after start (default one minute, at most the interval). */
  firstDelayMs?: number;
}): Scheduler {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let first = true;
  const waiters: (() => void)[] = [];

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(() => {
        running = undefined;
        for (const w of waiters.splice(0)) w();
        schedule(o.intervalMs);
      });
    }, ms);
    timer.unref();
  };

  async function tick(): Promise<void> {
    try {
      const store = await o.store();
      const release = await store.tryLock();
      if (!release) {
        o.log.debug('catch-up: a pass is running elsewhere; skipping this turn');
        return;
      }
      try {
        const now = o.now();
        const last = await store.lastPass();
        if (!first && last !== null && now - last < o.intervalMs / 2) return; // another replica just passed
        const since = first || last === null ? now - o.lookbackMs : last;
        const result = await o.pass(since);
        if (result.failed > 0) {
          o.log.warn(
            `catch-up pass left ${result.failed} change(s) unapplied; the next pass reads them again`,
          );
          return;
        }
        await store.setLastPass(Date.parse(result.passTo));
        o.succeeded(o.now());
        first = false;
        o.log.info(
          `catch-up pass ${result.passFrom} → ${result.passTo}: ${result.found} change(s), ` +
            `${result.alreadyApplied} already applied, ${result.repairs.length} repaired`,
        );
      } finally {
        await release();
      }
    } catch (err) {
      o.log.warn(`catch-up pass failed: ${describeError(err)}; tried again in ${o.intervalMs / 1000} s`);
    }
  }

  return {
    start() {
      if (o.intervalMs <= 0) {
        o.log.info('RECONCILE_INTERVAL is 0: catch-up passes are off');
        return;
      }
      schedule(Math.min(o.firstDelayMs ?? 60_000, o.intervalMs));
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    nextPass: () => new Promise<void>((resolve) => waiters.push(resolve)),
  };
}
