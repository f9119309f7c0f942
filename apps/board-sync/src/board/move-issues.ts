import type { GitLabPort, Issue } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import { NotFoundError, PermanentError } from '@devops/errors';
import type { IssueReference } from '../references/find-issue-references';
import { planMove, type LeftAlone } from './plan-move';

export type MoveOutcome =
  | { ref: IssueReference; moved: true; label: string }
  | { ref: IssueReference; moved: false; kind: LeftAlone; reason: string };

function name(ref: IssueReference): string {
  return `${ref.project}#${ref.iid}`;
}

async function moveOne(
  deps: { gitlab: GitLabPort; log: Logger },
  ref: IssueReference,
  target: string,
  board: { labels: string[]; allowBackwards: boolean },
): Promise<MoveOutcome> {
  const { gitlab, log } = deps;
  let issue: Issue | null;
  try {
    issue = await gitlab.getIssue(ref.project, ref.iid);
  } catch (err) {
    if (err instanceof NotFoundError) issue = null;
    else throw err;
  }
  if (issue === null) {
    log.warn(`${name(ref)} not found (or not visible to the token): left alone`);
    return { ref, moved: false, kind: 'not_found', reason: 'not found' };
  }
  const plan = planMove(issue, target, board);
  if (!plan.move) {
    log.info(`${name(ref)} left alone: ${plan.reason}`);
    return { ref, moved: false, kind: plan.kind, reason: plan.reason };
  }
  await gitlab.editIssue(issue.projectId, issue.iid, {
    addLabels: plan.addLabels,
    removeLabels: plan.removeLabels,
  });
  log.info(`moved ${name(ref)} to "${target}"`);
  return { ref, moved: true, label: target };
}

/**
 * Moves each referenced issue to `target` (one issue update each, only when
 * it needs one). An issue that does not exist is logged and left alone; one
 * that GitLab refuses for good (e.g. no access to its project) is logged,
 * reported as `refused` and the others still get their turn (the handler then
 * fails the event: see throwIfRefused); temporary failures
 * propagate so the receiver retries the event, which is safe because issues
 * already moved are left alone the second time.
 */
export async function moveIssues(
  deps: { gitlab: GitLabPort; log: Logger },
  refs: IssueReference[],
  target: string,
  board: { labels: string[]; allowBackwards: boolean },
): Promise<MoveOutcome[]> {
  const outcomes: MoveOutcome[] = [];
  for (const ref of refs) {
    try {
      outcomes.push(await moveOne(deps, ref, target, board));
    } catch (err) {
      if (!(err instanceof PermanentError)) throw err;
      deps.log.error(`${name(ref)} could not be moved: ${err.message}`);
      outcomes.push({ ref, moved: false, kind: 'refused', reason: err.message });
    }
  }
  return outcomes;
}
