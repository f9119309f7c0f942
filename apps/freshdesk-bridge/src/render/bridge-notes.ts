import type { Issue } from '@devops/gitlab';
import type { Conversation } from './model';

/**
 * The private notes the bridge adds to Freshdesk tickets, and how it knows
 * them again. Freshdesk may strip HTML comments, so recognition also works on
 * the visible text. These notes are never copied back to GitLab.
 */
const SIGNATURE = '<!-- freshdesk-bridge -->';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function buildEscalatedNote(issue: Issue): string {
  const url = escapeHtml(issue.webUrl);
  return `<p>Escalated to GitLab: <a href="${url}">${url}</a></p>${SIGNATURE}`;
}

/** The visible sentence of an issue event note: it carries the event's identity (action and time). */
export function issueEventSentence(
  issue: { webUrl: string },
  action: 'closed' | 'reopened',
  at: string,
): string {
  return `GitLab issue ${issue.webUrl} was ${action} (${at}).`;
}

export function buildIssueEventNote(
  issue: { webUrl: string },
  action: 'closed' | 'reopened',
  at: string,
  by: string | null,
): string {
  const sentence = escapeHtml(issueEventSentence(issue, action, at));
  return `<p>${sentence}${by ? ` By ${escapeHtml(by)}.` : ''}</p>${SIGNATURE}`;
}

function visibleText(c: Conversation): string {
  return (c.bodyText || c.body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}

export function isBridgeNote(c: Conversation): boolean {
  if (!c.private) return false;
  if (c.body.includes(SIGNATURE)) return true;
  return /^(Escalated to GitLab: |GitLab issue \S+ was (closed|reopened) \()/.test(visibleText(c));
}

export function hasEscalatedNote(conversations: Conversation[], issue: Issue): boolean {
  return conversations.some(
    (c) =>
      isBridgeNote(c) &&
      visibleText(c).startsWith('Escalated to GitLab: ') &&
      visibleText(c).includes(issue.webUrl),
  );
}

export function hasIssueEventNote(conversations: Conversation[], sentence: string): boolean {
  return conversations.some((c) => isBridgeNote(c) && visibleText(c).includes(sentence));
}
