import { randomBytes } from 'node:crypto';
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { GitLabPort } from '@devops/gitlab';
import { createMasker, type Logger } from '@devops/logger';
import { DEFAULT_RETRY, type RetryPolicy } from './compute-retry-delay';
import { createDeliveryLog } from './create-delivery-log';
import { createSpool } from './create-spool';
import { createWebhookMetrics } from './create-webhook-metrics';
import { createWebhookRouter, type Delivery } from './create-webhook-router';
import { createWorker } from './create-worker';
import { findOrderKey } from './find-order-key';
import type { EventHandlers, RetryOptions, SpooledEvent } from './types';
import { createTokenVerifier } from './verify-token';

export interface WebhookReceiverOptions {
  /** The app's name (log lines). */
  app: string;
  /** GITLAB_WEBHOOK_SECRET. */
  secret: string;
  /** WEBHOOK_SPOOL_DIR. */
  spoolDir: string;
  gitlab: GitLabPort;
  log: Logger;
  /** The service's registry (createServiceApp): the receiver's metrics appear on its /metrics. */
  registry: Registry;
  /** Keyed by payload.object_kind. */
  handlers: EventHandlers;
  retry?: RetryOptions;
  /** Events handled at once (never two of the same project). Default 4. */
  concurrency?: number;
  /** How long a finished event's Idempotency-Key is remembered. Default 7 days. */
  dedupeRetentionMs?: number;
  /** Other secret values to scrub from stored and logged error messages. */
  secrets?: string[];
  now?: () => number;
  random?: () => number;
}

export interface WebhookReceiver {
  /** `POST /webhooks/gitlab`; mount with app.use(receiver.router). */
  router: Router;
  /** Replays the spool and starts the background worker. */
  start(): Promise<void>;
  /** Finishes the events in hand; the rest stay spooled for the next start. */
  stop(): Promise<void>;
  /** Resolves when nothing is waiting or in hand (for tests). */
  idle(): Promise<void>;
  readonly spoolDir: string;
  readonly deadDir: string;
}

export const DEDUPE_RETENTION_MS = 7 * 24 * 3_600_000;
const KEEP_IN_MEMORY_BYTES = 256 * 1024;

/**
 * The GitLab webhook receiver: verifies the token, spools each accepted event
 * durably before answering 202, de-duplicates by Idempotency-Key (across
 * restarts), and processes events in the background with retries, dead
 * letters and metrics. See README.md for the guarantees.
 */
export function createWebhookReceiver(opts: WebhookReceiverOptions): WebhookReceiver {
  const now = opts.now ?? Date.now;
  const log = opts.log.child({ component: 'webhooks' });
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...definedOnly(opts.retry ?? {}) };
  const spool = createSpool(opts.spoolDir);
  const deliveryLog = createDeliveryLog({
    dir: opts.spoolDir,
    retentionMs: opts.dedupeRetentionMs ?? DEDUPE_RETENTION_MS,
    now,
  });
  /** Idempotency-Keys of events spooled and not yet finished. */
  const pendingKeys = new Set<string>();
  let deadLetters = 0;
  let seq = 0;

  // The gauges read the worker at scrape time, after it exists.
  const metrics = createWebhookMetrics(opts.registry, {
    spoolDepth: () => worker.depth(),
    deadLetters: () => deadLetters,
  });
  const worker = createWorker({
    spool,
    deliveryLog,
    handlers: opts.handlers,
    gitlab: opts.gitlab,
    log,
    metrics,
    policy,
    concurrency: Math.max(1, opts.concurrency ?? 4),
    now,
    random: opts.random ?? Math.random,
    mask: createMasker([opts.secret, ...(opts.secrets ?? [])]),
    onFinished(meta, outcome) {
      if (meta.idempotencyKey !== null) pendingKeys.delete(meta.idempotencyKey);
      if (outcome === 'dead') deadLetters++;
    },
  });

  // Loaded once, before the first delivery is de-duplicated or the worker starts.
  let loading: Promise<void> | undefined;
  const ensureLoaded = () =>
    (loading ??= (async () => {
      await spool.init();
      const finished = await deliveryLog.load();
      for (const { meta, state } of await spool.list()) {
        if (finished.has(meta.id)) {
          // Finished just before a crash removed its file: finish the cleanup, do not run it again.
          await spool.remove(meta.id);
          continue;
        }
        if (meta.idempotencyKey !== null) pendingKeys.add(meta.idempotencyKey);
        worker.enqueue(meta, state);
      }
      deadLetters = await spool.countDead();
    })().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));

  const nextId = () => {
    seq = (seq + 1) % 1_000_000;
    return `${String(now()).padStart(13, '0')}-${String(seq).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
  };

  const accept = async (d: Delivery): Promise<'accepted' | 'duplicate'> => {
    await ensureLoaded();
    const key = d.idempotencyKey;
    if (key !== null) {
      if (pendingKeys.has(key) || deliveryLog.hasKey(key)) return 'duplicate';
      pendingKeys.add(key); // before the await: a concurrent copy is a duplicate too
    }
    const meta: SpooledEvent = {
      id: nextId(),
      deliveryId: d.deliveryId,
      idempotencyKey: key,
      event: d.event,
      objectKind: d.objectKind,
      orderKey: findOrderKey(d.payload),
      receivedAt: now(),
    };
    try {
      await spool.add(meta, d.raw);
    } catch (err) {
      if (key !== null) pendingKeys.delete(key);
      throw err;
    }
    // Small payloads stay in memory until handled; big ones are read back from the spool.
    const keep = d.raw.length <= KEEP_IN_MEMORY_BYTES ? d.payload : undefined;
    worker.enqueue(meta, { attempts: 0, nextAttemptAt: 0, lastError: null }, keep);
    return 'accepted';
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
    spoolDir: spool.dir,
    deadDir: spool.deadDir,
    async start() {
      await ensureLoaded();
      const depth = worker.depth();
      if (depth > 0) log.info(`${opts.app}: replaying ${depth} spooled webhook event(s)`);
      worker.start();
    },
    async stop() {
      await worker.stop();
      await deliveryLog.close();
      await spool.close();
    },
    idle: () => worker.idle(),
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
