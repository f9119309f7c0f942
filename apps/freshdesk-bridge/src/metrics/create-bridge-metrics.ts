import { Counter, type Registry } from 'prom-client';

export interface BridgeMetrics {
  escalations: Counter<'result'>;
  notesCopied: Counter;
  attachmentsCopied: Counter;
  attachmentsSkipped: Counter;
  issueEventNotes: Counter<'action'>;
}

/** The bridge's own counters, on the app's registry (/metrics). */
export function createBridgeMetrics(registry: Registry): BridgeMetrics {
  return {
    escalations: new Counter({
      name: 'freshdesk_bridge_escalations_total',
      help: 'Escalation requests by result (created, existing, resumed, dry_run, not_found, failed)',
      labelNames: ['result'],
      registers: [registry],
    }),
    notesCopied: new Counter({
      name: 'freshdesk_bridge_notes_copied_total',
      help: 'Freshdesk conversations copied to GitLab issue notes',
      registers: [registry],
    }),
    attachmentsCopied: new Counter({
      name: 'freshdesk_bridge_attachments_copied_total',
      help: 'Attachments streamed from Freshdesk to GitLab uploads',
      registers: [registry],
    }),
    attachmentsSkipped: new Counter({
      name: 'freshdesk_bridge_attachments_skipped_total',
      help: 'Attachments not copied (too large, foreign host), listed with their Freshdesk link',
      registers: [registry],
    }),
    issueEventNotes: new Counter({
      name: 'freshdesk_bridge_issue_event_notes_total',
      help: 'Private ticket notes added for GitLab issue close/reopen events',
      labelNames: ['action'],
      registers: [registry],
    }),
  };
}
