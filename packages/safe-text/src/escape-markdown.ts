import { codeBlock } from './code-block';
import { neutralizeMentions } from './neutralize-mentions';

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** A fenced code block as found in the input (content without its fences). */
interface Fenced {
  info: string;
  lines: string[];
}

/**
 * Markdown from outside (a converted ticket description, a comment) made safe
 * to post to GitLab, keeping its formatting and its words as written:
 *
 * - Fenced code blocks are kept verbatim but re-fenced (backticks, longer than
 *   any run inside, closed even when the input forgot to), so GitLab's
 *   quick-action scanner sees them as code too (it only knows ``` fences).
 * - Outside code: a line starting with `/` gets a backslash (`\/close` renders
 *   as `/close` and is no quick action); mentions are neutralised (see
 *   neutralizeMentions); `&` and `<` become entities, so no HTML, no comment
 *   and no hidden marker can be written, and an entity cannot spell `@`.
 * - Inline code spans (within one line) are kept verbatim; link destinations
 *   `](...)` are left alone.
 * - Line endings become `\n` (GitLab drops `\r` before it looks for quick actions).
 */
export function escapeMarkdown(markdown: string): string {
  const lines = markdown.replace(/\r\n|\r/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]!);
    if (open && !(open[1]!.startsWith('`') && open[2]!.includes('`'))) {
      const fenced = readFenced(lines, i, open[1]!, open[2]!.trim());
      out.push(codeBlock(fenced.block.lines.join('\n'), fenced.block.info.split(/\s/)[0]));
      i = fenced.end;
      continue;
    }
    out.push(escapeProseLine(lines[i]!));
  }
  return out.join('\n');
}

/** The block opened at `start` and the index of its closing line (or the last line when unclosed). */
function readFenced(
  lines: string[],
  start: number,
  fence: string,
  info: string,
): { block: Fenced; end: number } {
  const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
  const content: string[] = [];
  let i = start + 1;
  for (; i < lines.length; i++) {
    if (close.test(lines[i]!)) break;
    content.push(lines[i]!);
  }
  return { block: { info, lines: content }, end: Math.min(i, lines.length - 1) };
}

/** One line outside code blocks: code spans and link destinations verbatim, the rest escaped. */
function escapeProseLine(line: string): string {
  const indentedCode = /^( {4}|\t)/.test(line);
  let result = '';
  let rest = line;
  while (rest.length > 0) {
    const next = findVerbatim(rest);
    if (!next) {
      result += escapeProse(rest, indentedCode);
      break;
    }
    result += escapeProse(rest.slice(0, next.start), indentedCode) + rest.slice(next.start, next.end);
    rest = rest.slice(next.end);
  }
  return result.startsWith('/') ? `\\${result}` : result;
}

function escapeProse(text: string, indentedCode: boolean): string {
  // An indented code block shows entities literally; its lines cannot start a quick action
  // (they start with spaces) and cannot be one of our markers (those start the line).
  const escaped = indentedCode ? text : text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return neutralizeMentions(escaped);
}

/** The first code span (`x`, ``x``) or link destination `](url)` in `text`, if any. */
function findVerbatim(text: string): { start: number; end: number } | undefined {
  const candidates: { start: number; end: number }[] = [];
  const runs = /(?<!\\)`+/g;
  for (let m = runs.exec(text); m; m = runs.exec(text)) {
    const closer = new RegExp(`(?<!\`)${m[0]}(?!\`)`, 'g');
    closer.lastIndex = m.index + m[0].length;
    const c = closer.exec(text);
    if (c) {
      candidates.push({ start: m.index, end: c.index + c[0].length });
      break;
    }
    runs.lastIndex = m.index + m[0].length;
  }
  const link = /\]\([^()\s]*\)/.exec(text);
  if (link) candidates.push({ start: link.index + 1, end: link.index + link[0].length });
  candidates.sort((a, b) => a.start - b.start);
  return candidates[0];
}
