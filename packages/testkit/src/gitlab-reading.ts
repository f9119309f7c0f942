/**
 * How GitLab reads a description or note, for the tests: its quick-action
 * scanner (the regular expression of Gitlab::QuickActions::Extractor, ported
 * with Ruby's /m as JavaScript's /s) and its reference filter (mentions in the
 * rendered text, outside code and links), on a CommonMark rendering (markdown-it).
 * For tests: "what GitLab ends up holding does nothing" is asserted with these.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: true, linkify: false });

/** The quick actions GitLab would run for `content` (any command name counts). */
export function quickActions(content: string): string[] {
  const text = content.replace(/\r/g, '');
  const scanner = new RegExp(
    [
      '(?<code>^```.+?\\n```$)',
      '(?<inline_code>^.*`\\n*.+?\\n*`$)',
      '(?<html>^<[^>]+?>\\n.+?\\n<\\/[^>]+?>$)',
      '(?<quote>^>>>.+?\\n>>>$)',
      '(?:^\\/(?<cmd>[a-z_]+)(?:[ ](?<arg>[^\\n]*))?(?:\\s*\\n|$))',
    ].join('|'),
    'gmsi',
  );
  const found: string[] = [];
  for (const m of text.matchAll(scanner)) if (m.groups?.cmd) found.push(m.groups.cmd);
  return found;
}

/** The HTML a CommonMark renderer makes of `content`. */
export function renderMarkdown(content: string): string {
  return md.render(content);
}

function decode(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

/** The visible text outside code and links, as GitLab's reference filter sees it. */
export function referenceText(content: string): string {
  const html = renderMarkdown(content)
    .replace(/<pre[\s\S]*?<\/pre>/g, ' ')
    .replace(/<code>[\s\S]*?<\/code>/g, ' ')
    .replace(/<a [\s\S]*?<\/a>/g, ' ');
  return decode(html.replace(/<[^>]+>/g, ' '));
}

/** Mentions that would notify someone (`@name`, `@all`, `@group/sub`). */
export function liveMentions(content: string): string[] {
  return [...referenceText(content).matchAll(/(?<![\p{L}\p{N}_])@([A-Za-z0-9_][A-Za-z0-9_.\-/]*)/gu)].map(
    (m) => m[1]!,
  );
}

/** HTML comments that survive rendering (where the suite hides its markers). */
export function htmlComments(content: string): string[] {
  return [...renderMarkdown(content).matchAll(/<!--[\s\S]*?-->/g)].map((m) => m[0]);
}

/** Everything a reader sees, code included, with the invisible zero-width spaces removed. */
export function visibleText(content: string): string {
  return decode(renderMarkdown(content).replace(/<[^>]+>/g, '')).replace(/\u200B/g, '');
}
