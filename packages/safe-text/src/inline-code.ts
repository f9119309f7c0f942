import { longestBacktickRun } from './longest-backtick-run';

/**
 * A complete inline code span holding `text` verbatim: its backtick fence is
 * longer than any backtick run inside, so the text cannot close it early.
 * Line breaks become spaces (a code span renders them as spaces anyway, and a
 * line break could start a quick-action line); content that starts or ends
 * with a backtick or space is padded with one space, which CommonMark strips.
 */
export function inlineCode(text: string): string {
  const content = text.replace(/\r\n|\r|\n/g, ' ');
  const fence = '`'.repeat(longestBacktickRun(content) + 1);
  const pad = /^[`\s]|[`\s]$/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}
