/** A request the double has no route for: method and path only (no query, headers or body: no secret). */
export interface UnknownRequest {
  method: string;
  /** The path as sent (URL-encoded), without the query string. */
  path: string;
}

/** How a double treats requests for routes it does not implement (both doubles take these options). */
export interface StrictnessOptions {
  /**
   * Lets `close()` resolve although requests came for routes the double does not implement (they are still
   * answered as the real API answers an unknown route, and still listed by `unknownRequests()`). Only for a
   * test that sends such a request on purpose; say why in a comment beside it. Default false.
   */
  allowUnknownRoutes?: boolean;
  /** Called once per such request, as it arrives (the doubles' `main.ts` logs them). */
  onUnknownRequest?: (request: UnknownRequest) => void;
}

export interface UnknownRouteRecord {
  /** Records one request the double has no route for. */
  add(method: string, path: string): void;
  /** Every such request so far, in order of arrival. */
  list(): UnknownRequest[];
  /** What `close()` rejects with: an Error naming every unknown route, or undefined (none, or allowed). */
  failure(): Error | undefined;
}

/** At most this many distinct routes are named in the error (the rest are counted). */
const NAMED_AT_MOST = 20;

/**
 * The strict half of a double (like renovate's strict HTTP mock): every request that matched no route of
 * `double` is recorded, and the double's `close()` rejects naming them, so a test cannot pass while its code
 * calls a route the double never learned. `howToFix` ends the error message.
 */
export function recordUnknownRoutes(
  double: string,
  howToFix: string,
  opts: StrictnessOptions = {},
): UnknownRouteRecord {
  const seen: UnknownRequest[] = [];
  return {
    add(method, path) {
      const request = { method, path };
      seen.push(request);
      opts.onUnknownRequest?.({ ...request });
    },
    list: () => seen.map((r) => ({ ...r })),
    failure() {
      if (opts.allowUnknownRoutes || seen.length === 0) return undefined;
      const counts = new Map<string, number>();
      for (const r of seen) {
        const key = `${r.method} ${r.path}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const named = [...counts].slice(0, NAMED_AT_MOST).map(([key, n]) => (n > 1 ? `${key} (×${n})` : key));
      const more = counts.size > NAMED_AT_MOST ? `, and ${counts.size - NAMED_AT_MOST} more routes` : '';
      const error = new Error(
        `The ${double} double got ${seen.length} request(s) for routes it does not implement ` +
          `(answered as the real API answers an unknown route): ${named.join(', ')}${more}. ${howToFix}`,
      );
      error.name = 'UnknownRouteError';
      return error;
    },
  };
}
