/** U+200B ZERO WIDTH SPACE: invisible, and not part of any GitLab user, group or `all` reference. */
export const ZERO_WIDTH_SPACE = '\u200B';

/**
 * Where GitLab's `User.reference_pattern` (`(?<!\w)@` and a path starting
 * with `[a-zA-Z0-9_.]`) could start a reference: an `@` before such a
 * character that is not preceded by an ASCII letter or digit. Ruby's `\w` is
 * ASCII, so `café@all` and `Жа@root` are references. `_` does not shield an
 * `@` here although it is a word character: `_a_@all` renders as emphasis
 * followed by a text node of its own that starts with `@all`.
 */
export const MENTION_AT = /(?<![A-Za-z0-9])@(?=[A-Za-z0-9_.])/g;

/**
 * `@name`, `@all`, `@group/sub` no longer notify anyone: a zero-width space
 * goes after each `@` that GitLab could read as the start of a reference
 * (`user@example.com` is left alone). The text still reads exactly as written.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(MENTION_AT, `@${ZERO_WIDTH_SPACE}`);
}
