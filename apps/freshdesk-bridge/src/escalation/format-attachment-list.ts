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

/** Markdown link text: brackets and backslashes escaped. */
export function escapeLinkText(text: string): string {
  return text
    .replace(/([\\[\]])/g, '\\$1')
    .replace(/</g, '&lt;')
    .replace(/\r?\n/g, ' ');
}

/**
 * A Markdown list of attachments: copied ones link to their GitLab upload,
 * skipped ones say why and link to Freshdesk.
 */
export function formatAttachmentList(outcomes: AttachmentOutcome[]): string {
  return outcomes
    .map((o) => {
      const size = formatBytes(o.attachment.size);
      if (o.kind === 'copied') return `- ${o.markdown} (${size})`;
      const name = escapeLinkText(o.attachment.name);
      return `- ${name} (${size}) — not copied: ${o.reason}; [download it from Freshdesk](${o.attachment.url})`;
    })
    .join('\n');
}
