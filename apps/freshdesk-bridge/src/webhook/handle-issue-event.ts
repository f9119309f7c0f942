import type { FreshdeskPort } from '@devops/freshdesk';
import { NotFoundError } from '@devops/errors';
import type { EventHandler, HandlerContext, IssuePayload } from '@devops/webhooks';
import { buildIssueEventNote, hasIssueEventNote, issueEventSentence } from '../render/bridge-notes';
import type { BridgeMetrics } from '../metrics/create-bridge-metrics';
import { ticketIdFromMarker } from '../render/markers';

const ACTIONS = { close: 'closed', reopen: 'reopened' } as const;

/**
 * Issue Hook: closing or reopening an escalated issue (the ticket marker on
 * the first line of its description, in the bridge's project) adds a private
 * note to the ticket. Idempotent against Freshdesk's state: the note names the
 * event (action and time), and is not added when the ticket already has it.
 */
export function handleIssueEvent(deps: {
  freshdesk: FreshdeskPort;
  project: string;
  metrics: BridgeMetrics;
}): EventHandler<IssuePayload> {
  const isOurProject = (p: IssuePayload) =>
    String(p.project?.id) === deps.project || p.project?.path_with_namespace === deps.project;
  return {
    ignore(payload) {
      const attrs = payload.object_attributes;
      const action = attrs?.action;
      if (action !== 'close' && action !== 'reopen')
        return `issue action ${String(action)} is not close or reopen`;
      if (!isOurProject(payload)) return 'issue is not in BRIDGE_GITLAB_PROJECT';
      if (ticketIdFromMarker(attrs?.description ?? null) === null)
        return 'issue was not escalated from Freshdesk';
      if (!attrs?.url) return 'issue has no url';
      return undefined;
    },
    async handle(ctx: HandlerContext<IssuePayload>) {
      const attrs = ctx.payload.object_attributes ?? {};
      const ticketId = ticketIdFromMarker(attrs.description ?? null);
      const action = ACTIONS[attrs.action as keyof typeof ACTIONS];
      if (ticketId === null || !action || !attrs.url) return;
      const at = (action === 'closed' ? attrs.closed_at : null) ?? attrs.updated_at ?? ctx.deliveryId;
      const issue = { webUrl: attrs.url };
      let conversations;
      try {
        conversations = await deps.freshdesk.listConversations(ticketId);
      } catch (err) {
        if (err instanceof NotFoundError) {
          ctx.log.warn(
            `issue #${attrs.iid} was ${action}, but Freshdesk ticket ${ticketId} no longer exists`,
          );
          return;
        }
        throw err;
      }
      if (hasIssueEventNote(conversations, issueEventSentence(issue, action, at))) {
        ctx.log.info(`ticket ${ticketId} already has the note for issue #${attrs.iid} ${action} at ${at}`);
        return;
      }
      const by = ctx.payload.user?.name ?? ctx.payload.user?.username ?? null;
      await deps.freshdesk.addPrivateNote(ticketId, buildIssueEventNote(issue, action, at, by));
      deps.metrics.issueEventNotes.inc({ action });
      ctx.log.info(`issue #${attrs.iid} ${action}: private note added to Freshdesk ticket ${ticketId}`);
    },
  };
}
