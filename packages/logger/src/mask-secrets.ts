export const REDACTED = '[REDACTED]';

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:'"]+(?::[^\s/@'"]*)?@/gi;
/** Shorter values would shred ordinary text; secrets that short are refused by nobody, so keep the floor low. */
const MIN_SECRET_LENGTH = 3;

/**
 * Returns a function that replaces every configured secret value, and any
 * credentials embedded in a URL (`https://user:pass@host`), in a string.
 */
export function createMasker(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))]
    // longest first, so a secret that contains another is masked whole
    .sort((a, b) => b.length - a.length);
  const variants = values.flatMap((v) => {
    const json = JSON.stringify(v).slice(1, -1);
    const encoded = encodeURIComponent(v);
    return [...new Set([v, json, encoded])];
  });
  const pattern = variants.length
    ? new RegExp(variants.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')
    : undefined;
  return (text: string) => {
    let out = text.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
    if (pattern) out = out.replace(pattern, REDACTED);
    return out;
  };
}

/** A deep copy of `value` with every string masked; Errors become plain {name, message, stack, ...}. */
export function maskDeep(value: unknown, mask: (s: string) => string, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return mask(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, mask, seen));
  if (value instanceof Error) {
    const plain: Record<string, unknown> = { name: value.name, message: value.message, stack: value.stack };
    for (const [k, v] of Object.entries(value)) plain[k] = v;
    if (value.cause !== undefined) plain.cause = value.cause;
    return maskDeep(plain, mask, seen);
  }
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, mask, seen);
  return out;
}
