import TurndownService from 'turndown';
import { codeBlock, escapeMarkdown } from '@devops/safe-text';

/**
 * Freshdesk HTML (ticket descriptions, conversation bodies) as GitLab
 * Markdown that cannot act there: turndown converts (scripts, styles and the
 * document head dropped; a `<pre>` becomes a fenced code block whose fence
 * is longer than any backtick run inside; an `<img>` becomes a link to it,
 * `[image: alt](src)`, which loads nothing), then `escapeMarkdown` from
 * @devops/safe-text neutralises quick actions, mentions, HTML, images and
 * comments, so copied text can never carry a bridge marker either.
 */
export function convertHtmlToMarkdown(html: string): string {
  if (!html.trim()) return '';
  const turndown = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '_',
  });
  turndown.remove(['script', 'style', 'head', 'title', 'meta', 'link']);
  // <pre> with or without <code> inside: its text verbatim, as one code block
  turndown.addRule('preformatted', {
    filter: 'pre',
    replacement: (_content, node) => `\n\n${codeBlock(node.textContent ?? '')}\n\n`,
  });
  // an image from another host would load in every reader's browser: a plain link to it instead
  turndown.addRule('image', {
    filter: 'img',
    replacement: (_content, node) => {
      const img = node as unknown as { getAttribute(name: string): string | null };
      const src = (img.getAttribute('src') ?? '').trim();
      const label = (img.getAttribute('alt') ?? '').trim() || 'image';
      const text = `image: ${label.replace(/[[\]\\]/g, '\\$&')}`;
      return src ? `[${text}](${src.replace(/[\s()<>]/g, encodeURIComponent)})` : text;
    },
  });
  return escapeMarkdown(turndown.turndown(html)).trim();
}
