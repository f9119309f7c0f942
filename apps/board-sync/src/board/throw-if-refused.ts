import { PermanentError } from '@devops/errors';
import type { MoveOutcome } from './move-issues';

/**
 * After every referenced issue had its turn: if GitLab refused any move for
 * good (e.g. the token may not edit that project), the event fails, so it is
 * dead-lettered where an operator sees it and can replay it once access is
 * fixed. Replaying is safe: issues already moved are left alone.
 */
export function throwIfRefused(outcomes: MoveOutcome[]): void {
  const refused = outcomes.flatMap((o) =>
    !o.moved && o.kind === 'refused' ? [`${o.ref.project}#${o.ref.iid} (${o.reason})`] : [],
  );
  if (refused.length === 0) return;
  const what = refused.join(', ');
  throw new PermanentError(
    `GitLab refused to move ${what}; the other referenced issues were handled. ` +
      'Fix the access, then replay this event (dead-letters replay <id>).',
  );
}
