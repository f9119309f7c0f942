import type { EventHandler } from '@devops/webhooks';
import { checkMergeRequest, type VersionCheckConfig } from './check-merge-request';
import type { VersionCheckMetrics } from './create-metrics';
import type { MergeRequestPayload } from '@devops/webhooks';
import { whyIgnoreMergeRequest } from './should-check-merge-request';

/**
 * Merge Request Hook: `open`, `reopen`, and `update` with new code or a new
 * target branch run the version check on the merge request (in the project
 * it targets); every other action is answered 200 {ignored}.
 */
export function createMergeRequestHandler(
  config: VersionCheckConfig,
  metrics: VersionCheckMetrics,
): EventHandler<MergeRequestPayload> {
  return {
    ignore: whyIgnoreMergeRequest,
    handle: async ({ payload, gitlab, log }) => {
      const attrs = payload.object_attributes!;
      const project = attrs.target_project_id ?? payload.project?.id;
      if (project === undefined) {
        log.warn('merge request event without a project id: nothing to check');
        return;
      }
      const outcome = await checkMergeRequest({ gitlab, config, log, project, iid: attrs.iid! });
      metrics.checks.inc({ result: outcome.result });
      if (outcome.posted) metrics.threads.inc({ action: 'opened' });
      if (outcome.resolved > 0) metrics.threads.inc({ action: 'resolved' }, outcome.resolved);
    },
  };
}
