import { neutralizeMentions } from './neutralize-mentions';

/** ASCII punctuation that CommonMark lets a backslash escape (all of it, `@` aside: see neutralizeMentions). */
const MARKDOWN_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?[\\\]^_`{|}~]/g;

/**
 * Plain text from outside (a name, a file name, a subject) that must appear in
 * GitLab literally: every Markdown punctuation character is backslash-escaped
 * (so the text cannot format, link, open HTML or a comment, start a quick
 * action, or break out of link text) and mentions are neutralised. Renders as
 * the original text. Line breaks are kept.
 */
export function escapeText(text: string): string {
  const normalized = text.replace(/\r\n|\r/g, '\n');
  return neutralizeMentions(normalized.replace(MARKDOWN_PUNCTUATION, '\\$&'));
}
