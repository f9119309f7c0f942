import type { JobWithMetadata, PgBoss } from 'pg-boss' with { 'resolution-mode': 'import' };

export interface JobSlots {
  /** Looks for due jobs now (a retry came due). */
  wake(): void;
  /** Starts nothing new from now on (the shutdown signal). */
  close(): void;
  /** close(), then waits for the jobs in hand. */
  stop(): Promise<void>;
}

/**
 * One replica's `concurrency` slots on a key_strict_fifo queue, filled by ONE fetcher: a fetch asks
 * pg-boss for as many due jobs as there are free slots (its fetch returns each key's head only, and
 * none of a key with a job in hand anywhere, so a batch never holds two events of one key), the jobs
 * run side by side, and each finished one starts a fetch for the slots free by then (slots that free
 * up while a fetch runs share the next one). pg-boss's own work() runs one fetch per slot, each a
 * scan of the queue's key heads that grows with the backlog; one fetcher per replica makes it one
 * scan for many jobs. Idle, it looks every `pollMs`. Jobs in hand get their heartbeat refreshed
 * every `heartbeatMs` (a replica that dies stops refreshing and pg-boss's monitor hands them on).
 */
export function runJobSlots<T, B>(opts: {
  boss: PgBoss;
  queue: string;
  concurrency: number;
  pollMs: number;
  heartbeatMs: number;
  /** Looks at a fetched batch once before its jobs start (one query for all); its result goes to each run. */
  prepare(jobs: Array<JobWithMetadata<T>>): Promise<B>;
  /** Runs and settles one job; a throw fails the attempt (pg-boss retries it). */
  run(job: JobWithMetadata<T>, batch: B): Promise<void>;
  onFault(err: unknown, job?: JobWithMetadata<T>): void;
}): JobSlots {
  const { boss, queue } = opts;
  const inHand = new Map<string, { job: JobWithMetadata<T>; done: Promise<void> }>();
  let closed = false;
  let fetching = false;
  let again = false;

  const start = (job: JobWithMetadata<T>, batch: Promise<B>) => {
    const done = batch
      .then((b) => opts.run(job, b))
      .catch(async (err: unknown) => {
        opts.onFault(err, job);
        await boss
          .fail(queue, { id: job.id, retryCount: job.retryCount }, { error: String(err) })
          .catch((e: unknown) => opts.onFault(e, job));
      })
      .finally(() => {
        inHand.delete(job.id);
        fill();
      });
    inHand.set(job.id, { job, done });
  };

  const fill = (): void => {
    if (closed) return;
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    void (async () => {
      try {
        do {
          again = false;
          const free = opts.concurrency - inHand.size;
          if (free <= 0 || closed) break;
          const jobs = await boss.fetch<T>(queue, { batchSize: free, includeMetadata: true });
          // Started even after close(): they are claimed; stop() waits for them.
          if (jobs.length > 0) {
            const batch = opts.prepare(jobs);
            for (const job of jobs) start(job, batch);
          }
          if (jobs.length < free && !again) break; // nothing more due now: the poll looks again
        } while (!closed);
      } catch (err) {
        opts.onFault(err);
      } finally {
        fetching = false;
      }
    })();
  };

  const poll = setInterval(fill, opts.pollMs);
  poll.unref();
  const heartbeat = setInterval(() => {
    const held = [...inHand.values()].map(({ job }) => ({ id: job.id, retryCount: job.retryCount }));
    if (held.length > 0) void boss.touch(queue, held).catch((err: unknown) => opts.onFault(err));
  }, opts.heartbeatMs);
  heartbeat.unref();
  fill();

  const close = () => {
    closed = true;
    clearInterval(poll);
  };
  return {
    wake: fill,
    close,
    async stop() {
      close();
      while (fetching || inHand.size > 0) {
        await Promise.all([...inHand.values()].map((h) => h.done));
        if (fetching) await new Promise((r) => setTimeout(r, 10));
      }
      clearInterval(heartbeat);
    },
  };
}
