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
  createWebhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from './create-webhook-receiver';
export { WEBHOOK_PATH, MAX_BODY_BYTES } from './create-webhook-router';
export { findOrderKey } from './find-order-key';
export type * from './payloads';
export type { EventHandler, EventHandlers, HandlerContext, WebhookPayload } from './types';
