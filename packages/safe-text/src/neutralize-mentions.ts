/** U+200B ZERO WIDTH SPACE: invisible, and not part of any GitLab user, group or `all` reference. */
export const ZERO_WIDTH_SPACE = '\u200B';

/**
 * `@name`, `@all`, `@group/sub` no longer notify anyone: a zero-width space
 * goes after each `@` that GitLab could read as the start of a reference (one
 * not preceded by a letter or digit, as in `user@example.com`). The text still
 * reads exactly as written.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(/(?<![\p{L}\p{N}_])@(?=[\p{L}\p{N}_.-])/gu, `@${ZERO_WIDTH_SPACE}`);
}
