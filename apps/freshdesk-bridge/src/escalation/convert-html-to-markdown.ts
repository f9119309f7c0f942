import TurndownService from 'turndown';
import { codeBlock, escapeMarkdown } from '@devops/safe-text';

/**
 * Freshdesk HTML (ticket descriptions, conversation bodies) as GitLab
 * Markdown that cannot act there: turndown converts (scripts, styles and the
 * document head dropped; a `<pre>` becomes a fenced code block whose fence
 * is longer than any backtick run inside), then `escapeMarkdown` from
 * @devops/safe-text neutralises quick actions, mentions, HTML and comments
 * outside code, so copied text can never carry a bridge marker either.
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
  return escapeMarkdown(turndown.turndown(html)).trim();
}
