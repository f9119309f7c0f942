import { randomUUID } from 'node:crypto';
import type { JobWithMetadata } from 'pg-boss' with { 'resolution-mode': 'import' };
import { migrate, type Database, type DatabaseClient } from '@devops/db';
import { isTemporary } from '@devops/errors';
import { decideAfterFailure } from '../queue/decide-after-failure';
import {
  DEFAULT_CONCURRENCY,
  type EventPayload,
  type EventQueue,
  type EventQueueOptions,
  type ProcessEvent,
  type QueuedEvent,
} from '../queue/event-queue';
import { batchCompletions } from './batch-completions';
import { batchEnqueues } from './batch-enqueues';
import { createPostgresDeadLetters, insertDeadLetter } from './create-postgres-dead-letters';
import { findOvertaking } from './find-overtaking';
import { idFromKey } from './id-from-key';
import { encodeOrderKey, openPgBoss, type PgBossQueue } from './open-pg-boss';
import { POSTGRES_QUEUE_MIGRATIONS } from './postgres-queue-migrations';
import { runJobSlots, type JobSlots } from './run-job-slots';

export interface PostgresQueueOptions extends EventQueueOptions {
  /** The app's database (DATABASE_URL), opened with @devops/db. */
  db: Database;
  /**
   * Where new events are inserted (default `db`): openEventQueue gives them a connection of their
   * own, so an acknowledgement never waits for one behind the workers' queries.
   */
  intakeDb?: Database;
  /** The same URL: pg-boss keeps its own small pool (and its LISTEN connection). */
  url: string;
  /** The app's name: its queue, dead letters and Idempotency-Keys are its own. */
  app: string;
  /** How long a finished event's Idempotency-Key is remembered. Default 7 days. */
  dedupeRetentionMs?: number;
  /**
   * How often an idle worker looks for due events (default 0.5 s); a worker that finished one looks
   * again at once, and a retry coming due wakes one on the replica that decided it. Tests set it high.
   */
  pollSeconds?: number;
  /** How often idle() looks (tests). Default 20 ms. */
  idlePollMs?: number;
  /** A database fault in the background (the event stays stored and is tried again). */
  onFault?: (err: unknown, event?: QueuedEvent) => void;
}

/** What pg-boss stores per job: the event, its body, and the retry bookkeeping that outlives a job. */
interface JobData {
  event: QueuedEvent;
  raw: string;
  /** Attempts made before this job was created (an event moved behind its key's later events). */
  attempts: number;
  /** When the event first failed: the start of its hold on its key's later events. */
  firstFailedAt?: number;
}

type Adapter = { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };
const adapt = (client: {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}): Adapter => ({
  executeSql: (text, values) => client.query(text, values),
});

/**
 * The PostgreSQL EventQueue (with DATABASE_URL), on pg-boss: any number of
 * replicas enqueue and process from one queue. An event is one job, inserted
 * in one statement before enqueue() resolves; an Idempotency-Key gives the
 * job's id, so a second delivery of it inserts nothing (a duplicate).
 * The queue's key_strict_fifo policy runs one orderKey's events one at a time in
 * order; a failing event is put in pg-boss's retry state at the time
 * decideAfterFailure() chose, which holds its key's later events; past
 * holdMaxMs it is re-enqueued behind them instead. Every outcome (done, retry,
 * dead letter) is written in one transaction with the job's settlement.
 */
export function createPostgresQueue(opts: PostgresQueueOptions): EventQueue {
  const { db, app } = opts;
  const now = opts.now ?? Date.now;
  const mask = opts.mask ?? ((t: string) => t);
  const observer = opts.observer ?? {};
  const concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
  const signal = opts.signal ?? new AbortController().signal;
  const retentionMs = opts.dedupeRetentionMs ?? 7 * 24 * 3_600_000;
  const pool = adapt(db);
  const intakePool = opts.intakeDb ? adapt(opts.intakeDb) : pool;
  const fault = (err: unknown, event?: QueuedEvent) => opts.onFault?.(err, event);

  let ready: Promise<PgBossQueue> | undefined;
  const ensureReady = () =>
    (ready ??= (async () => {
      await migrate(db, 'webhooks', POSTGRES_QUEUE_MIGRATIONS);
      return openPgBoss({
        url: opts.url,
        app,
        max: concurrency + 3,
        keepFinishedSeconds: Math.ceil(retentionMs / 1000),
        onError: (err) => fault(err),
      });
    })().catch((err: unknown) => {
      ready = undefined;
      throw err;
    }));

  /** Inserts the job (through `via`: a transaction's client, or the pool) and returns its id, or null if that id exists. */
  const send = async (via: Adapter, data: JobData, startAfter?: number, id?: string) => {
    const { boss, queue } = await ensureReady();
    return boss.send(queue, data as unknown as object, {
      ...(id ? { id } : {}),
      singletonKey: encodeOrderKey(data.event.orderKey),
      ...(startAfter !== undefined ? { startAfter: new Date(startAfter) } : {}),
      db: via,
    });
  };

  /** New events: concurrent enqueue() calls share one multi-row insert (batch-enqueues.ts). */
  const intake = batchEnqueues<{ id: string; key: string; data: JobData }>({
    async insert(jobs) {
      const { boss, queue } = await ensureReady();
      const ids = await boss.insert(
        queue,
        jobs.map((j) => ({ id: j.id, data: j.data as unknown as object, singletonKey: j.key })),
        { db: intakePool, returnId: true },
      );
      return new Set(ids ?? []);
    },
  });

  /** Events done: those finishing side by side are completed in one statement (batch-completions.ts). */
  const completeDone = batchCompletions<{ id: string; retryCount: number }>({
    async complete(refs) {
      const { boss, queue } = await ensureReady();
      await boss.complete(queue, refs, null, { db: pool });
    },
  });

  const newId = () => randomUUID();
  const deadLetters = createPostgresDeadLetters({
    db,
    app,
    async requeue(client, letter, raw) {
      const id = newId();
      await send(
        adapt(client),
        { event: { ...letter, id, receivedAt: now(), replayOf: letter.id }, raw, attempts: 0 },
        undefined,
        id,
      );
    },
  });

  const settle = async (fn: (client: DatabaseClient, dbx: Adapter) => Promise<void>) =>
    db.transaction((client) => fn(client, adapt(client)));

  const runJob = async (
    pg: PgBossQueue,
    job: JobWithMetadata<JobData>,
    process: ProcessEvent,
    overtaking: boolean,
  ) => {
    const { event, raw } = job.data;
    const attempt = job.data.attempts + job.retryCount + 1;
    const { boss, queue } = pg;
    // Settles fenced to this attempt: a job pg-boss took back (stale heartbeat) is not settled twice.
    const attemptRef = { id: job.id, retryCount: job.retryCount };
    const complete = (dbx: Adapter) => boss.complete(queue, attemptRef, null, { db: dbx });
    const dead = async (attempts: number, error: string) => {
      await settle(async (client, dbx) => {
        await insertDeadLetter(client, app, { event, raw, attempts, error });
        await complete(dbx);
      });
      observer.deadLettered?.(event, { attempts, error });
    };

    let payload: EventPayload;
    try {
      payload = JSON.parse(raw) as EventPayload;
    } catch (err) {
      await dead(attempt - 1, mask(`stored event body unreadable: ${(err as Error).message}`));
      return;
    }
    if (overtaking) {
      observer.overtaken?.(event);
    }
    try {
      await process(event, payload, attempt, signal);
    } catch (err) {
      if (signal.aborted && isTemporary(err)) {
        // Cut short by the shutdown: back to the head of its key, due at once (another replica, or
        // the next start, takes it), this attempt not counted and no hold started.
        await settle(async (_client, dbx) => {
          await boss.fail(queue, attemptRef, { error: 'shutting down' }, { db: dbx });
          await boss.update(queue, { ...job.data, attempts: job.data.attempts - 1 } as unknown as object, {
            id: job.id,
            startAfter: new Date(),
            db: dbx,
          });
        });
        return;
      }
      const at = now();
      const decision = decideAfterFailure(
        err,
        { attempt, receivedAt: event.receivedAt, now: at },
        opts.policy,
        {
          random: opts.random,
          mask,
        },
      );
      if (decision.action === 'dead') {
        await dead(attempt, decision.error);
        return;
      }
      const firstFailedAt = job.data.firstFailedAt ?? at;
      const holding = at < firstFailedAt + opts.policy.holdMaxMs;
      await settle(async (client, dbx) => {
        if (holding) {
          // Stays the head of its key, in pg-boss's retry state (which holds the later events), until decision.at.
          await boss.fail(queue, attemptRef, { error: decision.error }, { db: dbx });
          await boss.update(queue, { ...job.data, firstFailedAt } as unknown as object, {
            id: job.id,
            startAfter: new Date(decision.at),
            db: dbx,
          });
        } else {
          // Held long enough: the event goes behind its key's later events, and is retried at decision.at.
          await complete(dbx);
          await send(dbx, { ...job.data, attempts: attempt, firstFailedAt }, decision.at);
        }
      });
      wakeAt(decision.at);
      observer.retried?.(event, { attempt, delayMs: decision.delayMs, error: decision.error });
      return;
    }
    // Done: one statement, shared with the events finishing meanwhile (a failure there fails the
    // attempt: it is retried).
    await completeDone(attemptRef);
    observer.processed?.(event, attempt);
  };

  let started: { pg: PgBossQueue; cleanup: NodeJS.Timeout; slots: JobSlots } | undefined;
  /**
   * A retry coming due wakes a worker here at that time rather than at the next poll (another
   * replica's poll covers it if this one dies first).
   */
  const wakeTimers = new Set<NodeJS.Timeout>();
  const wakeAt = (at: number) => {
    const timer = setTimeout(
      () => {
        wakeTimers.delete(timer);
        started?.slots.wake();
      },
      Math.max(0, at - now()) + 5,
    );
    timer.unref();
    wakeTimers.add(timer);
  };
  // Idempotency-Keys are job ids now; earlier versions kept them in webhook_deliveries, emptied as they age.
  const forgetOldKeys = () =>
    db
      .query(
        "DELETE FROM webhook_deliveries WHERE app = $1 AND received_at < now() - $2 * interval '1 millisecond'",
        [app, retentionMs],
      )
      .catch((err: unknown) => fault(err));

  const depth = async () => {
    const pg = await ensureReady();
    // pg-boss documents its tables for direct queries; this one counts what is not finished.
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')",
      [pg.queue],
    );
    return rows[0]?.n ?? 0;
  };

  return {
    async enqueue(event) {
      await ensureReady();
      const id = event.idempotencyKey === null ? newId() : idFromKey(app, event.idempotencyKey);
      const queued: QueuedEvent = {
        id,
        deliveryId: event.deliveryId,
        idempotencyKey: event.idempotencyKey,
        event: event.event,
        objectKind: event.objectKind,
        orderKey: event.orderKey,
        receivedAt: now(),
      };
      // One statement (shared with the enqueues made meanwhile), no transaction: an event with an
      // Idempotency-Key gets the job id derived from it, and pg-boss's insert does nothing when that
      // id is already in the queue (finished jobs are kept for the retention period, which is what
      // "already seen" means).
      const inserted = await intake.add({
        id,
        key: encodeOrderKey(queued.orderKey),
        data: { event: queued, raw: event.raw, attempts: 0 },
      });
      return inserted ? { status: 'accepted' as const, id } : { status: 'duplicate' as const };
    },
    async start(process) {
      const pg = await ensureReady();
      await forgetOldKeys();
      // The replica's slots, filled by one fetcher (run-job-slots.ts): one fetch for every slot free at
      // the time, and a finished event looks for the next at once rather than after the poll.
      const slots = runJobSlots<JobData, Set<string>>({
        boss: pg.boss,
        queue: pg.queue,
        concurrency,
        pollMs: (opts.pollSeconds ?? 0.5) * 1000,
        heartbeatMs: 5_000,
        prepare: (jobs) =>
          observer.overtaken ? findOvertaking(db, pg.queue, jobs) : Promise.resolve(new Set<string>()),
        run: (job, overtaking) => runJob(pg, job, process, overtaking.has(job.id)),
        onFault: (err, job) => fault(err, job?.data.event),
      });
      const cleanup = setInterval(() => void forgetOldKeys(), 3_600_000);
      cleanup.unref();
      // Nothing new starts after the shutdown signal; stop() waits for the events in hand.
      if (signal.aborted) slots.close();
      else signal.addEventListener('abort', () => slots.close(), { once: true });
      started = { pg, cleanup, slots };
    },
    async stop() {
      const pg = started?.pg ?? (ready ? await ready.catch(() => undefined) : undefined);
      const slots = started?.slots;
      if (started) clearInterval(started.cleanup);
      started = undefined;
      for (const timer of wakeTimers) clearTimeout(timer);
      wakeTimers.clear();
      if (!pg) {
        ready = undefined;
        return;
      }
      // The events in hand finish first: their completions (batchCompletions) still use this pg-boss.
      // Forgotten before that, the first of them would open another one that nothing stops.
      await slots?.stop();
      ready = undefined;
      await pg.boss.stop({ graceful: true, timeout: 30_000 });
    },
    async idle() {
      while ((await depth()) > 0) await new Promise((r) => setTimeout(r, opts.idlePollMs ?? 20));
    },
    depth,
    deadLetters,
  };
}
