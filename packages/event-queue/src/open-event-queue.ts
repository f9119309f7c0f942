import { openDatabase } from '@devops/db';
import type { Logger } from '@devops/logger';
import { createPostgresQueue } from './postgres/create-postgres-queue';
import type { EventQueue, EventQueueOptions, QueuedEvent } from './queue/event-queue';
import { createSpoolQueue } from './spool/create-spool-queue';

/** Where an app's events wait: the settings that choose the queue. */
export interface QueueLocation {
  /** WEBHOOK_SPOOL_DIR: the local spool (the default). */
  spoolDir: string;
  /** DATABASE_URL: PostgreSQL instead of the spool, when set. */
  databaseUrl?: string | undefined;
}

export interface OpenQueueOptions extends EventQueueOptions {
  /** The app's name (as in apps/<name>). */
  app: string;
  log: Logger;
  /** How long a finished event's Idempotency-Key is remembered. Default 7 days. */
  dedupeRetentionMs?: number;
  /** How often a started spool looks for replayed dead letters. Default 1 s. */
  replayScanMs?: number;
  /** A storage fault while recording an outcome (the event stays queued and is tried again). */
  onFault?: (err: unknown, event?: QueuedEvent) => void;
}

/**
 * Opens the queue the settings choose, for the service and for the
 * `dead-letters` command alike (the same storage either way): PostgreSQL when
 * DATABASE_URL is set (a bad or unreachable URL is a ConfigError: exit 78),
 * else the local spool.
 */

export async function openEventQueue(where: QueueLocation, options: OpenQueueOptions): Promise<EventQueue> {
  const { app, log, replayScanMs: _scan, ...rest } = options;
  if (!where.databaseUrl)
    return createSpoolQueue({ ...rest, dir: where.spoolDir, ...(_scan ? { replayScanMs: _scan } : {}) });
  const db = await openDatabase(where.databaseUrl, { log, app });
  // New events get a connection of their own (they go in one multi-row insert at a time): an
  // acknowledgement does not wait for a pool connection behind the workers' completions.
  const intakeDb = await openDatabase(where.databaseUrl, { log, app: `${app}/intake`, max: 1 }).catch(
    async (err: unknown) => {
      await db.close();
      throw err;
    },
  );
  const queue = createPostgresQueue({ ...rest, db, intakeDb, url: where.databaseUrl, app });
  return {
    ...queue,
    health: () => db.health(),
    async stop() {
      try {
        await queue.stop();
      } finally {
        await Promise.all([db.close(), intakeDb.close()]);
      }
    },
  };
}
