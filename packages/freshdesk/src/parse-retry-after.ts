/**
 * `Retry-After` in milliseconds: delta-seconds (what Freshdesk sends) or an
 * HTTP date. undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: unknown, now: () => number = Date.now): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw === 'number' && Number.isFinite(raw)) return Math.max(0, raw * 1000);
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}
