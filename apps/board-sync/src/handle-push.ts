import type { EventHandler } from '@devops/webhooks';
import { boardLabelFor, type BoardConfig } from './board/board-settings';
import { moveIssues } from './board/move-issues';
import { throwIfRefused } from './board/throw-if-refused';
import type { BoardSyncMetrics } from './create-metrics';
import { issueNumberFromBranch } from './references/issue-number-from-branch';
import type { PushPayload } from '@devops/webhooks';

const ZERO_SHA = /^0+$/;

type Decision =
  | { ignore: string }
  | { target: string; project: string | number; iid: number; branch: string };

function decide(config: BoardConfig, payload: PushPayload): Decision {
  const target = boardLabelFor(config, 'BOARD_ON_BRANCH');
  if (target === null) return { ignore: 'BOARD_ON_BRANCH is empty: branch pushes move nothing' };
  if (!payload.before || !ZERO_SHA.test(payload.before)) return { ignore: 'push to an existing branch' };
  if (!payload.after || ZERO_SHA.test(payload.after)) return { ignore: 'branch deleted' };
  if (!payload.ref?.startsWith('refs/heads/')) return { ignore: 'not a branch push' };
  const branch = payload.ref.slice('refs/heads/'.length);
  const iid = issueNumberFromBranch(branch);
  if (iid === null) return { ignore: `branch "${branch}" names no issue (expected <n>-... or .../<n>-...)` };
  const project = payload.project?.path_with_namespace ?? payload.project_id ?? payload.project?.id;
  if (project === undefined) return { ignore: 'push without a project' };
  return { target, project, iid, branch };
}

/**
 * Push Hook creating a branch `<n>-...` or `<anything>/<n>-...`: issue n of
 * the pushed project moves to BOARD_ON_BRANCH (backwards too: a new branch
 * for an issue means work on it (re)started).
 */
export function createPushHandler(config: BoardConfig, metrics: BoardSyncMetrics): EventHandler<PushPayload> {
  return {
    ignore: (payload) => {
      const d = decide(config, payload);
      return 'ignore' in d ? d.ignore : undefined;
    },
    handle: async ({ payload, gitlab, log }) => {
      const d = decide(config, payload);
      if ('ignore' in d) {
        log.info(`nothing to do: ${d.ignore}`);
        return;
      }
      log.info(`branch ${d.branch} created: #${d.iid} → "${d.target}"`);
      const outcomes = await moveIssues({ gitlab, log }, [{ project: d.project, iid: d.iid }], d.target, {
        labels: config.BOARD_LABELS,
        allowBackwards: true,
      });
      metrics.count(outcomes);
      throwIfRefused(outcomes);
    },
  };
}
