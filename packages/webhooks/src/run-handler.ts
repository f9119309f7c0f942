import { PermanentError, isTemporary } from '@devops/errors';
import type { GitLabPort } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import type { WebhookMetrics } from './create-webhook-metrics';
import type { ProcessEvent } from '@devops/event-queue';
import type { EventHandlers } from './types';

/**
 * The queue's process function: finds the handler by object_kind and runs it
 * with `{payload, gitlab, log, deliveryId, event, attempt, signal}`, `log` a child
 * logger carrying the delivery id. A failure is thrown on to the queue, which
 * decides by its kind (decideAfterFailure).
 */
export function runHandler(deps: {
  handlers: EventHandlers;
  gitlab: GitLabPort;
  log: Logger;
  metrics: WebhookMetrics;
  mask: (text: string) => string;
}): ProcessEvent {
  return async (event, payload, attempt, signal) => {
    const log = deps.log.child({ deliveryId: event.deliveryId, objectKind: event.objectKind, attempt });
    const handler = Object.hasOwn(deps.handlers, event.objectKind)
      ? deps.handlers[event.objectKind]
      : undefined;
    if (!handler) {
      throw new PermanentError(
        `no handler for object_kind "${event.objectKind}" any more (it was accepted by an earlier version)`,
      );
    }
    const end = deps.metrics.handlerDuration.startTimer({ object_kind: event.objectKind });
    try {
      await handler.handle({
        payload,
        gitlab: deps.gitlab,
        log,
        deliveryId: event.deliveryId,
        event: event.event,
        attempt,
        signal,
      });
    } catch (err) {
      end({ outcome: isTemporary(err) ? 'retry' : 'dead' });
      if (err instanceof Error) log.debug('handler failure', { stack: deps.mask(err.stack ?? '') });
      throw err;
    }
    end({ outcome: 'ok' });
    log.info(`processed ${event.event || event.objectKind} event${event.replayOf ? ' (replayed)' : ''}`);
  };
}
