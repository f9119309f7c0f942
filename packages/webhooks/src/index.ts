export { webhookSettings, DEFAULT_HOLD_MAX_SECONDS } from './settings';
export {
  defineWebhookApp,
  type WebhookAppDefinition,
  type WebhookAppContext,
  type WebhookAppParts,
  type WebhookAppSchema,
  type WebhookAppConfig,
  type WebhookConfigOf,
  type WebhookCommand,
  type WebhookCommandContext,
} from './define-webhook-app';
export { createWebhookApp, type WebhookApp, type WebhookAppDeps } from './create-webhook-app';
export { runWebhookApp } from './run-webhook-app';
export {
  runDeadLettersCommand,
  DEAD_LETTERS_USAGE,
  type DeadLettersCommand,
} from './run-dead-letters-command';
export {
  createWebhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './create-webhook-receiver';
export { computeRetryDelay, DEFAULT_RETRY, type RetryPolicy } from './compute-retry-delay';
export { WEBHOOK_PATH, MAX_BODY_BYTES } from './create-webhook-router';
export type {
  DeadLetter,
  DeadLetterSummary,
  DeadLetters,
  EnqueueResult,
  EventQueue,
  EventQueueOptions,
  NewEvent,
  ProcessEvent,
  QueuedEvent,
  QueueObserver,
  QueuePolicy,
} from './queue/event-queue';
export { decideAfterFailure, type FailureDecision } from './queue/decide-after-failure';
export { openEventQueue, type OpenQueueOptions, type QueueLocation } from './open-event-queue';
export { createSpoolQueue, DEDUPE_RETENTION_MS, type SpoolQueueOptions } from './spool/create-spool-queue';
export type * from './payloads';
export type {
  EventHandler,
  EventHandlers,
  HandlerContext,
  RetryOptions,
  RetryState,
  SpooledEvent,
  WebhookPayload,
} from './types';
export { createPostgresQueue, type PostgresQueueOptions } from './postgres/create-postgres-queue';
