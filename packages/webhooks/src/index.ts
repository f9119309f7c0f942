export { webhookSettings } from './settings';
export {
  createWebhookReceiver,
  DEDUPE_RETENTION_MS,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './create-webhook-receiver';
export {
  createWebhookService,
  type WebhookService,
  type WebhookServiceOptions,
} from './create-webhook-service';
export { runWebhookService, type RunWebhookServiceOptions } from './run-webhook-service';
export { computeRetryDelay, DEFAULT_RETRY, type RetryPolicy } from './compute-retry-delay';
export { WEBHOOK_PATH, MAX_BODY_BYTES } from './create-webhook-router';
export type { DeadLetter } from './create-spool';
export type {
  EventHandler,
  EventHandlers,
  HandlerContext,
  RetryOptions,
  RetryState,
  SpooledEvent,
  WebhookPayload,
} from './types';
export type {
  DeadLetter as QueueDeadLetter,
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
export { createSpoolQueue, type SpoolQueueOptions } from './spool/create-spool-queue';
export { createPostgresQueue, type PostgresQueueOptions } from './postgres/create-postgres-queue';
