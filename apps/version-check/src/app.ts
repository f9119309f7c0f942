import { attachCatchUp, RECONCILE_USAGE } from '@devops/catch-up';
import { createWebhookApp, defineWebhookApp, type WebhookApp, type WebhookAppDeps } from '@devops/webhooks';
import { createVersionSource, versionChangeKeys } from './catch-up/create-version-source';
import { settings } from './config';
import { createMetrics } from './create-metrics';
import { createMergeRequestHandler } from './handle-merge-request';

/** version-check, whole: its settings, its one handler and its catch-up (main.ts runs it). */
export const versionCheck = defineWebhookApp({
  name: 'version-check',
  summary: 'GitLab webhook: opens a blocking thread on merge requests between mismatched release lines.',
  settings,
  commandUsage: [RECONCILE_USAGE],
  setup: ({ config, registry, gitlab, log, signal }) => {
    const handler = createMergeRequestHandler(config, createMetrics(registry));
    return attachCatchUp(
      { app: 'version-check', config, gitlab, log, registry, signal },
      { handlers: { merge_request: handler } },
      { source: createVersionSource(handler), keys: versionChangeKeys },
    );
  },
});

/** The HTTP app (/healthz, /metrics, POST /webhooks/gitlab) without listening: start() processes events. */
export function createApp(deps: WebhookAppDeps<typeof settings>): WebhookApp {
  return createWebhookApp(versionCheck, deps);
}
