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
  /** Seconds, sent as the `Retry-After` header. */
  retryAfter?: number;
  /** Wait this long before answering (with the fault, or with the real answer when no status/network is set). */
  latencyMs?: number;
  /** Response body: JSON unless a string. Defaults: 429 -> plain text `Retry later`; others -> {"message": "<status> ..."}. */
  body?: unknown;
  /** 'reset': destroy the connection (ECONNRESET at the client); 'hang': never answer. */
  network?: 'reset' | 'hang';
}

export interface ActiveFault extends FaultSpec {
  remaining: number;
}

export function toActiveFault(spec: FaultSpec): ActiveFault {
  const network = spec.network ?? (spec.status === 'network' ? 'reset' : undefined);
  return { ...spec, ...(network ? { network } : {}), remaining: spec.times ?? 1 };
}

/** The first fault that matches the request, with one use taken from it. */
export function takeFault(faults: ActiveFault[], method: string, rawPath: string): ActiveFault | undefined {
  let decoded = rawPath;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    /* keep raw */
  }
  const fault = faults.find((f) => {
    if (f.remaining <= 0) return false;
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
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The body and headers GitLab sends for this status. */
export function faultResponse(fault: ActiveFault): {
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
  if (fault.body === undefined && status === 429) {
    // Rack::Attack: plain text, not JSON (user_and_ip_rate_limits.md)
    headers['content-type'] = 'text/plain; charset=utf-8';
    return { status, headers, body: 'Retry later' };
  }
  headers['content-type'] = 'application/json';
  const body = fault.body ?? { message: `${status} ${REASONS[status] ?? 'Error'}` };
  return { status, headers, body: JSON.stringify(body) };
}
