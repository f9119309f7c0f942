import { createWebhookApp, defineWebhookApp, type WebhookApp, type WebhookAppDeps } from '@devops/webhooks';
import { settings } from './config';
import { createMetrics } from './create-metrics';
import { createMergeRequestHandler } from './handle-merge-request';

/** version-check, whole: its settings and its one handler (main.ts runs it). */
export const versionCheck = defineWebhookApp({
  name: 'version-check',
  summary: 'GitLab webhook: opens a blocking thread on merge requests between mismatched release lines.',
  settings,
  setup: ({ config, registry }) => ({
    handlers: { merge_request: createMergeRequestHandler(config, createMetrics(registry)) },
  }),
});

/** The HTTP app (/healthz, /metrics, POST /webhooks/gitlab) without listening: start() processes events. */
export function createApp(deps: WebhookAppDeps<typeof settings>): WebhookApp {
  return createWebhookApp(versionCheck, deps);
}
