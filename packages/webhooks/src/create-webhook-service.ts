import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { GitLabPort } from '@devops/gitlab';
import { createServiceApp } from '@devops/http-service';
import type { Logger } from '@devops/logger';
import {
  createWebhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './create-webhook-receiver';
import type { EventHandlers } from './types';

export interface WebhookServiceOptions {
  /** The app's name: the service label on metrics and logs. */
  name: string;
  config: { GITLAB_WEBHOOK_SECRET: string; WEBHOOK_SPOOL_DIR: string };
  log: Logger;
  gitlab: GitLabPort;
  handlers: EventHandlers;
  retry?: WebhookReceiverOptions['retry'];
  concurrency?: number;
  /** Other secret values to scrub from stored error messages (e.g. the GitLab token). */
  secrets?: string[];
  now?: () => number;
  /** The app's own routes, mounted after the receiver (which parses its own body). */
  routes?: (app: Express, registry: Registry) => void;
  /** Default metrics (process, GC) on /metrics; tests switch them off. */
  defaultMetrics?: boolean;
}

export interface WebhookService {
  app: Express;
  registry: Registry;
  receiver: WebhookReceiver;
}

/**
 * A webhook app's HTTP side without listening (for tests): the service app
 * (/healthz, /metrics, request logs) with the receiver on POST /webhooks/gitlab.
 * Call receiver.start() to replay the spool and process events.
 */
export function createWebhookService(opts: WebhookServiceOptions): WebhookService {
  const { app, registry } = createServiceApp({
    service: opts.name,
    log: opts.log,
    ...(opts.defaultMetrics === undefined ? {} : { defaultMetrics: opts.defaultMetrics }),
  });
  const receiver = createWebhookReceiver({
    app: opts.name,
    secret: opts.config.GITLAB_WEBHOOK_SECRET,
    spoolDir: opts.config.WEBHOOK_SPOOL_DIR,
    gitlab: opts.gitlab,
    log: opts.log,
    registry,
    handlers: opts.handlers,
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.secrets ? { secrets: opts.secrets } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  app.use(receiver.router);
  opts.routes?.(app, registry);
  return { app, registry, receiver };
}
