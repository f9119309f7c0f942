import type { GitLabPort } from '@devops/gitlab';
import { createServiceApp, type ServiceApp } from '@devops/http-service';
import type { QueuePolicy } from '@devops/event-queue';
import type { Logger } from '@devops/logger';
import {
  createWebhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './create-webhook-receiver';
import type {
  WebhookAppDefinition,
  WebhookAppSchema,
  WebhookCommand,
  WebhookConfigOf,
} from './define-webhook-app';

/** What a webhook app is built from: in production by runWebhookApp, in tests by hand. */
export interface WebhookAppDeps<S extends WebhookAppSchema> {
  config: WebhookConfigOf<S>;
  log: Logger;
  gitlab: GitLabPort;
  /** Secret values scrubbed from stored errors and logs (default: the GitLab token). */
  secrets?: string[];
  /** The queue's retry timing (tests make it short); WEBHOOK_HOLD_MAX comes from the config. */
  retry?: Partial<Omit<QueuePolicy, 'holdMaxMs'>>;
  /** Default: WEBHOOK_CONCURRENCY from the config. */
  concurrency?: number;
  /** The process's shutdown signal (runWebhookApp passes it; tests may). */
  signal?: AbortSignal;
  now?: () => number;
  random?: () => number;
  /** Default metrics (process, GC) on /metrics; tests switch them off. */
  defaultMetrics?: boolean;
  /** A queue of the test's own; default: openEventQueue from the config. */
  openQueue?: WebhookReceiverOptions['openQueue'];
}

/** Every HTTP app's shape, plus the receiver (null when GITLAB_WEBHOOK_SECRET is unset). */
export interface WebhookApp extends ServiceApp {
  receiver: WebhookReceiver | null;
  /** The app's own CLI commands (setup's `commands`), for runWebhookApp. */
  commands: Record<string, WebhookCommand>;
}

/**
 * Builds a defined webhook app without listening: /healthz, /metrics, the
 * receiver on POST /webhooks/gitlab with the definition's handlers, then the
 * definition's own routes. start() replays the queue and starts processing;
 * stop() finishes the events in hand.
 */
export function createWebhookApp<S extends WebhookAppSchema, C extends object>(
  definition: WebhookAppDefinition<S, C>,
  deps: WebhookAppDeps<S> & C,
): WebhookApp {
  const { config, log } = deps;
  const { app, registry } = createServiceApp({
    service: definition.name,
    log,
    ...(deps.defaultMetrics === undefined ? {} : { defaultMetrics: deps.defaultMetrics }),
    // With DATABASE_URL, /healthz shows whether the database answers (receivers answer 503 while it does not).
    health: async () => {
      const state = await receiver?.health();
      return state ? { ...state, degraded: state.database === 'down' } : {};
    },
  });
  const secrets = deps.secrets ?? [config.GITLAB_TOKEN];
  const signal = deps.signal ?? new AbortController().signal;
  const parts = definition.setup({ ...deps, registry, secrets, signal });
  let receiver: WebhookReceiver | null = null;
  if (config.GITLAB_WEBHOOK_SECRET) {
    receiver = createWebhookReceiver({
      app: definition.name,
      secret: config.GITLAB_WEBHOOK_SECRET,
      spoolDir: config.WEBHOOK_SPOOL_DIR,
      databaseUrl: config.DATABASE_URL,
      gitlab: deps.gitlab,
      log,
      registry,
      handlers: parts.handlers,
      policy: { ...deps.retry, holdMaxMs: config.WEBHOOK_HOLD_MAX * 1000 },
      concurrency: deps.concurrency ?? config.WEBHOOK_CONCURRENCY,
      signal,
      secrets,
      ...(deps.openQueue ? { openQueue: deps.openQueue } : {}),
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    });
    app.use(receiver.router);
  }
  parts.routes?.(app);
  return {
    app,
    registry,
    receiver,
    commands: parts.commands ?? {},
    start: async () => {
      await parts.start?.();
      await receiver?.start();
    },
    stop: async () => {
      await receiver?.stop();
      await parts.stop?.();
    },
  };
}
