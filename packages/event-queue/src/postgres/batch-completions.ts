/**
 * Gathers the completions of events that finish side by side into one statement: while one
 * completion is in flight, those that come meanwhile wait and the next statement settles them all
 * (up to `maxBatch`). One replica's slots finish ~100 events/s at 200 deliveries/s over two
 * replicas, and each statement on its own is a socket write and a read (most of the replica's
 * database CPU) that the acknowledgements share the event loop with. A failed statement fails each
 * completion in it (each attempt is then failed and retried, as a lone completion's would be).
 */
export function batchCompletions<R>(opts: {
  complete(refs: R[]): Promise<void>;
  /** Most completions in one statement (default 50). */
  maxBatch?: number;
}): (ref: R) => Promise<void> {
  const maxBatch = Math.max(1, opts.maxBatch ?? 50);
  const pending: Array<{ ref: R; resolve(): void; reject(err: unknown): void }> = [];
  let flushing = false;

  const flush = async () => {
    flushing = true;
    try {
      while (pending.length > 0) {
        const batch = pending.splice(0, maxBatch);
        try {
          await opts.complete(batch.map((p) => p.ref));
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      flushing = false;
    }
  };

  return (ref) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ ref, resolve, reject });
      if (!flushing) void flush();
    });
}
