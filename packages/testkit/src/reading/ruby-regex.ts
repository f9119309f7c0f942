/**
 * Pieces for porting GitLab's Ruby (Onigmo) regular expressions to JavaScript
 * without changing what they match:
 *
 * - Ruby's `^` and `$` are always line anchors, and only `\n` ends a line;
 *   JavaScript's `m` flag also ends lines at `\r`, U+2028 and U+2029. So no `m`
 *   flag: `^` is `(?:^|(?<=\n))` and `$` is `(?=\n|$)`.
 * - Ruby's `\s` is ASCII whitespace; JavaScript's includes U+00A0, U+2028...
 * - Ruby's `\w` is ASCII `[a-zA-Z0-9_]` (no `(?u)` in GitLab's patterns), as is
 *   JavaScript's without the `u`+`i` flags; written out to leave no doubt.
 * - Ruby's `/m` (dot matches newline) is JavaScript's `s`.
 */
export const BOL = '(?:^|(?<=\\n))';
export const EOL = '(?=\\n|$)';
export const RUBY_SPACE = '[ \\t\\n\\v\\f\\r]';
export const RUBY_WORD = '[a-zA-Z0-9_]';
