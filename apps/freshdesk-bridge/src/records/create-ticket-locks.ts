/**
 * Per-ticket mutual exclusion inside this process: a second escalation of
 * the same ticket waits for the first, then finds its issue. One instance
 * per app (never module-level). Across replicas this does not hold: with
 * DATABASE_URL, openDatabaseEscalations adds a PostgreSQL lock on top.
 */
export interface TicketLocks {
  withLock<T>(ticketId: number, work: () => Promise<T>): Promise<T>;
}

export function createTicketLocks(): TicketLocks {
  const tails = new Map<number, Promise<unknown>>();
  return {
    async withLock(ticketId, work) {
      const previous = tails.get(ticketId) ?? Promise.resolve();
      const run = previous.then(work, work);
      const tail = run.catch(() => undefined);
      tails.set(ticketId, tail);
      try {
        return await run;
      } finally {
        if (tails.get(ticketId) === tail) tails.delete(ticketId);
      }
    },
  };
}
