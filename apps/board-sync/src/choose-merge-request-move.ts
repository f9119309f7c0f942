import type { BoardTarget } from './board/board-settings';
import type { MergeRequestPayload } from '@devops/webhooks';

export type MoveChoice = { setting: BoardTarget; allowBackwards: boolean } | { ignore: string };

const DRAFT_TITLE = /^\s*(\[draft\]|\(draft\)|draft:|draft\s+-\s|\[wip\]|wip:)/i;

function isDraft(payload: MergeRequestPayload): boolean {
  const a = payload.object_attributes ?? {};
  if (typeof a.draft === 'boolean') return a.draft;
  if (typeof a.work_in_progress === 'boolean') return a.work_in_progress;
  return DRAFT_TITLE.test(a.title ?? '');
}

/** An `update` whose changes take the merge request out of draft. */
function markedReady(payload: MergeRequestPayload): boolean {
  const changes = payload.changes ?? {};
  for (const key of ['draft', 'work_in_progress']) {
    const c = changes[key];
    if (c && c.previous === true && c.current === false) return true;
  }
  const title = changes.title;
  return (
    !!title &&
    typeof title.previous === 'string' &&
    typeof title.current === 'string' &&
    DRAFT_TITLE.test(title.previous) &&
    !DRAFT_TITLE.test(title.current)
  );
}

/**
 * Where a Merge Request Hook moves its issues: `open`/`reopen` → BOARD_ON_OPEN
 * (BOARD_ON_DRAFT for a draft), `update` marking it ready → BOARD_ON_OPEN,
 * `merge` → BOARD_ON_MERGE, all never backwards; `close` → BOARD_ON_CLOSE,
 * which may move backwards (a closed, unmerged MR sends work back).
 */
export function chooseMergeRequestMove(payload: MergeRequestPayload): MoveChoice {
  const action = payload.object_attributes?.action;
  switch (action) {
    case 'open':
    case 'reopen':
      return { setting: isDraft(payload) ? 'BOARD_ON_DRAFT' : 'BOARD_ON_OPEN', allowBackwards: false };
    case 'update':
      return markedReady(payload)
        ? { setting: 'BOARD_ON_OPEN', allowBackwards: false }
        : { ignore: 'merge request update that does not mark it ready' };
    case 'merge':
      return { setting: 'BOARD_ON_MERGE', allowBackwards: false };
    case 'close':
      return { setting: 'BOARD_ON_CLOSE', allowBackwards: true };
    default:
      return { ignore: `merge request action "${action ?? '(none)'}" does not move issues` };
  }
}
