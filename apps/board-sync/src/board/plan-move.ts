import type { IssueState } from '@devops/gitlab';

export type MovePlan =
  | { move: true; addLabels: string[]; removeLabels: string[] }
  | { move: false; kind: LeftAlone; reason: string };

/** Why an issue was left alone, as a metric label. */
export type LeftAlone = 'closed' | 'already_there' | 'backwards' | 'not_found' | 'refused' | 'not_permitted';

/**
 * How an issue moves to `target`: add it and remove every other workflow
 * label, in one update. Left alone: closed issues, issues already there (the
 * target and no other workflow label), and, unless `allowBackwards`, issues
 * further along BOARD_LABELS than the target (measured by their furthest
 * workflow label). A target outside BOARD_LABELS has no place in the order
 * and never counts as backwards.
 */
export function planMove(
  issue: { state: IssueState; labels: string[] },
  target: string,
  board: { labels: string[]; allowBackwards: boolean },
): MovePlan {
  if (issue.state === 'closed') return { move: false, kind: 'closed', reason: 'the issue is closed' };
  const others = board.labels.filter((l) => l !== target);
  const present = issue.labels.filter((l) => others.includes(l));
  if (issue.labels.includes(target) && present.length === 0) {
    return { move: false, kind: 'already_there', reason: `the issue is already in "${target}"` };
  }
  if (!board.allowBackwards) {
    const targetIndex = board.labels.indexOf(target);
    const furthest = Math.max(-1, ...issue.labels.map((l) => board.labels.indexOf(l)));
    if (targetIndex >= 0 && furthest > targetIndex) {
      return {
        move: false,
        kind: 'backwards',
        reason: `the issue is further along, in "${board.labels[furthest]}"; "${target}" would move it back`,
      };
    }
  }
  // Every other workflow label goes, not only those read a moment ago: the
  // update stays right even if someone changed the labels in between.
  return { move: true, addLabels: [target], removeLabels: others };
}
