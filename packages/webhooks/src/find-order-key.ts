import type { WebhookPayload } from './types';

/**
 * Events with the same key are handled one at a time in arrival order: the
 * project (every event kind carries `project.id` or `project_id`), so a merge
 * request's "open" is never applied after its "merge".
 */
export function findOrderKey(payload: WebhookPayload): string {
  const project = payload.project as { id?: unknown } | undefined;
  const id = project?.id ?? payload.project_id;
  return typeof id === 'number' || typeof id === 'string' ? `project:${id}` : 'project:none';
}
