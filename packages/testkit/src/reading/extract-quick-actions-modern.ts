import MarkdownIt from 'markdown-it';
import { BOL, EOL, RUBY_SPACE } from './ruby-regex';
import type { QuickAction } from './quick-action';

const parser = new MarkdownIt({ html: true, linkify: true });

/**
 * GitLab's quick-action extractor since it asks the Markdown parser
 * (`Gitlab::QuickActions::Extractor#perform_regex` with
 * `Banzai::Pipeline::QuickActionPipeline`):
 *
 * 1. `\r` deleted; `>>>` blocks are blockquotes (GLFM multi-line blockquotes);
 *    the text is parsed as CommonMark with source positions.
 * 2. Only top-level paragraphs (children of the document: not in a list,
 *    quote, table, HTML or code block) whose text content has a line starting
 *    with `/` (`%r{^/}`, so `\/close`, rendered `/close`, makes a candidate) are
 *    candidates (QuickActionFilter).
 * 3. On each candidate's source lines (plus a following blank line), `gsub` with
 *    `(?<inline_code>`.+?`) | (?<html>^<[^>]+?>\n.+?\n<\/[^>]+?>$)
 *    | ^\/(?<cmd>NAMES)(?:[ ](?<arg>[^\n]*))?(?:\s*\n|$)` (flags `mix`): a
 *    command is a line of the paragraph starting with `/` and a name, outside
 *    a code span.
 */
export function extractQuickActionsModern(content: string, names: string): QuickAction[] {
  const text = content.replace(/\r/g, '');
  const lines = text.split('\n');
  const tokens = parser.parse(quoteFences(lines).join('\n'), {});
  const scanner = new RegExp(
    [
      '(?<inline_code>`.+?`)',
      `(?<html>${BOL}<[^>]+?>\\n.+?\\n<\\/[^>]+?>${EOL})`,
      `(?:${BOL}\\/(?<cmd>${names})(?:[ ](?<arg>[^\\n]*))?(?:${RUBY_SPACE}*\\n|$))`,
    ].join('|'),
    'gsiu',
  );
  const found: QuickAction[] = [];
  tokens.forEach((token, i) => {
    if (token.type !== 'paragraph_open' || token.level !== 0 || !token.map) return;
    const inline = tokens[i + 1];
    if (!inline || !/(?:^|\n)\//.test(textContent(inline))) return;
    const [start, stop] = token.map;
    let end = stop - 1;
    if (lines[end + 1] === '' && end + 1 < lines.length - 1) end += 1;
    const paragraph = lines
      .slice(start, end + 1)
      .map((l, k) => (start + k < lines.length - 1 ? `${l}\n` : l))
      .join('');
    for (const m of paragraph.matchAll(scanner)) {
      if (m.groups?.cmd) found.push({ name: m.groups.cmd.toLowerCase(), arg: m.groups.arg ?? '' });
    }
  });
  return found;
}

/**
 * GLFM's multi-line blockquotes (`>>>` … `>>>`) as ordinary blockquotes, line
 * for line. As in comrak (`parse_multiline_block_quote_prefix`), the closing
 * fence is looked for before any block inside the quote, so a `>>>` line closes
 * the quote even inside a code block that the quote holds; outside a quote, a
 * `>>>` line inside a fenced code block is code.
 */
function quoteFences(lines: string[]): string[] {
  const out: string[] = [];
  let quote = 0;
  let fence: RegExp | null = null;
  for (const line of lines) {
    const marker = /^ {0,3}(>{3,})[ \t]*$/.exec(line);
    if (quote > 0) {
      if (marker && marker[1]!.length >= quote) {
        quote = 0;
        out.push('');
      } else out.push(`> ${line}`);
      continue;
    }
    if (fence) {
      if (fence.test(line)) fence = null;
      out.push(line);
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})([^]*)$/.exec(line);
    if (open && !(open[1]!.startsWith('`') && open[2]!.includes('`'))) {
      fence = new RegExp(`^ {0,3}${open[1]![0] === '`' ? '`' : '~'}{${open[1]!.length},}[ \\t]*$`);
    } else if (marker) {
      quote = marker[1]!.length;
      out.push('');
      continue;
    }
    out.push(line);
  }
  return out;
}

/** The text content of a paragraph as Nokogiri's `content` gives it (raw HTML is dropped). */
function textContent(inline: MarkdownIt.Token): string {
  let s = '';
  for (const child of inline.children ?? []) {
    if (child.type === 'text' || child.type === 'code_inline') s += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') s += '\n';
  }
  return s;
}
