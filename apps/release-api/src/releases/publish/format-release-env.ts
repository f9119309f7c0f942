/** Characters that are special inside double quotes in sh, or that dotenv rewrites there. */
const DOUBLE_QUOTE_UNSAFE = /["$`\\]/;
const DOUBLE_QUOTE_SPECIAL = /["$`\\]/g;

/**
 * Written after a line whose closing quote follows a backslash. dotenv (17.x)
 * reads `\'` (`\"`) as an escaped quote and would read on into the next line,
 * taking the next key into this value; at this comment's bare `'` (`"`) that
 * reading fails, and dotenv settles on the line's own closing quote. A comment to sh.
 */
export const BACKSLASH_GUARD = `#'-"- the value above ends with a backslash: this line stops dotenv reading on`;

/**
 * One `KEY=value` entry (one line, or two with BACKSLASH_GUARD) that
 * `. ./release.env` in sh reads back as exactly `value` (any printable text;
 * control characters were refused before), that dotenv reads back exactly
 * wherever one quoting allows both, and that never adds, hides or changes a
 * key for either: dotenv's match always spans the whole line, so a U+2028 or
 * U+2029 inside (line ends to dotenv's `^`/`$`) never starts a line of its own.
 *
 * - no `'`: single quotes, literal to sh and to dotenv (a trailing `\`: guarded).
 * - a `'` but none of `" $ \` \\`: double quotes, nothing in it special to either.
 * - a `'` with one of those: double quotes with `" $ \` \\` backslash-escaped,
 *   exact in sh; dotenv keeps the escapes (no quoting of dotenv holds both a
 *   `'` and such a value) but still reads this whole line as this one key.
 */
function quoteEnvEntry(key: string, value: string): string {
  const guard = value.endsWith('\\') ? `\n${BACKSLASH_GUARD}` : '';
  if (!value.includes("'")) return `${key}='${value}'${guard}`;
  if (!DOUBLE_QUOTE_UNSAFE.test(value)) return `${key}="${value}"`;
  return `${key}="${value.replace(DOUBLE_QUOTE_SPECIAL, '\\$&')}"${guard}`;
}

/** release.env text for the given `[RELEASE_KEY, value]` entries, in order. */
export function formatReleaseEnv(entries: [key: string, value: string][]): string {
  return entries.map(([key, value]) => `${quoteEnvEntry(key, value)}\n`).join('');
}
