import type { Issue } from '@devops/gitlab';
import { formatBytes } from './format-attachment-list';
import { buildIssueDescription, buildIssueTitle } from './build-issue-description';
import { selectConversationsToCopy } from './select-conversations-to-copy';
import type { AttachmentOutcome, Conversation, SkippedAttachment, Ticket, Attachment } from './model';

export interface EscalationPreview {
  dryRun: true;
  /** The issue the ticket is already escalated to, or null. */
  issue: { iid: number; url: string } | null;
  created: false;
  wouldCreate: { title: string; description: string } | null;
  wouldCopy: { conversations: number; attachments: number };
  skipped: SkippedAttachment[];
}

/** What an escalation would write, decided from what was read; writes nothing. */
export function previewEscalation(input: {
  ticket: Ticket;
  conversations: Conversation[];
  issue: Issue | null;
  ticketUrl: string;
  maxAttachmentBytes: number;
  allowedHosts: ReadonlySet<string>;
}): EscalationPreview {
  const { ticket, issue, ticketUrl } = input;
  const skipped: SkippedAttachment[] = [];
  let attachments = 0;
  const judge = (list: Attachment[], from: SkippedAttachment['from']): AttachmentOutcome[] =>
    list.map((a) => {
      const reason = skipReason(a, input.maxAttachmentBytes, input.allowedHosts);
      if (reason) {
        skipped.push({ name: a.name, size: a.size, url: a.url, from, reason });
        return { kind: 'skipped', attachment: a, reason };
      }
      attachments += 1;
      return { kind: 'copied', attachment: a, markdown: `\`${a.name.replace(/`/g, "'")}\` (to be uploaded)` };
    });
  const ticketAttachments = issue ? [] : judge(ticket.attachments, 'ticket');
  const conversations = selectConversationsToCopy(input.conversations);
  for (const c of conversations) judge(c.attachments, c.id);
  return {
    dryRun: true,
    issue: issue ? { iid: issue.iid, url: issue.webUrl } : null,
    created: false,
    wouldCreate: issue
      ? null
      : {
          title: buildIssueTitle(ticket),
          description: buildIssueDescription({ ticket, ticketUrl, attachments: ticketAttachments }),
        },
    wouldCopy: { conversations: conversations.length, attachments },
    skipped,
  };
}

function skipReason(a: Attachment, max: number, hosts: ReadonlySet<string>): string | null {
  if (a.size !== null && a.size > max) return `larger than the ${formatBytes(max)} limit`;
  try {
    const host = new URL(a.url).host;
    return hosts.has(host) ? null : `its host ${host} is not one Freshdesk named`;
  } catch {
    return 'its link is not a valid URL';
  }
}
