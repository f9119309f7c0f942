import { randomUUID } from 'node:crypto';

export const DOUBLE_GITLAB_VERSION = '17.4.0';

export interface WebhookDelivery {
  /** X-Gitlab-Event, e.g. 'Merge Request Hook', 'Push Hook', 'Issue Hook', 'Note Hook'. */
  event: string;
  /** The hook's secret token, sent as X-Gitlab-Token; omitted when undefined. */
  token?: string;
  payload: unknown;
  /** Idempotency-Key: stable across GitLab's "Resend Request" of the same delivery. */
  idempotencyKey?: string;
  /** X-Gitlab-Event-UUID. */
  uuid?: string;
  /** Extra or overriding headers. */
  headers?: Record<string, string>;
  /** GitLab's webhook timeout (default 10 s). */
  timeoutMs?: number;
}

/** POSTs a webhook the way GitLab's WebHookService does (its headers, JSON body, 10 s timeout). */
export async function sendWebhook(
  instanceUrl: string,
  targetUrl: string,
  d: WebhookDelivery,
): Promise<Response> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': `GitLab/${DOUBLE_GITLAB_VERSION}`,
    'Idempotency-Key': d.idempotencyKey ?? randomUUID(),
    'X-Gitlab-Event': d.event,
    'X-Gitlab-Webhook-UUID': randomUUID(),
    'X-Gitlab-Instance': instanceUrl,
    'X-Gitlab-Event-UUID': d.uuid ?? randomUUID(),
    ...(d.token !== undefined ? { 'X-Gitlab-Token': d.token.replace(/[\r\n]/g, '') } : {}),
    ...(d.headers ?? {}),
  };
  return fetch(targetUrl, {
    method: 'POST',
    headers,
    body: JSON.stringify(d.payload),
    signal: AbortSignal.timeout(d.timeoutMs ?? 10_000),
  });
}
