import type { Change, PassWindow } from '@devops/catch-up';
import type { ActiveProject } from '@devops/gitlab';
import { boardLabelFor } from '../board/board-settings';
import { createMoveHandler, type MoveHandlerDeps } from '../board/create-move-handler';
import type { BoardSyncConfig } from '../handle-merge-request';
import { issueNumberFromBranch } from '../references/issue-number-from-branch';
import { branchKey } from './change-keys';

/**
 * A branch's head commit date says when it was committed, not pushed, and GitLab refreshes a project's
 * last_activity_at at most once an hour: branches are looked for this much before the window.
 */
export const BRANCH_SLACK_MS = 60 * 60_000;

/**
 * Branches named for an issue (`12-fix`, `feature/12-fix`) whose head commit is in the window (less
 * BRANCH_SLACK_MS), in the projects active in it: a group's projects from one list ordered by activity
 * (stopping at the first older one), a project's own activity time; branches only where there was
 * activity. A pass cannot tell a new branch from a push to an old one, so its move goes forward only.
 */
export async function findBranchChanges(
  window: PassWindow,
  deps: MoveHandlerDeps & { config: BoardSyncConfig },
): Promise<Change[]> {
  const { config } = deps;
  const target = boardLabelFor(config, 'BOARD_ON_BRANCH');
  if (target === null) return [];
  const since = new Date(window.since.getTime() - BRANCH_SLACK_MS);
  const active: ActiveProject[] = [];
  for (const scope of window.scopes) {
    if ('group' in scope) active.push(...(await window.gitlab.listProjectsActiveAfter(scope.group, since)));
    else {
      const p = await window.gitlab.getProjectActivity(scope.project);
      if (Date.parse(p.lastActivityAt) >= since.getTime()) active.push(p);
    }
  }
  const changes: Change[] = [];
  const seen = new Set<number>();
  for (const project of active) {
    if (seen.has(project.id)) continue;
    seen.add(project.id);
    for (const branch of await window.gitlab.listBranches(project.id)) {
      const iid = issueNumberFromBranch(branch.name);
      if (iid === null || !(Date.parse(branch.committedAt) >= since.getTime())) continue;
      const handler = createMoveHandler<null>(deps, () => ({
        issues: [{ project: project.pathWithNamespace || project.id, iid }],
        target,
        allowBackwards: false,
        summary: `branch ${branch.name} found by catch-up: #${iid}`,
      }));
      changes.push({
        ...branchKey(project.id, branch.name),
        kind: 'board_move',
        project: project.pathWithNamespace || String(project.id),
        target: `branch ${branch.name}`,
        apply: (ports) =>
          handler.handle({
            payload: null,
            gitlab: ports.gitlab,
            log: ports.log,
            signal: ports.signal,
            deliveryId: `catch-up:branch:${branch.name}`,
            event: 'Push Hook',
            attempt: 1,
          }),
      });
    }
  }
  return changes;
}
