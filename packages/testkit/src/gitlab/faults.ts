/** A failure the double serves instead of (or before) the real answer. */
export interface FaultSpec {
  /** HTTP status to answer with, or 'network' for a connection reset (same as `network: 'reset'`). */
  status?: number | 'network';
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
  /** Only requests with this method (case-insensitive). */
  method?: string;
  /** Only requests whose path (as sent, URL-encoded, or decoded) matches; a string matches as a substring. */
  path?: RegExp | string;
  /**
   * Seconds, sent as the `Retry-After` header. On a 429 (without `body`) the answer is Rack::Attack's, as for
   * GitLab's user and IP limits: plain text `Retry later`, `Retry-After`, and the `RateLimit-*` headers with
   * `RateLimit-Reset` (Unix seconds) and `RateLimit-ResetTime` (HTTP date) at the same instant.
   */
  retryAfter?: number;
  /**
   * Seconds until the rate-limit window resets: a 429 (status defaults to 429) in the shape of GitLab's
   * application limits (issue and note creation, ...): `{"message":{"error":"This endpoint has been requested
   * too many times. Try again later."}}` with `RateLimit-Limit`, `RateLimit-Observed`, `RateLimit-Remaining: 0`
   * and `RateLimit-Reset` (Unix seconds) only, no `Retry-After`. The reset instant is fixed when the fault is
   * injected (on the double's clock) and the fault stops answering once that clock reaches it, whatever
   * `times` says: `times: Infinity` refuses every matching request until the window resets.
   */
  rateLimitReset?: number;
  /** `RateLimit-Limit` of a 429 (default 600, requests per window). */
  rateLimitLimit?: number;
  /** Wait this long before answering (with the fault, or with the real answer when no status/network is set). */
  latencyMs?: number;
  /**
   * Hold each matching request until this many have arrived, then let them all go on (with the fault,
   * or to the real answer): concurrent clients made to overlap however their starts are spread out.
   * A barrier not filled within 10 s lets its requests go, so a test fails on what it checks, not on a hang.
   */
  barrier?: number;
  /** Response body: JSON unless a string. Defaults: 429 -> plain text `Retry later`; others -> {"message": "<status> ..."}. */
  body?: unknown;
  /** 'reset': destroy the connection (ECONNRESET at the client); 'hang': never answer. */
  network?: 'reset' | 'hang';
}

export interface ActiveFault extends FaultSpec {
  remaining: number;
  /** Requests held at the barrier. */
  waiting?: Array<() => void>;
  /** ms since the epoch at which a `rateLimitReset` window resets. */
  resetAt?: number;
}

export function toActiveFault(spec: FaultSpec, now: Date): ActiveFault {
  const network = spec.network ?? (spec.status === 'network' ? 'reset' : undefined);
  const rateLimited = spec.rateLimitReset !== undefined;
  return {
    ...spec,
    ...(network ? { network } : {}),
    ...(rateLimited
      ? { status: spec.status ?? 429, resetAt: now.getTime() + spec.rateLimitReset! * 1000 }
      : {}),
    remaining: spec.times ?? 1,
  };
}

/** The first fault that matches the request, with one use taken from it. */
export function takeFault(
  faults: ActiveFault[],
  method: string,
  rawPath: string,
  now: Date,
): ActiveFault | undefined {
  let decoded = rawPath;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    /* keep raw */
  }
  const fault = faults.find((f) => {
    if (f.remaining <= 0) return false;
    if (f.resetAt !== undefined && now.getTime() >= f.resetAt) return false; // the window has reset
    if (f.method && f.method.toUpperCase() !== method.toUpperCase()) return false;
    if (f.path instanceof RegExp) return f.path.test(rawPath) || f.path.test(decoded);
    if (typeof f.path === 'string') return rawPath.includes(f.path) || decoded.includes(f.path);
    return true;
  });
  if (fault) fault.remaining -= 1;
  return fault;
}

const REASONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Unix seconds, as GitLab writes `RateLimit-Reset`. */
const unixSeconds = (ms: number) => String(Math.ceil(ms / 1000));

/** GitLab's `RateLimit-*` headers of a refused request (user_and_ip_rate_limits.md). */
function rateLimitHeaders(fault: ActiveFault, resetAt: number): Record<string, string> {
  const limit = fault.rateLimitLimit ?? 600;
  return {
    'ratelimit-limit': String(limit),
    'ratelimit-observed': String(limit + 1),
    'ratelimit-remaining': '0',
    'ratelimit-reset': unixSeconds(resetAt),
  };
}

/** The body and headers GitLab sends for this status. */
export function faultResponse(
  fault: ActiveFault,
  now: Date,
): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const status = typeof fault.status === 'number' ? fault.status : 500;
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  if (typeof fault.body === 'string') {
    headers['content-type'] = 'text/plain; charset=utf-8';
    return { status, headers, body: fault.body };
  }
  if (fault.body === undefined && status === 429 && fault.resetAt !== undefined) {
    // an application limit: JSON, RateLimit-* only (lib/api/helpers/rate_limiter.rb; gitlab-org/gitlab#199738)
    Object.assign(headers, rateLimitHeaders(fault, fault.resetAt), { 'content-type': 'application/json' });
    const body = { message: { error: 'This endpoint has been requested too many times. Try again later.' } };
    return { status, headers, body: JSON.stringify(body) };
  }
  if (fault.body === undefined && status === 429) {
    // Rack::Attack: plain text, not JSON (user_and_ip_rate_limits.md)
    if (fault.retryAfter !== undefined) {
      const resetAt = now.getTime() + fault.retryAfter * 1000;
      Object.assign(headers, rateLimitHeaders(fault, resetAt), {
        'ratelimit-name': 'throttle_authenticated_api',
        'ratelimit-resettime': new Date(Math.ceil(resetAt / 1000) * 1000).toUTCString(),
      });
    }
    headers['content-type'] = 'text/plain; charset=utf-8';
    return { status, headers, body: 'Retry later' };
  }
  headers['content-type'] = 'application/json';
  const body = fault.body ?? { message: `${status} ${REASONS[status] ?? 'Error'}` };
  return { status, headers, body: JSON.stringify(body) };
}
