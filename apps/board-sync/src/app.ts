import { attachCatchUp, RECONCILE_USAGE } from '@devops/catch-up';
import { createWebhookApp, defineWebhookApp, type WebhookApp, type WebhookAppDeps } from '@devops/webhooks';
import { boardChangeKeys } from './catch-up/change-keys';
import { createBoardSource } from './catch-up/create-board-source';
import { settings } from './config';
import { createMetrics } from './create-metrics';
import { createMergeRequestHandler } from './handle-merge-request';
import { createPushHandler } from './handle-push';
import { createEditRights } from './rights/create-edit-rights';

/** board-sync, whole: its settings, its handlers and its catch-up (main.ts runs it). */
export const boardSync = defineWebhookApp({
  name: 'board-sync',
  summary: 'GitLab webhook: moves referenced issues across the board as merge requests open and merge.',
  settings,
  commandUsage: [RECONCILE_USAGE],
  setup: ({ config, registry, gitlab, log, signal }) => {
    // The membership answers' cache lives as long as this app instance, not in the module.
    const deps = { config, metrics: createMetrics(registry), rights: createEditRights() };
    const mergeRequest = createMergeRequestHandler(deps);
    return attachCatchUp(
      { app: 'board-sync', config, gitlab, log, registry, signal },
      { handlers: { merge_request: mergeRequest, push: createPushHandler(deps) } },
      { source: createBoardSource(deps, mergeRequest), keys: boardChangeKeys },
    );
  },
});

/** The HTTP app (/healthz, /metrics, POST /webhooks/gitlab) without listening: start() processes events. */
export function createApp(deps: WebhookAppDeps<typeof settings>): WebhookApp {
  return createWebhookApp(boardSync, deps);
}
