import type { CatchUpSource, Change, ChangeKey, ChangeKeys, PassPorts } from '@devops/catch-up';
import type { ChangedIssue } from '@devops/gitlab';
import type { EventHandler, IssuePayload } from '@devops/webhooks';
import { ticketIdFromMarker } from '../render/markers';

/** An ISO or GitLab-webhook time ("2017-09-15 16:52:00 UTC") as whole seconds, the same either way. */
function seconds(at: string | null | undefined): string {
  const ms = at ? Date.parse(at) : NaN;
  return Number.isNaN(ms) ? String(at ?? '') : String(Math.floor(ms / 1000));
}

/** `project:<id>:issue:<iid>:closed@<seconds>`: one note per close, whether its hook came or a pass found it. */
export function closedKey(
  projectId: number | string,
  iid: number,
  closedAt: string | null | undefined,
): ChangeKey {
  return {
    key: `project:${projectId}:issue:${iid}:closed@${seconds(closedAt)}`,
    supersedes: [`project:${projectId}:issue:${iid}:opened`],
  };
}

/** `project:<id>:issue:<iid>:opened`: the issue seen open (reopened, or never closed); a close makes it stale. */
export function openedKey(projectId: number | string, iid: number): ChangeKey {
  return { key: `project:${projectId}:issue:${iid}:opened` };
}

export const ticketChangeKeys: ChangeKeys = {
  issue: {
    keyOf: (payload: IssuePayload) => {
      const a = payload.object_attributes ?? {};
      const project = payload.project?.id;
      if (project === undefined || typeof a.iid !== 'number') return null;
      if (a.action === 'close') return closedKey(project, a.iid, a.closed_at ?? a.updated_at);
      if (a.action === 'reopen') return openedKey(project, a.iid);
      return null;
    },
  },
};

/**
 * The bridge's catch-up, always over BRIDGE_GITLAB_PROJECT: escalated issues (BRIDGE_LABELS, the ticket
 * marker) updated in the window. A closed one is run through the Issue Hook's handler as its `close`
 * hook; an open one not yet seen open is looked at more closely (its notes: GitLab's "reopened" system
 * note) and, when it was reopened in the window, run as its `reopen` hook.
 */
export function createTicketSource(o: {
  project: string;
  labels: string[];
  /** Builds the Issue Hook handler on the pass's ports (Freshdesk writes tracked too). */
  handlerFor: (ports: PassPorts) => EventHandler<IssuePayload>;
}): CatchUpSource {
  const run = async (ports: PassPorts, issue: ChangedIssue, action: 'close' | 'reopen', at: string) => {
    const payload: IssuePayload = {
      object_kind: 'issue',
      project: { id: issue.projectId, path_with_namespace: o.project },
      object_attributes: {
        iid: issue.iid,
        action,
        description: issue.description,
        url: issue.webUrl,
        closed_at: action === 'close' ? at : null,
        updated_at: at,
      },
    };
    const handler = o.handlerFor(ports);
    if (handler.ignore?.(payload)) return;
    await handler.handle({
      payload,
      gitlab: ports.gitlab,
      log: ports.log,
      signal: ports.signal,
      deliveryId: `catch-up:issue:${issue.iid}:${action}@${at}`,
      event: 'Issue Hook',
      attempt: 1,
    });
  };
  return {
    kind: 'ticket_note',
    async findChanges(window) {
      const issues = await window.gitlab.listIssuesUpdatedAfter(o.project, window.since, o.labels);
      const changes: Change[] = [];
      for (const issue of issues) {
        if (ticketIdFromMarker(issue.description) === null) continue;
        const common = { kind: 'ticket_note' as const, project: o.project, target: `#${issue.iid}` };
        if (issue.state === 'closed') {
          const closedAt = issue.closedAt ?? issue.updatedAt;
          changes.push({
            ...common,
            ...closedKey(issue.projectId, issue.iid, closedAt),
            target: `#${issue.iid} closed`,
            apply: (ports) => run(ports, issue, 'close', closedAt),
          });
        } else {
          changes.push({
            ...common,
            ...openedKey(issue.projectId, issue.iid),
            target: `#${issue.iid} reopened`,
            apply: async (ports) => {
              const notes = await ports.gitlab.listIssueNotes(issue.projectId, issue.iid);
              const reopened = notes.filter((n) => n.system && n.body === 'reopened').pop();
              if (!reopened || Date.parse(reopened.createdAt) < window.since.getTime()) return; // never reopened lately
              await run(ports, issue, 'reopen', reopened.createdAt);
            },
          });
        }
      }
      return changes;
    },
  };
}
