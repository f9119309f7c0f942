import { isTemporary } from '@devops/errors';

export interface BatchedJob {
  /** The job's id (from the Idempotency-Key, or new): a second job with an id already stored is not inserted. */
  id: string;
  /** Its orderKey as stored (jobs of one key are inserted in the order they were added). */
  key: string;
}

export interface EnqueueBatcher<J extends BatchedJob> {
  /** Resolves once `job` is stored (true) or found already stored under its id (false: a duplicate). */
  add(job: J): Promise<boolean>;
}

/**
 * Gathers the jobs of concurrent enqueue() calls into one multi-row insert: while one insert is in
 * flight, the jobs added meanwhile wait, and the next insert takes them all (up to `maxBatch`), so a
 * burst of deliveries costs one round trip and one pool connection rather than one each, and none
 * waits for a connection behind the workers' queries.
 *
 * Order and duplicates stay those of one insert per job, one after another. One insert sets one
 * created_on on all its rows (the order pg-boss runs a key's jobs in) and ties are broken by id, so
 * a batch takes at most one job per key; and at most one per id (pg-boss refuses a batch with an id
 * twice). A job left out waits for the next insert, as does every job added after it with its key
 * or id: a second delivery of an Idempotency-Key is answered "duplicate" only once the first is
 * stored, and gets stored itself if that insert failed.
 *
 * A failing insert of several jobs that is not a temporary fault (the database is reachable: a row
 * it refused, e.g. a body jsonb cannot hold) is tried again one job at a time, so one bad delivery
 * fails alone; a temporary fault fails the whole batch at once, and the jobs added while it was
 * tried (each sender gets its 503 and retries), so during an outage no delivery waits for the
 * connection timeouts of the batches ahead of it.
 */
export function batchEnqueues<J extends BatchedJob>(opts: {
  /** Inserts the jobs in one statement; returns the ids it inserted (the others existed). */
  insert(jobs: J[]): Promise<Set<string>>;
  /** Most jobs in one insert (default 100). */
  maxBatch?: number;
}): EnqueueBatcher<J> {
  const maxBatch = Math.max(1, opts.maxBatch ?? 100);
  const pending: Array<{ job: J; resolve(inserted: boolean): void; reject(err: unknown): void }> = [];
  let flushing = false;

  const insertAlone = async (item: (typeof pending)[number]) => {
    try {
      item.resolve((await opts.insert([item.job])).has(item.job.id));
    } catch (err) {
      item.reject(err);
    }
  };

  const flush = async () => {
    flushing = true;
    try {
      while (pending.length > 0) {
        const batch: typeof pending = [];
        const left: typeof pending = [];
        const ids = new Set<string>();
        const keys = new Set<string>();
        for (const item of pending) {
          const { id, key } = item.job;
          if (batch.length < maxBatch && !ids.has(id) && !keys.has(key)) batch.push(item);
          else left.push(item);
          // Also for a job left out: nothing added after it with its key or id goes ahead of it.
          ids.add(id);
          keys.add(key);
        }
        pending.splice(0, pending.length, ...left);
        try {
          const inserted = await opts.insert(batch.map((i) => i.job));
          for (const item of batch) item.resolve(inserted.has(item.job.id));
        } catch (err) {
          if (isTemporary(err)) {
            // The database is away: so are the jobs gathered while this insert waited for it. They
            // fail now rather than each waiting out another connection timeout behind the others.
            for (const item of [...batch, ...pending.splice(0)]) item.reject(err);
          } else if (batch.length === 1) batch[0]!.reject(err);
          else for (const item of batch) await insertAlone(item);
        }
      }
    } finally {
      flushing = false;
    }
  };

  return {
    add: (job) =>
      new Promise<boolean>((resolve, reject) => {
        pending.push({ job, resolve, reject });
        if (!flushing) void flush();
      }),
  };
}
