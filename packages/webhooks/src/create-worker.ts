import { PermanentError, describeError } from '@devops/errors';
import type { GitLabPort } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import { computeRetryDelay, type RetryPolicy } from './compute-retry-delay';
import type { WebhookMetrics } from './create-webhook-metrics';
import type { DeliveryLog } from './create-delivery-log';
import type { Spool } from './create-spool';
import type { EventHandlers, RetryState, SpooledEvent, WebhookPayload } from './types';

export interface WorkerDeps {
  spool: Spool;
  deliveryLog: DeliveryLog;
  handlers: EventHandlers;
  gitlab: GitLabPort;
  log: Logger;
  metrics: WebhookMetrics;
  policy: RetryPolicy;
  concurrency: number;
  now: () => number;
  random: () => number;
  /** Scrubs secret values from error messages before they are stored or logged. */
  mask: (text: string) => string;
  /** Called once an event is finished (processed or dead) and its spool file is gone. */
  onFinished: (meta: SpooledEvent, outcome: 'processed' | 'dead') => void;
}

export interface Worker {
  /** `payload`: the parsed body when at hand (saves reading the spool file back). */
  enqueue(meta: SpooledEvent, state: RetryState, payload?: WebhookPayload): void;
  start(): void;
  /** Lets the events in hand finish; everything else stays in the spool. */
  stop(): Promise<void>;
  /** Resolves when nothing is waiting or in hand. */
  idle(): Promise<void>;
  depth(): number;
}

interface Item {
  meta: SpooledEvent;
  state: RetryState;
  payload?: WebhookPayload;
}

const MAX_ERROR_LENGTH = 2_000;

/**
 * The background worker: takes spooled events oldest first, at most
 * `concurrency` at a time and never two with the same orderKey (so the events
 * of one project are handled in arrival order, a failing one holding back the
 * ones behind it), runs the handler, and on failure persists the attempt
 * count and next attempt time before waiting.
 */
export function createWorker(deps: WorkerDeps): Worker {
  const queue: Item[] = [];
  const queued = new Set<string>();
  const inflight = new Map<string, Promise<void>>();
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let idleWaiters: Array<() => void> = [];

  const checkIdle = () => {
    if (queue.length === 0 && inflight.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!running) return;
    const now = deps.now();
    const blocked = new Set<string>();
    let wakeAt = Infinity;
    for (const item of queue) {
      if (inflight.size >= deps.concurrency) break;
      if (blocked.has(item.meta.orderKey)) continue;
      blocked.add(item.meta.orderKey);
      if (inflight.has(item.meta.id)) continue;
      if (item.state.nextAttemptAt <= now) run(item);
      else wakeAt = Math.min(wakeAt, item.state.nextAttemptAt);
    }
    if (wakeAt !== Infinity) {
      timer = setTimeout(schedule, Math.max(0, wakeAt - now));
      timer.unref();
    }
  };

  const drop = (id: string) => {
    const i = queue.findIndex((q) => q.meta.id === id);
    if (i >= 0) queue.splice(i, 1);
    queued.delete(id);
  };

  const finish = async (item: Item, outcome: 'processed' | 'dead', attempts: number, error?: string) => {
    const { meta } = item;
    // Dead letter first, then the "finished" record, then the spool file: a crash between
    // any two steps leaves the event either still spooled or recorded, never lost.
    if (outcome === 'dead') await deps.spool.writeDeadLetter(meta, attempts, error ?? '', deps.now());
    await deps.deliveryLog.markDone(meta.id, meta.idempotencyKey, outcome);
    await deps.spool.remove(meta.id, { hasState: item.state.attempts > 0 });
    drop(meta.id);
    if (outcome === 'dead') deps.metrics.dead.inc({ object_kind: meta.objectKind });
    else deps.metrics.processed.inc({ object_kind: meta.objectKind });
    deps.onFinished(meta, outcome);
  };

  const processItem = async (item: Item) => {
    const { meta } = item;
    const attempt = item.state.attempts + 1;
    const log = deps.log.child({ deliveryId: meta.deliveryId, objectKind: meta.objectKind, attempt });
    const handler = Object.hasOwn(deps.handlers, meta.objectKind)
      ? deps.handlers[meta.objectKind]
      : undefined;
    if (!handler) {
      const why = `no handler for object_kind "${meta.objectKind}" any more (it was accepted by an earlier version)`;
      log.error(`dead-lettered: ${why}`);
      await finish(item, 'dead', attempt - 1, why);
      return;
    }
    let payload: WebhookPayload;
    try {
      payload = item.payload ?? (await deps.spool.readPayload(meta.id));
    } catch (err) {
      const why = `spool file unreadable: ${describeError(err)}`;
      log.error(`dead-lettered: ${why}`);
      await finish(item, 'dead', attempt - 1, why);
      return;
    }

    const end = deps.metrics.handlerDuration.startTimer({ object_kind: meta.objectKind });
    try {
      await handler.handle({
        payload,
        gitlab: deps.gitlab,
        log,
        deliveryId: meta.deliveryId,
        event: meta.event,
        attempt,
      });
    } catch (err) {
      await failed(item, attempt, err, log, end);
      return;
    }
    end({ outcome: 'ok' });
    await finish(item, 'processed', attempt);
    log.info(`processed ${meta.event || meta.objectKind} event`);
  };

  const failed = async (
    item: Item,
    attempt: number,
    err: unknown,
    log: Logger,
    end: (labels: { outcome: string }) => void,
  ) => {
    const { meta } = item;
    const message = deps.mask(describeError(err)).slice(0, MAX_ERROR_LENGTH);
    const now = deps.now();
    const age = now - meta.receivedAt;
    if (err instanceof PermanentError || age >= deps.policy.maxAgeMs) {
      end({ outcome: 'dead' });
      const why =
        err instanceof PermanentError
          ? message
          : `gave up after ${attempt} attempts over ${Math.round(age / 1000)} s: ${message}`;
      log.error(`dead-lettered: ${why}`);
      await finish(item, 'dead', attempt, why);
      return;
    }
    end({ outcome: 'retry' });
    const delay = computeRetryDelay(attempt, err, deps.policy, deps.random);
    const state: RetryState = {
      attempts: attempt,
      nextAttemptAt: Math.min(now + delay, meta.receivedAt + deps.policy.maxAgeMs),
      lastError: message,
    };
    item.state = state;
    deps.metrics.retried.inc({ object_kind: meta.objectKind });
    log.warn(`attempt ${attempt} failed, retrying in ${state.nextAttemptAt - now} ms: ${message}`);
    if (err instanceof Error) log.debug('handler failure', { stack: deps.mask(err.stack ?? '') });
    await deps.spool.saveState(meta.id, state);
  };

  const run = (item: Item) => {
    const job = processItem(item)
      .catch((err: unknown) => {
        // A disk fault while recording the outcome: the event stays spooled and is tried again later.
        deps.log.error(`webhook worker could not record an outcome: ${deps.mask(describeError(err))}`, {
          deliveryId: item.meta.deliveryId,
        });
        item.state = { ...item.state, nextAttemptAt: deps.now() + deps.policy.baseDelayMs };
      })
      .finally(() => {
        inflight.delete(item.meta.id);
        schedule();
        checkIdle();
      });
    inflight.set(item.meta.id, job);
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
    start() {
      running = true;
      schedule();
    },
    async stop() {
      running = false;
      schedule();
      await Promise.all(inflight.values());
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      });
    },
    depth: () => queue.length,
  };
}
