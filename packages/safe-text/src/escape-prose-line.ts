import { findCodeSpans } from './find-code-spans';
import { MENTION_AT, neutralizeMentions, ZERO_WIDTH_SPACE } from './neutralize-mentions';

/** A link destination `](…)` without spaces or parentheses inside. */
const LINK_DESTINATION = /\]\(([^()\s]*)\)/g;

/**
 * One line outside code blocks, escaped in one pass (linear in its length):
 *
 * - Prose: `&` and `<` become entities (no HTML, comment, tag or autolink can
 *   be written, and an entity cannot spell `@`); `!` before `[` becomes `&#33;`
 *   (a link, never an image that loads from elsewhere); mentions neutralised.
 * - Link destinations `](url)`: the same, except that an `@` that could start
 *   a reference becomes `%40` (a URL still works; `https://host/@me` keeps
 *   its meaning) or, first in the target (`[click](@team)`, which GitLab reads
 *   as a mention), gets a zero-width space.
 * - Code spans keep their text, made inert invisibly (a zero-width space after
 *   `<`, `&`, a mention's `@` and the `!` of `![`), so that even where
 *   CommonMark pairs the backticks differently from this one-line view (a span
 *   may cross lines) the text can neither open HTML nor mention anyone.
 * - A line starting with `/` gets a backslash (`\/close` renders as `/close`
 *   and is no quick action).
 */
export function escapeProseLine(line: string): string {
  const parts: string[] = [];
  let at = 0;
  const spans = findCodeSpans(line);
  for (let k = 0; k < spans.length; k += 2) {
    parts.push(escapeProse(line.slice(at, spans[k])), inertCode(line.slice(spans[k], spans[k + 1])));
    at = spans[k + 1]!;
  }
  parts.push(escapeProse(line.slice(at)));
  const result = parts.join('');
  return result.startsWith('/') ? `\\${result}` : result;
}

function escapeProse(text: string): string {
  if (!/[&<!@\]]/.test(text)) return text;
  const parts: string[] = [];
  let at = 0;
  LINK_DESTINATION.lastIndex = 0;
  for (let m = LINK_DESTINATION.exec(text); m; m = LINK_DESTINATION.exec(text)) {
    parts.push(escapeText(text.slice(at, m.index)), '](', escapeDestination(m[1]!), ')');
    at = m.index + m[0].length;
  }
  parts.push(escapeText(text.slice(at)));
  return parts.join('');
}

function escapeEntities(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/!(?=\[)/g, '&#33;');
}

function escapeText(text: string): string {
  if (!/[&<!@]/.test(text)) return text;
  return neutralizeMentions(escapeEntities(text));
}

function escapeDestination(url: string): string {
  return escapeEntities(url).replace(MENTION_AT, (_at, offset: number) =>
    offset === 0 ? `@${ZERO_WIDTH_SPACE}` : '%40',
  );
}

function inertCode(span: string): string {
  if (!/[<&!@]/.test(span)) return span;
  return neutralizeMentions(span.replace(/[<&]|!(?=\[)/g, (c) => `${c}${ZERO_WIDTH_SPACE}`));
}
