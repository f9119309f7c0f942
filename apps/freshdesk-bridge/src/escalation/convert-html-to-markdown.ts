import TurndownService from 'turndown';

/**
 * Freshdesk HTML (ticket descriptions, conversation bodies) as GitLab
 * Markdown, through turndown. Scripts, styles and the document head are
 * dropped; HTML comments in the source are dropped by turndown, and a literal
 * "<!--" in text is escaped so copied text can never carry a bridge marker.
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
  return turndown.turndown(html).replace(/<!--/g, '&lt;!--').trim();
}
