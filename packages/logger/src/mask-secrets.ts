import { listSecretForms } from './list-secret-forms';

export const REDACTED = '[REDACTED]';

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:'"]+(?::[^\s/@'"]*)?@/gi;
/** Shorter values would shred ordinary text (the suite refuses checked secrets under 16 characters). */
const MIN_SECRET_LENGTH = 3;

/** A run of base64 characters long enough to hold a secret's run (listSecretForms keeps 10+). */
const BASE64_WORD = /[A-Za-z0-9+/]{10,}={0,2}/g;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Returns a function that replaces every configured secret value (in every
 * form listSecretForms names: JSON, percent- and form-encoded, inside base64
 * such as a Basic auth header), and any credentials embedded in a URL
 * (`https://user:pass@host`), in a string.
 */
export function createMasker(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))];
  const forms = values.map(listSecretForms);
  // longest first, so a secret that contains another is masked whole
  const literal = [...new Set(forms.flatMap((f) => f.literal))].sort((a, b) => b.length - a.length);
  const base64 = [...new Set(forms.flatMap((f) => f.base64))];
  const literalPattern = literal.length ? new RegExp(literal.map(escapeRegExp).join('|'), 'g') : undefined;
  // The whole base64 word that carries a secret goes, padding included. Words
  // first (one linear pass), then the secret's runs inside each: no backtracking.
  const base64Pattern = base64.length ? new RegExp(base64.map(escapeRegExp).join('|')) : undefined;
  return (text: string) => {
    let out = text.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
    if (literalPattern) out = out.replace(literalPattern, REDACTED);
    if (base64Pattern) out = out.replace(BASE64_WORD, (word) => (base64Pattern.test(word) ? REDACTED : word));
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
