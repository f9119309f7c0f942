import type { Issue } from '@devops/gitlab';
import { formatBytes } from '../render/format-attachment-list';
import { buildIssueDescription, buildIssueTitle } from '../render/build-issue-description';
import { selectConversationsToCopy } from '../copy/select-conversations-to-copy';
import type { AttachmentOutcome, Conversation, SkippedAttachment, Ticket, Attachment } from '../render/model';

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
  allowPrivateHosts: boolean;
}): EscalationPreview {
  const { ticket, issue, ticketUrl } = input;
  const skipped: SkippedAttachment[] = [];
  let attachments = 0;
  const judge = (list: Attachment[], from: SkippedAttachment['from']): AttachmentOutcome[] =>
    list.map((a) => {
      const reason = skipReason(a, input);
      if (reason) {
        skipped.push({ name: a.name, size: a.size, url: a.url, from, reason });
        return { kind: 'skipped', attachment: a, reason };
      }
      attachments += 1;
      return { kind: 'copied', attachment: a, bytes: a.size, upload: null };
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

/** The reasons that can be told from reads alone (addresses are checked when downloading). */
function skipReason(
  a: Attachment,
  rules: { maxAttachmentBytes: number; allowedHosts: ReadonlySet<string>; allowPrivateHosts: boolean },
): string | null {
  const max = rules.maxAttachmentBytes;
  if (a.size !== null && a.size > max) return `larger than the ${formatBytes(max)} limit`;
  let url: URL;
  try {
    url = new URL(a.url);
  } catch {
    return 'its link is not a valid URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && rules.allowPrivateHosts))
    return `its link is not https`;
  return rules.allowedHosts.has(url.host) ? null : `its host ${url.host} is not one Freshdesk named`;
}
