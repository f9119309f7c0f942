/** A failure the Freshdesk double serves instead of (or before) the real answer. */
export interface FreshdeskFaultSpec {
  /** HTTP status to answer with, or 'network' for a connection reset. */
  status?: number | 'network';
  /** How many matching requests get the fault (default 1; Infinity for all). */
  times?: number;
  /** Only requests with this method (case-insensitive). */
  method?: string;
  /** Only requests whose path matches; a string matches as a substring. */
  path?: RegExp | string;
  /** Only requests to this listener (default: both). */
  host?: 'api' | 'attachments';
  /** Seconds, sent as `Retry-After` (429 defaults to 1). */
  retryAfter?: number;
  /** Wait this long before answering (with the fault, or the real answer when no status/network is set). */
  latencyMs?: number;
  /** Response body: JSON unless a string. */
  body?: unknown;
  /** 'reset': destroy the connection; 'hang': never answer; 'truncate': (attachments) send half the body, then reset. */
  network?: 'reset' | 'hang' | 'truncate';
}

export interface ActiveFreshdeskFault extends FreshdeskFaultSpec {
  remaining: number;
}

export function toActiveFault(spec: FreshdeskFaultSpec): ActiveFreshdeskFault {
  const network = spec.network ?? (spec.status === 'network' ? 'reset' : undefined);
  return { ...spec, ...(network ? { network } : {}), remaining: spec.times ?? 1 };
}

/** The first fault matching the request, with one use taken from it. */
export function takeFault(
  faults: ActiveFreshdeskFault[],
  host: 'api' | 'attachments',
  method: string,
  path: string,
): ActiveFreshdeskFault | undefined {
  const fault = faults.find((f) => {
    if (f.remaining <= 0) return false;
    if (f.host && f.host !== host) return false;
    if (f.method && f.method.toUpperCase() !== method.toUpperCase()) return false;
    if (f.path instanceof RegExp) return f.path.test(path);
    if (typeof f.path === 'string') return path.includes(f.path);
    return true;
  });
  if (fault) fault.remaining -= 1;
  return fault;
}
