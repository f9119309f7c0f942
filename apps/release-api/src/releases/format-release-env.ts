/** Characters that are special inside double quotes in sh, or that dotenv rewrites there. */
const DOUBLE_QUOTE_UNSAFE = /["$`\\]/;

/**
 * One `KEY=value` line that `. ./release.env` in sh reads back as exactly
 * `value` (any printable text; control characters were refused before), and
 * that dotenv reads back exactly too wherever one quoting allows both:
 *
 * - no `'`: single quotes. sh takes everything literally up to the next `'`;
 *   dotenv strips the quotes and changes nothing inside.
 * - a `'` but none of `" $ \` \\`: double quotes (nothing in it is special
 *   to sh, and dotenv only rewrites `\n` / `\r` there).
 * - a `'` together with one of those: single quotes with each `'` written
 *   as `'\''` (close, escaped quote, reopen), exact in sh. dotenv has no
 *   quoting that holds both, so it reads such a value differently;
 *   release.json and the script's environment hold it exactly.
 */
function quoteEnvLine(key: string, value: string): string {
  if (!value.includes("'")) return `${key}='${value}'`;
  if (!DOUBLE_QUOTE_UNSAFE.test(value)) return `${key}="${value}"`;
  return `${key}='${value.replaceAll("'", "'\\''")}'`;
}

/** release.env text for the given `[RELEASE_KEY, value]` entries, in order. */
export function formatReleaseEnv(entries: [key: string, value: string][]): string {
  return entries.map(([key, value]) => `${quoteEnvLine(key, value)}\n`).join('');
}
