import type { EventHandler, PushPayload } from '@devops/webhooks';
import { boardLabelFor, type BoardConfig } from './board/board-settings';
import { createMoveHandler, type Move, type MoveHandlerDeps } from './board/create-move-handler';
import { issueNumberFromBranch } from './references/issue-number-from-branch';

const ZERO_SHA = /^0+$/;

function decide(config: BoardConfig, payload: PushPayload): { ignore: string } | Move {
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
  // Backwards too: a new branch for an issue means work on it (re)started.
  return {
    issues: [{ project, iid }],
    target,
    allowBackwards: true,
    summary: `branch ${branch} created: #${iid}`,
  };
}

/**
 * Push Hook creating a branch `<n>-...` or `<anything>/<n>-...`: issue n of
 * the pushed project moves to BOARD_ON_BRANCH (backwards too: a new branch
 * for an issue means work on it (re)started).
 */
export function createPushHandler(deps: MoveHandlerDeps): EventHandler<PushPayload> {
  return createMoveHandler(deps, (payload: PushPayload) => decide(deps.config, payload));
}
