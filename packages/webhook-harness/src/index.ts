export {
  startWebhookApp,
  HARNESS_SECRET,
  type WebhookAppHarness,
  type WebhookAppDeps,
} from './start-webhook-app';
export { spawnWebhookService, waitFor, type SpawnedService } from './spawn-webhook-service';
