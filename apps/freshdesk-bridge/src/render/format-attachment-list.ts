import { inlineCode } from '@devops/safe-text';
import { escapeLine } from './escape-line';
import type { AttachmentOutcome } from './model';

/** "1.5 MB", "812 KB", "17 B". */
export function formatBytes(size: number | null): string {
  if (size === null) return 'size unknown';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${size} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * A URL as a Markdown link destination that cannot end early or open
 * anything: every character outside a conservative set (parentheses, spaces,
 * angle brackets, backticks, brackets included) is percent-encoded.
 */
export function linkDestination(url: string): string {
  return url.replace(/[^A-Za-z0-9\-._~:/?#@!$&'*+,;=%]/g, (c) => encodeURIComponent(c));
}

function freshdeskLink(url: string): string {
  return /^https?:\/\//i.test(url)
    ? `[download it from Freshdesk](${linkDestination(url)})`
    : `its Freshdesk link: ${inlineCode(url)}`;
}

/**
 * A Markdown list of attachments: copied ones link to their GitLab upload
 * (images shown), skipped ones say why and link to Freshdesk. Names and
 * reasons are text from outside: escaped, never formatting.
 */
export function formatAttachmentList(outcomes: AttachmentOutcome[]): string {
  return outcomes
    .map((o) => {
      const name = escapeLine(o.attachment.name) || 'attachment';
      if (o.kind === 'copied') {
        if (!o.upload) return `- ${name} (${formatBytes(o.bytes)}, to be uploaded)`;
        const link = `[${name}](${linkDestination(o.upload.url)})`;
        return `- ${o.upload.image ? '!' : ''}${link} (${formatBytes(o.bytes)})`;
      }
      const size = formatBytes(o.attachment.size);
      return `- ${name} (${size}) — not copied: ${escapeLine(o.reason)}; ${freshdeskLink(o.attachment.url)}`;
    })
    .join('\n');
}
