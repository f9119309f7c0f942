export {
  startWebhookApp,
  HARNESS_SECRET,
  type WebhookAppHarness,
  type WebhookAppDeps,
} from './start-webhook-app';
export { spawnWebhookService, type SpawnedService } from './spawn-webhook-service';
/** Re-exported so the apps' process tests keep one import; it lives in `@devops/testkit`. */
export { waitFor } from '@devops/testkit';
