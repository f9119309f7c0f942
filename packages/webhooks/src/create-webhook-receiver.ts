import { describeError } from '@devops/errors';
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { GitLabPort } from '@devops/gitlab';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_QUEUE_POLICY,
  openEventQueue,
  type EventQueue,
  type EventQueueOptions,
  type QueuePolicy,
} from '@devops/event-queue';
import { createMasker, type Logger } from '@devops/logger';
import { createWebhookMetrics } from './create-webhook-metrics';
import { createWebhookRouter, type Delivery } from './create-webhook-router';
import { findOrderKey } from './find-order-key';
import { reportQueueOutcomes } from './report-queue-outcomes';
import { runHandler } from './run-handler';
import type { EventHandlers } from './types';
import { createTokenVerifier } from './verify-token';

export interface WebhookReceiverOptions {
  /** The app's name (log lines). */
  app: string;
  /** GITLAB_WEBHOOK_SECRET. */
  secret: string;
  /** WEBHOOK_SPOOL_DIR: where the local spool (the default queue) keeps events. */
  spoolDir: string;
  /** DATABASE_URL: queue in PostgreSQL instead (openEventQueue). */
  databaseUrl?: string | undefined;
  /** A queue of the caller's own (tests): opened with the receiver's policy, observer and mask. */
  openQueue?: (options: EventQueueOptions) => EventQueue | Promise<EventQueue>;
  gitlab: GitLabPort;
  log: Logger;
  /** The service's registry: the receiver's metrics appear on its /metrics. */
  registry: Registry;
  /** Keyed by payload.object_kind. */
  handlers: EventHandlers;
  /** The queue's retry timing and hold (tests make them short); default DEFAULT_QUEUE_POLICY. */
  policy?: Partial<QueuePolicy>;
  /** WEBHOOK_CONCURRENCY: events handled at once (never two of one merge request, issue or branch). Default 8. */
  concurrency?: number;
  /** The process's shutdown signal: waits in handlers end, unfinished events stay queued. */
  signal?: AbortSignal;
  /** How long a finished event's Idempotency-Key is remembered (spool). Default 7 days. */
  dedupeRetentionMs?: number;
  /** How often the spool looks for replayed dead letters. Default 1 s. */
  replayScanMs?: number;
  /** Other secret values to scrub from stored and logged error messages. */
  secrets?: string[];
  now?: () => number;
  /** The queue's timer (tests: a clock of their own, with `now`); see EventQueueOptions.setTimer. */
  setTimer?: (fn: () => void, ms: number) => () => void;
  random?: () => number;
}

export interface WebhookReceiver {
  /** `POST /webhooks/gitlab`; mount with app.use(receiver.router). */
  router: Router;
  /** Picks up what the queue holds and starts processing. */
  start(): Promise<void>;
  /** Finishes the events in hand; the rest stay queued for the next start. */
  stop(): Promise<void>;
  /** Resolves when nothing is waiting or in hand (for tests). */
  idle(): Promise<void>;
  /** The queue (its deadLetters, depth). */
  queue(): Promise<EventQueue>;
  /** The queue storage's state where it can go away (PostgreSQL); undefined for the spool or before start. */
  health(): Promise<{ database: 'up' | 'down'; error?: string } | undefined>;
}

/** Small payloads stay in memory until handled; big ones are read back from the queue. */
const KEEP_IN_MEMORY_BYTES = 256 * 1024;

/**
 * The GitLab webhook receiver: verifies the token, stores each accepted event
 * in the queue before answering 202 (de-duplicated by Idempotency-Key), and has
 * the queue run the handlers in the background, reporting outcomes as logs and
 * metrics. See README.md for the guarantees.
 */
export function createWebhookReceiver(opts: WebhookReceiverOptions): WebhookReceiver {
  const log = opts.log.child({ component: 'webhooks' });
  const mask = createMasker([opts.secret, ...(opts.secrets ?? [])]);
  const given = Object.fromEntries(Object.entries(opts.policy ?? {}).filter(([, v]) => v !== undefined));
  const policy: QueuePolicy = { ...DEFAULT_QUEUE_POLICY, ...given };
  let opened: EventQueue | undefined;
  // The gauges read the queue at scrape time.
  const metrics = createWebhookMetrics(opts.registry, {
    spoolDepth: async () => (opened ? opened.depth() : 0),
    deadLetters: async () => (await queue()).deadLetters.count(),
  });
  const options: EventQueueOptions = {
    policy,
    concurrency: Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.setTimer ? { setTimer: opts.setTimer } : {}),
    ...(opts.random ? { random: opts.random } : {}),
    mask,
    observer: reportQueueOutcomes(log, metrics),
  };
  let opening: Promise<EventQueue> | undefined;
  const queue = () =>
    (opening ??= Promise.resolve(
      opts.openQueue
        ? opts.openQueue(options)
        : openEventQueue(
            { spoolDir: opts.spoolDir, databaseUrl: opts.databaseUrl },
            {
              ...options,
              app: opts.app,
              log,
              ...(opts.dedupeRetentionMs ? { dedupeRetentionMs: opts.dedupeRetentionMs } : {}),
              ...(opts.replayScanMs ? { replayScanMs: opts.replayScanMs } : {}),
              onFault: (err, event) =>
                log.error(`webhook queue could not record an outcome: ${mask(describeError(err))}`, {
                  deliveryId: event?.deliveryId,
                }),
            },
          ),
    ).then(
      (q) => (opened = q),
      (err: unknown) => {
        opening = undefined; // tried again at the next delivery or start
        throw err;
      },
    ));

  const accept = async (d: Delivery): Promise<'accepted' | 'duplicate'> => {
    const result = await (
      await queue()
    ).enqueue({
      deliveryId: d.deliveryId,
      idempotencyKey: d.idempotencyKey,
      event: d.event,
      objectKind: d.objectKind,
      orderKey: findOrderKey(d.payload),
      raw: d.raw,
      ...(d.raw.length <= KEEP_IN_MEMORY_BYTES ? { payload: d.payload } : {}),
    });
    return result.status;
  };

  const router = createWebhookRouter({
    verifyToken: createTokenVerifier(opts.secret),
    handlers: opts.handlers,
    log,
    metrics,
    accept,
  });

  return {
    router,
    async start() {
      const q = await queue();
      await q.start(runHandler({ handlers: opts.handlers, gitlab: opts.gitlab, log, metrics, mask }));
      const depth = await q.depth();
      if (depth > 0) log.info(`${opts.app}: ${depth} queued webhook event(s) to process`);
    },
    async stop() {
      if (opening) await (await opening).stop(); // never opened: nothing to stop
    },
    idle: async () => (await queue()).idle(),
    queue,
    health: async () => opened?.health?.(),
  };
}
