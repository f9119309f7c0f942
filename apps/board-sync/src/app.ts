import { createWebhookApp, defineWebhookApp, type WebhookApp, type WebhookAppDeps } from '@devops/webhooks';
import { settings } from './config';
import { createMetrics } from './create-metrics';
import { createMergeRequestHandler } from './handle-merge-request';
import { createPushHandler } from './handle-push';
import { createEditRights } from './rights/create-edit-rights';

/** board-sync, whole: its settings and its handlers (main.ts runs it). */
export const boardSync = defineWebhookApp({
  name: 'board-sync',
  summary: 'GitLab webhook: moves referenced issues across the board as merge requests open and merge.',
  settings,
  setup: ({ config, registry }) => {
    // The membership answers' cache lives as long as this app instance, not in the module.
    const deps = { config, metrics: createMetrics(registry), rights: createEditRights() };
    return {
      handlers: {
        merge_request: createMergeRequestHandler(deps),
        push: createPushHandler(deps),
      },
    };
  },
});

/** The HTTP app (/healthz, /metrics, POST /webhooks/gitlab) without listening: start() processes events. */
export function createApp(deps: WebhookAppDeps<typeof settings>): WebhookApp {
  return createWebhookApp(boardSync, deps);
}
