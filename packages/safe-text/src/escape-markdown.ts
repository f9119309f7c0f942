import { codeBlock } from './code-block';
import { escapeProseLine } from './escape-prose-line';
import { neutralizeMentions, ZERO_WIDTH_SPACE } from './neutralize-mentions';

// `[^]*`, not `.*`: U+2028 ends no line for CommonMark
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})([^]*)$/;

/**
 * Markdown from outside (a converted ticket description, a comment) made safe
 * to post to GitLab, keeping its formatting and its words as written, in time
 * linear in its length:
 *
 * - Fenced code blocks are kept verbatim but re-fenced (backticks, longer than
 *   any run inside, closed even when the input forgot to), so GitLab's
 *   quick-action extractor sees them as code in every version (the old one
 *   only knows ``` fences).
 * - A line starting with `>>>` (a GLFM multi-line blockquote fence, which
 *   GitLab closes even inside a code block) starts with `\>` instead.
 * - Other lines: see escapeProseLine (no quick action, HTML, image or mention;
 *   code spans made inert invisibly). A line indented as code is made inert
 *   the invisible way as a whole: it may be code, where entities would show,
 *   or a paragraph's continuation, where they are needed.
 * - Line endings become `\n` (GitLab drops `\r` before it looks for quick actions).
 */
export function escapeMarkdown(markdown: string): string {
  const closers = new Map<string, RegExp>();
  const lines = markdown.replace(/\r\n|\r/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const open = FENCE_OPEN.exec(line);
    if (open && !(open[1]!.startsWith('`') && open[2]!.includes('`'))) {
      const end = findFenceEnd(lines, i, open[1]!, closers);
      const info = open[2]!.trim().split(/\s/)[0]!;
      out.push(codeBlock(lines.slice(i + 1, end).join('\n'), info));
      i = end;
      continue;
    }
    if (/^( {4}|\t)/.test(line)) out.push(inertLine(line));
    // a GLFM multi-line blockquote fence: `>>>` closes a quote even inside a code block it holds
    else out.push(escapeProseLine(line.replace(/^( {0,3})>>>/, '$1\\>>>')));
  }
  return out.join('\n');
}

/** The index of the line closing the block opened at `start` (`lines.length` when it is never closed). */
function findFenceEnd(lines: string[], start: number, fence: string, closers: Map<string, RegExp>): number {
  let close = closers.get(fence);
  if (!close) {
    close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
    closers.set(fence, close);
  }
  for (let i = start + 1; i < lines.length; i++) if (close.test(lines[i]!)) return i;
  return lines.length;
}

function inertLine(line: string): string {
  return neutralizeMentions(line.replace(/[<&]|!(?=\[)/g, (c) => `${c}${ZERO_WIDTH_SPACE}`));
}
