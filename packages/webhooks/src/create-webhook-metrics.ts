import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type DeliveryResult =
  | 'accepted'
  | 'duplicate'
  | 'ignored'
  | 'unauthorized'
  | 'invalid'
  | 'too_large'
  | 'error';

export interface WebhookMetrics {
  deliveries: Counter<'event' | 'result'>;
  processed: Counter<'object_kind'>;
  retried: Counter<'object_kind'>;
  dead: Counter<'object_kind'>;
  overtaken: Counter<'object_kind'>;
  handlerDuration: Histogram<'object_kind' | 'outcome'>;
}

/** Label values for X-Gitlab-Event: the documented names, anything else is "other" (unauthenticated input must not grow the label set). */
const KNOWN_EVENTS = new Set([
  'Push Hook',
  'Tag Push Hook',
  'Issue Hook',
  'Confidential Issue Hook',
  'Note Hook',
  'Confidential Note Hook',
  'Merge Request Hook',
  'Wiki Page Hook',
  'Pipeline Hook',
  'Job Hook',
  'Deployment Hook',
  'Member Hook',
  'Project Hook',
  'Subgroup Hook',
  'Feature Flag Hook',
  'Release Hook',
  'Emoji Hook',
  'Resource Access Token Hook',
  'System Hook',
]);

export function eventLabel(event: string | undefined): string {
  if (!event) return 'none';
  return KNOWN_EVENTS.has(event) ? event : 'other';
}

function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  return (
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] })
  );
}

/**
 * The receiver's metrics on the service's registry (shown on its /metrics).
 * Gauges read the queue at scrape time, so they are exact whichever process
 * (a `dead-letters` command, another replica) changed it.
 */
export function createWebhookMetrics(
  registry: Registry,
  live: { spoolDepth: () => Promise<number>; deadLetters: () => Promise<number> },
): WebhookMetrics {
  const gauge = (name: string, help: string, read: () => Promise<number>) => {
    registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        try {
          this.set(await read());
        } catch {
          // The queue's storage did not answer (database down): keep the last value, /metrics still answers.
        }
      },
    });
  };
  gauge(
    'gitlab_webhook_spool_depth',
    'Events accepted and not yet finished (waiting, in retry, or in hand)',
    live.spoolDepth,
  );
  gauge(
    'gitlab_webhook_dead_letters',
    'Dead letters waiting for an operator (dead-letters list / replay / drop)',
    live.deadLetters,
  );

  return {
    deliveries: counter(
      registry,
      'gitlab_webhook_deliveries_total',
      'Webhook deliveries by X-Gitlab-Event and result',
      ['event', 'result'],
    ),
    processed: counter(registry, 'gitlab_webhook_events_processed_total', 'Events handled successfully', [
      'object_kind',
    ]),
    retried: counter(
      registry,
      'gitlab_webhook_events_retried_total',
      'Failed handler runs scheduled for a retry',
      ['object_kind'],
    ),
    dead: counter(registry, 'gitlab_webhook_events_dead_total', 'Events dead-lettered', ['object_kind']),
    overtaken: counter(
      registry,
      'gitlab_webhook_events_overtaken_total',
      'Events that went ahead of an earlier event of their project still failing (after WEBHOOK_HOLD_MAX)',
      ['object_kind'],
    ),
    handlerDuration:
      (registry.getSingleMetric('gitlab_webhook_handler_duration_seconds') as Histogram<
        'object_kind' | 'outcome'
      >) ??
      new Histogram({
        name: 'gitlab_webhook_handler_duration_seconds',
        help: 'Handler run time by object_kind and outcome (ok, retry, dead)',
        labelNames: ['object_kind', 'outcome'],
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
        registers: [registry],
      }),
  };
}
