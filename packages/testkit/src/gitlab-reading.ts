/**
 * How GitLab reads a description or note, for the tests, ported from
 * gitlabhq's own source (see `reading/`): its quick-action extractor, in both
 * forms GitLab has shipped (the Markdown-paragraph one of current versions and
 * the whole-text regular expression of GitLab 15–16: a text acts if either
 * finds a command), and its user/group reference pattern with Ruby's ASCII `\w`,
 * applied to the text nodes outside code and links and to link targets, on a
 * CommonMark rendering (markdown-it with GFM autolinks, raw HTML kept, as GLFM).
 * For tests: "what GitLab ends up holding does nothing" is asserted with these.
 */
import MarkdownIt from 'markdown-it';
import { extractQuickActionsLegacy } from './reading/extract-quick-actions-legacy';
import { extractQuickActionsModern } from './reading/extract-quick-actions-modern';
import { findMentions } from './reading/find-mentions';
import { ANY_COMMAND_NAME, type QuickAction } from './reading/quick-action';

const md = new MarkdownIt({ html: true, linkify: true });

export type { QuickAction };
export { extractQuickActionsLegacy, extractQuickActionsModern };

/** The names of the quick actions GitLab would run for `content` (any command name counts). */
export function quickActions(content: string): string[] {
  const modern = extractQuickActionsModern(content, ANY_COMMAND_NAME);
  const legacy = extractQuickActionsLegacy(content, ANY_COMMAND_NAME);
  return (modern.length >= legacy.length ? modern : legacy).map((q) => q.name);
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

/** The text nodes GitLab's reference filters look at: outside `pre`, `code`, `a` and `style`. */
function referenceNodes(html: string): string[] {
  const outside = html
    .replace(/<pre[\s\S]*?<\/pre>/g, '<x>')
    .replace(/<code>[\s\S]*?<\/code>/g, '<x>')
    .replace(/<a [\s\S]*?<\/a>/g, '<x>')
    .replace(/<style[\s\S]*?<\/style>/g, '<x>');
  return outside.split(/<[^>]*>/).map(decode);
}

/** The visible text outside code and links, as GitLab's reference filter sees it. */
export function referenceText(content: string): string {
  return referenceNodes(renderMarkdown(content)).join(' ');
}

/** Mentions that would notify someone (`@name`, `@all`, `@group/sub`), in text and link targets. */
export function liveMentions(content: string): string[] {
  const html = renderMarkdown(content);
  const hrefs = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => decode(m[1]!));
  return findMentions(referenceNodes(html), hrefs);
}

/** HTML comments that survive rendering (where the suite hides its markers). */
export function htmlComments(content: string): string[] {
  return [...renderMarkdown(content).matchAll(/<!--[\s\S]*?-->/g)].map((m) => m[0]);
}

/** Raw HTML the author wrote that reaches the page as HTML (blocks and inline tags, comments included). */
export function rawHtml(content: string): string[] {
  const found: string[] = [];
  const walk = (tokens: MarkdownIt.Token[]) => {
    for (const t of tokens) {
      if (t.type === 'html_block' || t.type === 'html_inline') found.push(t.content.trim());
      if (t.children) walk(t.children);
    }
  };
  walk(md.parse(content, {}));
  return found;
}

/** Elements that would load something from elsewhere when the page is viewed (`<img>`, media, frames). */
export function externalLoads(content: string): string[] {
  return [
    ...renderMarkdown(content).matchAll(
      /<(?:img|video|audio|source|iframe|embed|object|picture|link)\b[^>]*>/gi,
    ),
  ].map((m) => m[0]);
}

/** Everything a reader sees, code included, with the invisible zero-width spaces removed. */
export function visibleText(content: string): string {
  return decode(renderMarkdown(content).replace(/<[^>]+>/g, '')).replace(/\u200B/g, '');
}
