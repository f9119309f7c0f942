import { randomBytes } from 'node:crypto';
import { readFile, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { syncDir } from '@devops/durable-fs';
import {
  DEFAULT_CONCURRENCY,
  realTimer,
  type EventPayload,
  type EventQueue,
  type EventQueueOptions,
  type QueuedEvent,
} from '../queue/event-queue';
import { createDeliveryLog } from './create-delivery-log';
import { createSpool } from './create-spool';
import {
  createSpoolDeadLetters,
  DEAD_DIR,
  REPLAY_DIR,
  type DeadLetterFile,
} from './create-spool-dead-letters';
import { createSpoolWorker } from './create-spool-worker';

export interface SpoolQueueOptions extends EventQueueOptions {
  /** WEBHOOK_SPOOL_DIR. */
  dir: string;
  /** How long a finished event's Idempotency-Key is remembered. Default 7 days. */
  dedupeRetentionMs?: number;
  /** How often a started queue looks for replayed dead letters. Default 1 s. */
  replayScanMs?: number;
  /** A disk fault while recording an outcome (the event stays spooled and is tried again). */
  onFault?: (err: unknown, event?: QueuedEvent) => void;
}

export const DEDUPE_RETENTION_MS = 7 * 24 * 3_600_000;

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/**
 * The local spool as an EventQueue (the default; one service per directory):
 * `<id>.event.json` per accepted event, fsync'd before enqueue() resolves;
 * `deliveries.log` for Idempotency-Keys of finished events; `dead/` for dead
 * letters; `replay/` where `dead-letters replay` hands letters back.
 */
export function createSpoolQueue(opts: SpoolQueueOptions): EventQueue {
  const now = opts.now ?? Date.now;
  const spool = createSpool(opts.dir);
  const replayDir = path.join(opts.dir, REPLAY_DIR);
  const deliveryLog = createDeliveryLog({
    dir: opts.dir,
    retentionMs: opts.dedupeRetentionMs ?? DEDUPE_RETENTION_MS,
    now,
  });
  /** Idempotency-Keys of events spooled and not yet finished. */
  const pendingKeys = new Set<string>();
  const worker = createSpoolWorker({
    spool,
    deliveryLog,
    policy: opts.policy,
    concurrency: Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY),
    signal: opts.signal ?? new AbortController().signal,
    now,
    setTimer: opts.setTimer ?? realTimer,
    random: opts.random ?? Math.random,
    mask: opts.mask ?? ((t) => t),
    observer: opts.observer ?? {},
    onFault: (event, err) => opts.onFault?.(err, event),
    onFinished(meta) {
      if (meta.idempotencyKey !== null) pendingKeys.delete(meta.idempotencyKey);
    },
  });
  let seq = 0;
  const nextId = () => {
    seq = (seq + 1) % 1_000_000;
    return `${String(now()).padStart(13, '0')}-${String(seq).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
  };

  /** Turns each `replay/<deadId>.json` into a new spooled event, once. */
  const ingestReplays = async () => {
    let names: string[];
    try {
      names = (await readdir(replayDir)).filter((n) => n.endsWith('.json')).sort();
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    if (names.length === 0) return;
    const already = new Set(worker.pending().map((m) => m.replayOf));
    const fresh: Array<{ meta: QueuedEvent; payload: EventPayload }> = [];
    for (const name of names) {
      const deadId = name.slice(0, -'.json'.length);
      const file = path.join(replayDir, name);
      // Spooled before a crash took the unlink below: only the unlink is left to do.
      if (!already.has(deadId)) {
        let letter: DeadLetterFile;
        try {
          letter = JSON.parse(await readFile(file, 'utf8')) as DeadLetterFile;
        } catch (err) {
          if (isMissing(err)) continue;
          await rename(file, path.join(opts.dir, DEAD_DIR, name)); // not replayable: a dead letter again
          continue;
        }
        const meta: QueuedEvent = { ...letter.meta, id: nextId(), receivedAt: now(), replayOf: deadId };
        await spool.add(meta, JSON.stringify(letter.payload));
        fresh.push({ meta, payload: letter.payload });
      }
      await unlink(file);
    }
    // The hand-back is durable before the event can run: a crash never replays it twice.
    await syncDir(replayDir);
    for (const { meta, payload } of fresh) {
      if (meta.idempotencyKey !== null) pendingKeys.add(meta.idempotencyKey);
      worker.enqueue(meta, { attempts: 0, nextAttemptAt: 0, lastError: null }, payload);
    }
  };

  // Loaded once, before the first delivery is de-duplicated or the worker starts.
  let loading: Promise<void> | undefined;
  const ensureLoaded = () =>
    (loading ??= (async () => {
      await spool.init();
      const finished = await deliveryLog.load();
      for (const { meta, state } of await spool.list()) {
        if (finished.has(meta.id)) {
          // Finished just before a crash removed its file: finish the cleanup, do not run it again.
          await spool.remove(meta.id);
          continue;
        }
        if (meta.idempotencyKey !== null) pendingKeys.add(meta.idempotencyKey);
        worker.enqueue(meta, state);
      }
      await ingestReplays();
    })().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));

  let scanTimer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> | undefined;
  const scan = () => {
    scanning ??= ingestReplays()
      .catch((err: unknown) => opts.onFault?.(err))
      .finally(() => {
        scanning = undefined;
      });
    worker.poke();
  };

  return {
    async enqueue(event) {
      await ensureLoaded();
      const key = event.idempotencyKey;
      if (key !== null) {
        if (pendingKeys.has(key) || deliveryLog.hasKey(key)) return { status: 'duplicate' };
        pendingKeys.add(key); // before the await: a concurrent copy is a duplicate too
      }
      const meta: QueuedEvent = {
        id: nextId(),
        deliveryId: event.deliveryId,
        idempotencyKey: key,
        event: event.event,
        objectKind: event.objectKind,
        orderKey: event.orderKey,
        receivedAt: now(),
      };
      try {
        await spool.add(meta, event.raw);
      } catch (err) {
        if (key !== null) pendingKeys.delete(key);
        throw err;
      }
      worker.enqueue(meta, { attempts: 0, nextAttemptAt: 0, lastError: null }, event.payload);
      return { status: 'accepted', id: meta.id };
    },
    async start(process) {
      await ensureLoaded();
      worker.start(process);
      scanTimer = setInterval(scan, opts.replayScanMs ?? 1_000);
      scanTimer.unref();
    },
    async stop() {
      if (scanTimer) clearInterval(scanTimer);
      scanTimer = undefined;
      await scanning;
      await worker.stop();
      await deliveryLog.close();
      await spool.close();
    },
    idle: () => worker.idle(),
    depth: () => Promise.resolve(worker.depth()),
    deadLetters: createSpoolDeadLetters(opts.dir),
  };
}
