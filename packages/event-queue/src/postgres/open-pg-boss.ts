import type { PgBoss } from 'pg-boss' with { 'resolution-mode': 'import' };

export interface PgBossQueue {
  boss: PgBoss;
  /** pg-boss's queue for this app. */
  queue: string;
}

/** pg-boss object names allow [\w.\-/] only. */
export function queueNameFor(app: string): string {
  return `webhooks.${app.replace(/[^\w.-]/g, '_')}`;
}

/** An orderKey ("project:42:mr:7") as a pg-boss singletonKey: base64url keeps it unique within [\w-]. */
export function encodeOrderKey(orderKey: string): string {
  return Buffer.from(orderKey, 'utf8').toString('base64url') || '_';
}

/**
 * Starts pg-boss on `url` (installing or migrating its schema; pg-boss takes
 * its own advisory lock, so replicas may start at once) and makes sure this
 * app's queue exists with the policy the port needs: `key_strict_fifo` (one
 * event of an orderKey at a time, in order; a job in retry holds its key),
 * heartbeats (a replica that dies mid-event has it retried by another within
 * about 16 s: its heartbeat goes stale after 10 s, and the monitor pass that
 * fails such jobs runs every 5 s instead of pg-boss's 60), retries decided by us (a high limit; we set each retry's time),
 * finished jobs kept as long as Idempotency-Keys are remembered (their ids),
 * and no NOTIFY: every transaction that sends one is serialized at commit on a
 * cluster-wide lock, and each wakes every idle worker of every replica; an idle
 * worker polls every half second instead (measured: ack p99 70/84/55 ms polling
 * against 113/97/79 ms with NOTIFY, alternating rounds, bench/RESULTS.md).
 */
export async function openPgBoss(opts: {
  url: string;
  app: string;
  max: number;
  /** How long a finished job (and so its Idempotency-Key, which is its id) is kept, in seconds. */
  keepFinishedSeconds: number;
  onError: (err: unknown) => void;
}): Promise<PgBossQueue> {
  // pg-boss is an ES module; this package compiles to CommonJS.
  const { PgBoss } = await import('pg-boss');
  const boss = new PgBoss({
    connectionString: opts.url,
    application_name: `${opts.app}/queue`,
    max: opts.max,
    schedule: false,
    superviseIntervalSeconds: 5,
    // The pass that fails jobs whose heartbeat stopped (a SIGKILLed replica's): 60 s by default,
    // holding that key's later events as long. Only one replica runs each pass.
    monitorIntervalSeconds: 5,
    useListenNotify: false,
  });
  boss.on('error', opts.onError);
  await boss.start();
  const queue = queueNameFor(opts.app);
  const existing = await boss.getQueue(queue);
  if (existing && (existing.deleteAfterSeconds !== opts.keepFinishedSeconds || existing.notify)) {
    // A queue made by an earlier version kept finished jobs for an hour only, and sent NOTIFY.
    await boss.updateQueue(queue, { deleteAfterSeconds: opts.keepFinishedSeconds, notify: false });
  }
  if (!existing) {
    try {
      await boss.createQueue(queue, {
        policy: 'key_strict_fifo',
        notify: false,
        retryLimit: 1_000_000,
        retryDelay: 1,
        heartbeatSeconds: 10,
        expireInSeconds: 3_600,
        retentionSeconds: 14 * 24 * 3_600,
        deleteAfterSeconds: opts.keepFinishedSeconds,
      });
    } catch (err) {
      // Another replica created it at the same moment.
      if (!(await boss.getQueue(queue))) throw err;
    }
  }
  return { boss, queue };
}
