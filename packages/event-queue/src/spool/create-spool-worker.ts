import { describeError, isTemporary } from '@devops/errors';
import { decideAfterFailure } from '../queue/decide-after-failure';
import type {
  EventPayload,
  ProcessEvent,
  QueuedEvent,
  QueueObserver,
  QueuePolicy,
} from '../queue/event-queue';
import type { DeliveryLog } from './create-delivery-log';
import type { RetryState, Spool } from './create-spool';

export interface SpoolWorkerDeps {
  spool: Spool;
  deliveryLog: DeliveryLog;
  policy: QueuePolicy;
  concurrency: number;
  now: () => number;
  /** Calls `fn` after `ms` of `now`'s time; returns a cancel. */
  setTimer: (fn: () => void, ms: number) => () => void;
  random: () => number;
  mask: (text: string) => string;
  observer: QueueObserver;
  /** The shutdown signal: once aborted no event starts, and a temporary failure then leaves its event as it was. */
  signal: AbortSignal;
  /** Reports a fault recording an outcome (disk): the event stays spooled and is tried again. */
  onFault: (event: QueuedEvent, err: unknown) => void;
  /** Called once an event is finished (processed or dead) and its spool file is gone. */
  onFinished: (event: QueuedEvent) => void;
}

export interface SpoolWorker {
  /** `payload`: the parsed body when at hand (saves reading the spool file back). */
  enqueue(meta: QueuedEvent, state: RetryState, payload?: EventPayload): void;
  start(process: ProcessEvent): void;
  /** Lets the events in hand finish; everything else stays in the spool. */
  stop(): Promise<void>;
  /** Resolves when nothing is waiting or in hand. */
  idle(): Promise<void>;
  depth(): number;
  /** The events waiting or in hand. */
  pending(): QueuedEvent[];
  /** Looks again at what is due (after the clock moved). */
  poke(): void;
}

interface Item {
  meta: QueuedEvent;
  state: RetryState;
  payload?: EventPayload;
  overtakeCounted?: boolean;
}

/**
 * The spool's background worker: takes events oldest first, at most
 * `concurrency` at a time and never two of one orderKey. An event waiting for
 * a retry holds back the later events of its orderKey until holdMaxMs after
 * its first failure; after that they go ahead of it. Every outcome is on disk
 * before the event leaves the spool.
 */
export function createSpoolWorker(deps: SpoolWorkerDeps): SpoolWorker {
  const queue: Item[] = [];
  const queued = new Set<string>();
  const inflight = new Map<string, { key: string; job: Promise<void> }>();
  let processEvent: ProcessEvent | undefined;
  let cancelTimer: (() => void) | undefined;
  let idleWaiters: Array<() => void> = [];

  // No timer outlives the shutdown signal: nothing new starts after it.
  deps.signal.addEventListener('abort', () => {
    cancelTimer?.();
    cancelTimer = undefined;
  });

  const checkIdle = () => {
    if (queue.length > 0 || inflight.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const schedule = () => {
    cancelTimer?.();
    cancelTimer = undefined;
    if (!processEvent || deps.signal.aborted) return;
    const now = deps.now();
    const busy = new Set([...inflight.values()].map((f) => f.key));
    const held = new Set<string>();
    const waiting = new Set<string>();
    let wakeAt = Infinity;
    for (const item of queue) {
      if (inflight.size >= deps.concurrency) break;
      const key = item.meta.orderKey;
      if (inflight.has(item.meta.id) || busy.has(key) || held.has(key)) continue;
      if (item.state.nextAttemptAt <= now) {
        if (waiting.has(key) && !item.overtakeCounted) {
          item.overtakeCounted = true;
          deps.observer.overtaken?.(item.meta);
        }
        busy.add(key);
        run(item, processEvent);
        continue;
      }
      wakeAt = Math.min(wakeAt, item.state.nextAttemptAt);
      waiting.add(key);
      const releaseAt = (item.state.firstFailedAt ?? item.meta.receivedAt) + deps.policy.holdMaxMs;
      if (releaseAt > now) {
        held.add(key);
        wakeAt = Math.min(wakeAt, releaseAt);
      }
    }
    if (wakeAt !== Infinity) {
      cancelTimer = deps.setTimer(schedule, Math.max(0, wakeAt - now));
    }
  };

  const drop = (id: string) => {
    const i = queue.findIndex((q) => q.meta.id === id);
    if (i >= 0) queue.splice(i, 1);
    queued.delete(id);
  };

  const finish = async (item: Item, outcome: 'processed' | 'dead', attempts: number, error = '') => {
    const { meta } = item;
    // Dead letter first, then the "finished" record, then the spool file: a crash between
    // any two steps leaves the event either still spooled or recorded, never lost.
    if (outcome === 'dead') await deps.spool.writeDeadLetter(meta, attempts, error, deps.now());
    await deps.deliveryLog.markDone(meta.id, meta.idempotencyKey, outcome);
    await deps.spool.remove(meta.id, { hasState: item.state.attempts > 0 });
    drop(meta.id);
    if (outcome === 'dead') deps.observer.deadLettered?.(meta, { attempts, error });
    else deps.observer.processed?.(meta, attempts);
    deps.onFinished(meta);
  };

  const processItem = async (item: Item, process: ProcessEvent) => {
    const { meta } = item;
    const attempt = item.state.attempts + 1;
    let payload: EventPayload;
    try {
      payload = item.payload ?? (await deps.spool.readPayload(meta.id));
    } catch (err) {
      await finish(item, 'dead', attempt - 1, `spool file unreadable: ${describeError(err)}`);
      return;
    }
    try {
      await process(meta, payload, attempt, deps.signal);
    } catch (err) {
      // Cut short by the shutdown (a Retry-After wait ended early): not a failure of the event,
      // which stays spooled as it was and runs at the next start.
      if (deps.signal.aborted && isTemporary(err)) return;
      const now = deps.now();
      const decision = decideAfterFailure(err, { attempt, receivedAt: meta.receivedAt, now }, deps.policy, {
        random: deps.random,
        mask: deps.mask,
      });
      if (decision.action === 'dead') {
        await finish(item, 'dead', attempt, decision.error);
        return;
      }
      const state: RetryState = {
        attempts: attempt,
        nextAttemptAt: decision.at,
        lastError: decision.error,
        firstFailedAt: item.state.firstFailedAt ?? now,
      };
      await deps.spool.saveState(meta.id, state);
      item.state = state;
      deps.observer.retried?.(meta, { attempt, delayMs: decision.delayMs, error: decision.error });
      return;
    }
    await finish(item, 'processed', attempt);
  };

  const run = (item: Item, process: ProcessEvent) => {
    const job = processItem(item, process)
      .catch((err: unknown) => {
        deps.onFault(item.meta, err);
        item.state = { ...item.state, nextAttemptAt: deps.now() + deps.policy.baseDelayMs };
      })
      .finally(() => {
        inflight.delete(item.meta.id);
        schedule();
        checkIdle();
      });
    inflight.set(item.meta.id, { key: item.meta.orderKey, job });
  };

  return {
    enqueue(meta, state, payload) {
      if (queued.has(meta.id)) return;
      queued.add(meta.id);
      let i = queue.length;
      while (i > 0 && queue[i - 1]!.meta.id > meta.id) i--;
      queue.splice(i, 0, payload ? { meta, state, payload } : { meta, state });
      schedule();
    },
    start(process) {
      processEvent = process;
      schedule();
    },
    async stop() {
      processEvent = undefined;
      schedule();
      await Promise.all([...inflight.values()].map((f) => f.job));
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      });
    },
    depth: () => queue.length,
    pending: () => queue.map((q) => q.meta),
    poke: schedule,
  };
}
