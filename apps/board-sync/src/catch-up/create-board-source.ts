import {
  mergeRequestKey,
  phaseOf,
  toMergeRequestPayload,
  type CatchUpSource,
  type Change,
} from '@devops/catch-up';
import type { EventHandler, MergeRequestPayload } from '@devops/webhooks';
import type { MoveHandlerDeps } from '../board/create-move-handler';
import type { BoardSyncConfig } from '../handle-merge-request';
import { findBranchChanges } from './find-branch-changes';

/**
 * board-sync's catch-up: each merge request updated in the window, in the phase it is in now (open,
 * draft, merged, closed), run through the Merge Request Hook's own handler as the hook for that phase;
 * and the branches named for an issue (findBranchChanges).
 */
export function createBoardSource(
  deps: MoveHandlerDeps & { config: BoardSyncConfig },
  mergeRequestHandler: EventHandler<MergeRequestPayload>,
): CatchUpSource {
  return {
    kind: 'board_move',
    async findChanges(window) {
      const changes: Change[] = [];
      for (const scope of window.scopes) {
        for (const mr of await window.gitlab.listMergeRequestsUpdatedAfter(scope, window.since)) {
          const phase = phaseOf(mr);
          const payload = toMergeRequestPayload(mr, phase);
          if (mergeRequestHandler.ignore?.(payload)) continue; // refers to no issue, or the setting is empty
          changes.push({
            ...mergeRequestKey(mr.projectId, mr.iid, phase),
            kind: 'board_move',
            project: mr.projectPath || String(mr.projectId),
            target: `!${mr.iid} ${phase}`,
            apply: (ports) =>
              mergeRequestHandler.handle({
                payload,
                gitlab: ports.gitlab,
                log: ports.log,
                signal: ports.signal,
                deliveryId: `catch-up:mr:${mr.projectId}:${mr.iid}:${phase}`,
                event: 'Merge Request Hook',
                attempt: 1,
              }),
          });
        }
      }
      return [...changes, ...(await findBranchChanges(window, deps))];
    },
  };
}
