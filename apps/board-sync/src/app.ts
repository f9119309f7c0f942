import { createWebhookApp, defineWebhookApp, type WebhookApp, type WebhookAppDeps } from '@devops/webhooks';
import { settings } from './config';
import { createMetrics } from './create-metrics';
import { createMergeRequestHandler } from './handle-merge-request';
import { createPushHandler } from './handle-push';

/** board-sync, whole: its settings and its handlers (main.ts runs it). */
export const boardSync = defineWebhookApp({
  name: 'board-sync',
  summary: 'GitLab webhook: moves referenced issues across the board as merge requests open and merge.',
  settings,
  setup: ({ config, registry }) => {
    const metrics = createMetrics(registry);
    return {
      handlers: {
        merge_request: createMergeRequestHandler(config, metrics),
        push: createPushHandler(config, metrics),
      },
    };
  },
});

/** The HTTP app (/healthz, /metrics, POST /webhooks/gitlab) without listening: start() processes events. */
export function createApp(deps: WebhookAppDeps<typeof settings>): WebhookApp {
  return createWebhookApp(boardSync, deps);
}
