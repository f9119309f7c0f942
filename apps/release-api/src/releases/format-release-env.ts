import dotenv from 'dotenv';
import type { FieldProblem } from './validate-fields';

/** Characters that are special inside double quotes in sh, or that dotenv rewrites there. */
const DOUBLE_QUOTE_UNSAFE = /["$`\\]/;

/**
 * One `KEY='value'` line that `. ./release.env` in sh and dotenv.parse both
 * read back as exactly `value`, or undefined when no such quoting exists.
 *
 * - single quotes: sh takes everything literally up to the next `'`; dotenv
 *   strips the quotes and changes nothing inside. So any value without `'`.
 * - double quotes, for values with `'`: only when the value has none of
 *   `" $ \` \\` (sh would expand or unescape them; dotenv would not).
 * - never: carriage returns (dotenv turns them into newlines) and NUL.
 */
function quoteLine(key: string, value: string): string | undefined {
  if (/[\r\0]/.test(value)) return undefined;
  if (!value.includes("'")) return `${key}='${value}'`;
  if (!DOUBLE_QUOTE_UNSAFE.test(value)) return `${key}="${value}"`;
  return undefined;
}

/**
 * release.env text for the given entries (already upper-cased keys, in
 * order). Every line is read back by dotenv before it is accepted, so a value
 * dotenv would read differently is refused, never silently changed.
 */
export function formatReleaseEnv(entries: [key: string, value: string, field: string][]): {
  text?: string;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const lines: string[] = [];
  for (const [key, value, field] of entries) {
    const line = quoteLine(key, value);
    if (line === undefined) {
      problems.push({
        field,
        problem:
          'value cannot be written so that both sh and dotenv read it back exactly (a \' together with one of " $ ` \\, or a carriage return)',
      });
      continue;
    }
    lines.push(line);
  }
  if (problems.length > 0) return { problems };
  const text = `${lines.join('\n')}\n`;
  const parsed = dotenv.parse(text);
  for (const [key, value, field] of entries) {
    if (parsed[key] !== value) {
      problems.push({ field, problem: 'value would not read back exactly from release.env' });
    }
  }
  return problems.length > 0 ? { problems } : { text, problems };
}
