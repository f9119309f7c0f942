import type { Express } from 'express';
import type { ConfigOf } from '@devops/config';
import type { GitLabPort } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import { createWebhookService, type WebhookService, type WebhookServiceOptions } from '@devops/webhooks';
import type { settings } from './config';
import { createMetrics } from './create-metrics';
import { createMergeRequestHandler } from './handle-merge-request';
import { createPushHandler } from './handle-push';

export interface AppDeps {
  config: ConfigOf<typeof settings>;
  log: Logger;
  gitlab: GitLabPort;
  /** Receiver retry timing (tests make it short). */
  retry?: WebhookServiceOptions['retry'];
  now?: () => number;
}

/** The service as both main.ts and the tests build it: the receiver with this app's handlers. */
export function serviceOptions(deps: AppDeps): WebhookServiceOptions {
  const metrics = createMetrics();
  return {
    name: 'board-sync',
    config: {
      GITLAB_WEBHOOK_SECRET: deps.config.GITLAB_WEBHOOK_SECRET,
      WEBHOOK_SPOOL_DIR: deps.config.WEBHOOK_SPOOL_DIR,
    },
    log: deps.log,
    gitlab: deps.gitlab,
    handlers: {
      merge_request: createMergeRequestHandler(deps.config, metrics),
      push: createPushHandler(deps.config, metrics),
    },
    routes: (_app, registry) => metrics.register(registry),
    secrets: [deps.config.GITLAB_TOKEN],
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  };
}

/**
 * The HTTP app (/healthz, /metrics, POST /webhooks/gitlab) without listening,
 * and the receiver behind it as `app.service.receiver` (start() it to process
 * events; idle() in tests).
 */
export function createApp(deps: AppDeps): Express & { service: WebhookService } {
  const service = createWebhookService(serviceOptions(deps));
  return Object.assign(service.app, { service });
}
