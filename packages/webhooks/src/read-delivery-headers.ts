import { randomUUID } from 'node:crypto';
import type { Request } from 'express';

export interface DeliveryHeaders {
  /** For logs and the 202 answer. */
  deliveryId: string;
  /** The de-duplication key, or null when GitLab sent none (before 17.4). */
  idempotencyKey: string | null;
  /** X-Gitlab-Event, e.g. "Merge Request Hook" ('' when missing). */
  event: string;
}

const ID = /^[\w.:-]{1,128}$/;
const KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * The delivery's id is X-Gitlab-Event-UUID (else X-Gitlab-Webhook-UUID, else
 * a new UUID); only `Idempotency-Key` de-duplicates: it is the one header
 * GitLab keeps the same when it resends a delivery. Values that do not look
 * like ids are not used.
 */
export function readDeliveryHeaders(req: Request): DeliveryHeaders {
  const pick = (name: string, pattern: RegExp) => {
    const v = req.get(name)?.trim();
    return v && pattern.test(v) ? v : undefined;
  };
  return {
    deliveryId: pick('x-gitlab-event-uuid', ID) ?? pick('x-gitlab-webhook-uuid', ID) ?? randomUUID(),
    idempotencyKey: pick('idempotency-key', KEY) ?? null,
    event: (req.get('x-gitlab-event') ?? '').slice(0, 100),
  };
}
