import type { GitLabPort } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import { PermanentError } from '@devops/errors';
import type { MoveOutcome } from '../board/move-issues';
import type { IssueReference } from '../references/find-issue-references';
import type { EditRights } from './create-edit-rights';

/** On whose behalf a merge request's references act. */
export interface ActingFor {
  /** The merge request's own (target) project, `group/project`: its issues move as before. */
  ownProject: string;
  /** The merge request's author (`object_attributes.author_id`); null when the payload names none. */
  authorId: number | null;
}

function name(ref: IssueReference): string {
  return `${ref.project}#${ref.iid}`;
}

/**
 * Cross-project references act with the author's rights, as GitLab's do: an issue outside the merge
 * request's own project stays where it is unless the author may edit issues in its project (see
 * createEditRights). Issues of the own project always pass. A temporary failure reading the
 * membership is thrown, so the event is retried; a permanent one (e.g. 403) refuses that issue only.
 */
export async function sortByAuthorRights(
  deps: { gitlab: GitLabPort; log: Logger; rights: EditRights },
  refs: IssueReference[],
  actingFor: ActingFor,
): Promise<{ permitted: IssueReference[]; leftAlone: MoveOutcome[] }> {
  const own = actingFor.ownProject.toLowerCase();
  const permitted: IssueReference[] = [];
  const leftAlone: MoveOutcome[] = [];
  for (const ref of refs) {
    if (String(ref.project).toLowerCase() === own) {
      permitted.push(ref);
      continue;
    }
    const { authorId } = actingFor;
    let allowed = false;
    try {
      allowed = authorId !== null && (await deps.rights.mayEditIssues(deps.gitlab, ref.project, authorId));
    } catch (err) {
      if (!(err instanceof PermanentError)) throw err;
      deps.log.error(`${name(ref)}: the author's rights could not be read: ${err.message}`);
      leftAlone.push({ ref, moved: false, kind: 'refused', reason: err.message });
      continue;
    }
    if (allowed) {
      permitted.push(ref);
      continue;
    }
    const reason =
      authorId === null
        ? `the merge request names no author whose rights in ${ref.project} could be checked`
        : `its author (user ${authorId}) may not edit issues in ${ref.project} (needs Planner, Reporter or higher)`;
    deps.log.warn(`${name(ref)} left alone: referenced from ${actingFor.ownProject}, but ${reason}`);
    leftAlone.push({ ref, moved: false, kind: 'not_permitted', reason });
  }
  return { permitted, leftAlone };
}
