import { longestBacktickRun } from './longest-backtick-run';

/**
 * A complete fenced code block holding `text` verbatim: the fence is longer
 * than any backtick run inside (at least three), so no line of the text can
 * close it. The closing fence ends its line, which is also what GitLab's
 * quick-action scanner needs to see the block as code. `info` (a language
 * name) is reduced to safe characters.
 */
export function codeBlock(text: string, info = ''): string {
  const content = text.replace(/\r\n|\r/g, '\n').replace(/\n$/, '');
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
  const lang = info.replace(/[^A-Za-z0-9_+.#-]/g, '');
  return `${fence}${lang}\n${content}\n${fence}`;
}
