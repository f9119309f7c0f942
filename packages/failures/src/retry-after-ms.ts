/** Headers as fetch (`Headers`), axios (`AxiosHeaders`) or node:http (a plain record) hand them over. */
export type HeaderSource =
  | { get(name: string): unknown }
  | Record<string, string | string[] | number | undefined | null>;

/**
 * A RateLimit-Reset at or above this is a Unix time in seconds (GitLab), below it delta-seconds (the IETF
 * draft): 10^9 s is 2001-09-09 as a date and 31 years as a delta, so no real value is ambiguous.
 */
const UNIX_TIME_FROM = 1_000_000_000;

function header(headers: HeaderSource, name: string): string | undefined {
  let value: unknown;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    value = (headers as { get(name: string): unknown }).get(name);
  } else {
    const record = headers as Record<string, unknown>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : record[key];
  }
  if (Array.isArray(value)) value = value[0];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

const SECONDS = /^\d+(\.\d+)?$/;

/**
 * How long the server asks us to wait, in ms from `now` (ms since the epoch), or undefined when it does not say.
 * `Retry-After` first (delta-seconds or an HTTP date); without it `RateLimit-Reset`: a Unix time in seconds as
 * GitLab sends it, or delta-seconds as the IETF RateLimit draft has it (told apart by size, see above).
 * Never negative: a time already past means "now".
 */
export function retryAfterMs(headers: HeaderSource | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    if (SECONDS.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = header(headers, 'ratelimit-reset');
  if (reset !== undefined && SECONDS.test(reset)) {
    const seconds = Number(reset);
    if (seconds >= UNIX_TIME_FROM) return Math.max(0, Math.round(seconds * 1000 - now));
    return Math.round(seconds * 1000);
  }
  return undefined;
}
