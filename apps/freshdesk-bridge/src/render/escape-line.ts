import { escapeText } from '@devops/safe-text';

/**
 * Text from outside (a name, a field value, a reason) on one line, rendered
 * literally by GitLab: whitespace folded, then `escapeText`. Plain
 * timestamps and numbers, which cannot act, are left as they are.
 */
export function escapeLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return /^[0-9][0-9T:.Z+-]*$/.test(line) ? line : escapeText(line);
}
