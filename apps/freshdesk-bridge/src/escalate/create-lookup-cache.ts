/** The issue a ticket is linked to, as `GET /escalations/:ticketId` tells it. */
export interface LinkedIssue {
  iid: number;
  url: string;
  state: 'open' | 'closed';
}

/**
 * A short-lived memory of `GET /escalations/:ticketId` answers (the linked
 * issue with its state, or null for "not escalated"), so agents browsing
 * tickets do not send a GitLab search per page view. One per app instance
 * (never module-level); time comes from the injected clock; the oldest
 * entries go first past `maxEntries`. An escalation forgets its ticket's entry.
 */
export interface LookupCache {
  get(ticketId: number): LinkedIssue | null | undefined;
  set(ticketId: number, value: LinkedIssue | null): void;
  forget(ticketId: number): void;
}

export function createLookupCache(opts: {
  ttlMs: number;
  now: () => number;
  maxEntries?: number;
}): LookupCache {
  const entries = new Map<number, { value: LinkedIssue | null; until: number }>();
  const max = opts.maxEntries ?? 5000;
  return {
    get(ticketId) {
      const entry = entries.get(ticketId);
      if (!entry) return undefined;
      if (opts.now() >= entry.until) {
        entries.delete(ticketId);
        return undefined;
      }
      return entry.value;
    },
    set(ticketId, value) {
      if (opts.ttlMs <= 0) return;
      entries.delete(ticketId);
      entries.set(ticketId, { value, until: opts.now() + opts.ttlMs });
      while (entries.size > max) entries.delete(entries.keys().next().value as number);
    },
    forget(ticketId) {
      entries.delete(ticketId);
    },
  };
}
