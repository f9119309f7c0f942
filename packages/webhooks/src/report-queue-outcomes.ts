import type { Logger } from '@devops/logger';
import type { WebhookMetrics } from './create-webhook-metrics';
import type { QueueObserver } from '@devops/event-queue';

/** Turns a queue's outcomes into log lines (each with its delivery id) and metrics. */
export function reportQueueOutcomes(log: Logger, metrics: WebhookMetrics): QueueObserver {
  const child = (e: { deliveryId: string; objectKind: string }) =>
    log.child({ deliveryId: e.deliveryId, objectKind: e.objectKind });
  return {
    processed(e) {
      metrics.processed.inc({ object_kind: e.objectKind });
    },
    retried(e, { attempt, delayMs, error }) {
      metrics.retried.inc({ object_kind: e.objectKind });
      child(e).warn(`attempt ${attempt} failed, retrying in ${delayMs} ms: ${error}`);
    },
    deadLettered(e, { attempts, error }) {
      metrics.dead.inc({ object_kind: e.objectKind });
      child(e).error(
        `dead-lettered after ${attempts} attempt(s) as ${e.id}: ${error} (see: dead-letters show ${e.id})`,
      );
    },
    overtaken(e) {
      metrics.overtaken.inc({ object_kind: e.objectKind });
      child(e).warn(
        `went ahead of an earlier event of ${e.orderKey} that is still failing (held back WEBHOOK_HOLD_MAX)`,
      );
    },
  };
}
