/**
 * Per-ticket mutual exclusion inside this process: a second escalation of
 * the same ticket waits for the first, then finds its issue. One instance
 * per app (never module-level). Across replicas this does not hold: run one
 * replica, or accept that two simultaneous clicks on two replicas can race
 * (the marker search narrows the window to the seconds before the issue exists).
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
