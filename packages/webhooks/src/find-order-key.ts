import type { WebhookPayload } from './types';

const isId = (v: unknown): v is number | string =>
  (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v !== '');

/**
 * What an event concerns, as its queue orderKey: events with the same key are
 * handled one at a time in arrival order, different keys side by side (SPEC:
 * one merge request, issue or branch in order; a burst in one project does not
 * queue behind itself). `project:<id>:mr:<iid>` for merge request events (and
 * notes on one), `project:<id>:issue:<iid>` for issue events (and notes on
 * one), `project:<id>:ref:<ref>` for pushes and tag pushes; any other event, or
 * one missing its iid or ref, falls back to `project:<id>`.
 */
export function findOrderKey(payload: WebhookPayload): string {
  const project = payload.project as { id?: unknown } | undefined;
  const id = project?.id ?? payload.project_id;
  if (!isId(id)) return 'project:none';
  const base = `project:${id}`;
  const attrs = payload.object_attributes as { iid?: unknown } | undefined;
  switch (payload.object_kind) {
    case 'merge_request':
      return isId(attrs?.iid) ? `${base}:mr:${attrs.iid}` : base;
    case 'issue':
    case 'work_item':
      return isId(attrs?.iid) ? `${base}:issue:${attrs.iid}` : base;
    case 'note': {
      const mr = payload.merge_request as { iid?: unknown } | undefined;
      const issue = payload.issue as { iid?: unknown } | undefined;
      if (isId(mr?.iid)) return `${base}:mr:${mr.iid}`;
      if (isId(issue?.iid)) return `${base}:issue:${issue.iid}`;
      return base;
    }
    case 'push':
    case 'tag_push':
      return typeof payload.ref === 'string' && payload.ref !== '' ? `${base}:ref:${payload.ref}` : base;
    default:
      return base;
  }
}
