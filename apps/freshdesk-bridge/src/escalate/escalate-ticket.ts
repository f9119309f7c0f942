import { NotFoundError } from '@devops/errors';
import type { GitLabPort, Issue, ProjectRef } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import { buildEscalatedNote, hasEscalatedNote } from '../render/bridge-notes';
import { buildConversationNote } from '../render/build-conversation-note';
import { buildIssueDescription, buildIssueTitle } from '../render/build-issue-description';
import { convertHtmlOffThread } from '../render/convert-html-off-thread';
import { collectAttachmentHosts } from '../copy/collect-attachment-hosts';
import { copyAttachment } from '../copy/copy-attachment';
import type { BridgeMetrics } from '../metrics/create-bridge-metrics';
import type { NotePacer } from '../copy/create-note-pacer';
import type { TicketLocks } from '../records/create-ticket-locks';
import type { EscalationRecords } from '../records/escalation-records';
import { findEscalatedIssue } from './find-escalated-issue';
import { findFreshAttachment } from '../copy/find-fresh-attachment';
import type { FreshdeskPort } from '@devops/freshdesk';
import { conversationIdFromMarker } from '../render/markers';
import type { AttachmentOutcome, Conversation, SkippedAttachment, Ticket, Attachment } from '../render/model';
import { previewEscalation, type EscalationPreview } from './preview-escalation';
import { selectConversationsToCopy } from '../copy/select-conversations-to-copy';
import { UnknownTicketError } from './unknown-ticket-error';

export interface EscalationDeps {
  gitlab: GitLabPort;
  freshdesk: FreshdeskPort;
  project: ProjectRef;
  freshdeskUrl: string;
  labels: string[];
  linkField?: string;
  maxAttachmentBytes: number;
  /** BRIDGE_ALLOW_PRIVATE_HOSTS: plain http and non-public attachment addresses (test doubles only). */
  allowPrivateHosts: boolean;
  locks: TicketLocks;
  /** With DATABASE_URL: one row per ticket (its issue, how far the copy got). */
  records?: EscalationRecords;
  pacer: NotePacer;
  metrics: BridgeMetrics;
  log: Logger;
}

export interface EscalationResult {
  issue: { iid: number; url: string };
  created: boolean;
  copied: { conversations: number; attachments: number };
  skipped: SkippedAttachment[];
}

export function ticketUrlOf(freshdeskUrl: string, ticketId: number): string {
  return `${new URL(freshdeskUrl).origin}/a/tickets/${ticketId}`;
}

/**
 * Escalates one ticket: one GitLab issue with its fields, description and
 * attachments, then every conversation (oldest first) as a marked note with
 * its attachments, then a private note (and the link field) on the ticket.
 * Idempotent: an escalated ticket is found again by its marker (or link
 * field) and only what is missing is copied, so a copy that broke half-way
 * resumes without repeating a note. Same-ticket calls are serialised.
 */
export async function escalateTicket(deps: EscalationDeps, ticketId: number): Promise<EscalationResult> {
  return deps.locks.withLock(ticketId, () => copyTicket(deps, ticketId));
}

/** What escalateTicket would do, from reads only. */
export async function dryRunEscalation(deps: EscalationDeps, ticketId: number): Promise<EscalationPreview> {
  const { ticket, conversations } = await readTicket(deps, ticketId);
  const issue = await findEscalatedIssue(deps, ticketId, ticket);
  const notes = issue ? await deps.gitlab.listIssueNotes(deps.project, issue.iid) : [];
  const copiedIds = new Set(notes.map((n) => conversationIdFromMarker(n.body)));
  return previewEscalation({
    ticket,
    conversations: conversations.filter((c) => !copiedIds.has(c.id)),
    issue,
    ticketUrl: ticketUrlOf(deps.freshdeskUrl, ticketId),
    maxAttachmentBytes: deps.maxAttachmentBytes,
    allowedHosts: collectAttachmentHosts(ticket, conversations),
    allowPrivateHosts: deps.allowPrivateHosts,
  });
}

async function readTicket(
  deps: EscalationDeps,
  ticketId: number,
): Promise<{ ticket: Ticket; conversations: Conversation[] }> {
  let ticket: Ticket;
  try {
    ticket = await deps.freshdesk.getTicket(ticketId);
  } catch (err) {
    if (err instanceof NotFoundError) throw new UnknownTicketError(ticketId, { cause: err });
    throw err;
  }
  const conversations = await deps.freshdesk.listConversations(ticketId);
  return { ticket, conversations };
}

async function copyTicket(deps: EscalationDeps, ticketId: number): Promise<EscalationResult> {
  const { gitlab, project, log, metrics } = deps;
  const { ticket, conversations } = await readTicket(deps, ticketId);
  const ticketUrl = ticketUrlOf(deps.freshdeskUrl, ticketId);
  const copyDeps = {
    gitlab,
    freshdesk: deps.freshdesk,
    project,
    maxBytes: deps.maxAttachmentBytes,
    allowedHosts: collectAttachmentHosts(ticket, conversations),
    allowPrivateHosts: deps.allowPrivateHosts,
    refresh: (a: Attachment) => findFreshAttachment(deps.freshdesk, ticketId, a.id),
    log,
  };
  const skipped: SkippedAttachment[] = [];
  let attachmentsCopied = 0;
  const copyAll = async (attachments: Attachment[], from: SkippedAttachment['from']) => {
    const outcomes: AttachmentOutcome[] = [];
    for (const a of attachments) {
      const outcome = await copyAttachment(copyDeps, a);
      if (outcome.kind === 'copied') {
        attachmentsCopied += 1;
        metrics.attachmentsCopied.inc();
      } else {
        skipped.push({ name: a.name, size: a.size, url: a.url, from, reason: outcome.reason });
        metrics.attachmentsSkipped.inc();
        log.info(`attachment ${a.id} of ticket ${ticketId} not copied: ${outcome.reason}`);
      }
      outcomes.push(outcome);
    }
    return outcomes;
  };

  const recorded = (await deps.records?.issueOf(ticketId)) ?? null;
  let issue = await findEscalatedIssue(deps, ticketId, ticket, recorded);
  const created = issue === null;
  if (issue === null) {
    const attachments = await copyAll(ticket.attachments, 'ticket');
    issue = await createIssueOnce(deps, ticketId, {
      title: buildIssueTitle(ticket),
      description: buildIssueDescription({
        ticket,
        ticketUrl,
        attachments,
        descriptionMarkdown: await convertHtmlOffThread(ticket.description),
      }),
      labels: deps.labels,
    });
    log.info(`ticket ${ticketId} escalated to issue #${issue.iid} (${issue.webUrl})`);
    await deps.records?.recordIssue(ticketId, { iid: issue.iid, url: issue.webUrl });
  } else {
    log.info(`ticket ${ticketId} already escalated to issue #${issue.iid}: copying what is missing`);
    if (recorded !== issue.iid)
      await deps.records?.recordIssue(ticketId, { iid: issue.iid, url: issue.webUrl });
  }

  const notes = created ? [] : await gitlab.listIssueNotes(project, issue.iid);
  const copiedIds = new Set(notes.map((n) => conversationIdFromMarker(n.body)));
  copiedIds.delete(null);
  let conversationsCopied = 0;
  let attachmentsRecorded = 0;
  const recordProgress = async (complete: boolean) => {
    await deps.records?.recordProgress(ticketId, {
      conversations: copiedIds.size,
      attachments: attachmentsCopied - attachmentsRecorded,
      complete,
    });
    attachmentsRecorded = attachmentsCopied;
  };
  for (const conversation of selectConversationsToCopy(conversations)) {
    if (copiedIds.has(conversation.id)) continue;
    const attachments = await copyAll(conversation.attachments, conversation.id);
    const bodyMarkdown = await convertHtmlOffThread(conversation.body);
    const body = buildConversationNote({ conversation, ticket, ticketUrl, attachments, bodyMarkdown });
    await deps.pacer.next();
    await gitlab.createIssueNote(project, issue.iid, body, { internal: conversation.private });
    conversationsCopied += 1;
    metrics.notesCopied.inc();
    copiedIds.add(conversation.id);
    await recordProgress(false);
  }

  if (!hasEscalatedNote(conversations, issue)) {
    await deps.freshdesk.addPrivateNote(ticketId, buildEscalatedNote(issue));
  }
  if (deps.linkField && ticket.customFields[deps.linkField] !== issue.webUrl) {
    await deps.freshdesk.updateTicket(ticketId, { customFields: { [deps.linkField]: issue.webUrl } });
  }
  await recordProgress(true);
  log.info(
    `ticket ${ticketId} → issue #${issue.iid}: ${conversationsCopied} conversations and ${attachmentsCopied} attachments copied, ${skipped.length} skipped`,
  );
  return {
    issue: { iid: issue.iid, url: issue.webUrl },
    created,
    copied: { conversations: conversationsCopied, attachments: attachmentsCopied },
    skipped,
  };
}

/**
 * Creates the issue; when the call fails (e.g. the response was lost after
 * GitLab created it), looks for the marker once more before giving up, so a
 * retry never makes a second issue.
 */
async function createIssueOnce(
  deps: EscalationDeps,
  ticketId: number,
  issue: { title: string; description: string; labels: string[] },
): Promise<Issue> {
  try {
    return await deps.gitlab.createIssue(deps.project, issue);
  } catch (err) {
    const found = await findEscalatedIssue(deps, ticketId).catch(() => null);
    if (found) return found;
    throw err;
  }
}
