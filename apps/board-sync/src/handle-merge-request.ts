import type { EventHandler, MergeRequestPayload } from '@devops/webhooks';
import { boardLabelFor, type BoardConfig } from './board/board-settings';
import { createMoveHandler, type Move, type MoveHandlerDeps } from './board/create-move-handler';
import { chooseMergeRequestMove } from './choose-merge-request-move';
import { findIssueReferences } from './references/find-issue-references';

export type BoardSyncConfig = BoardConfig & { GITLAB_URL: string };

/** GitLab's Merge Request Hook also names the merge request's author (`object_attributes.author_id`). */
type MergeRequestHook = MergeRequestPayload & { object_attributes?: { author_id?: unknown } };

function authorOf(payload: MergeRequestHook): number | null {
  const id = payload.object_attributes?.author_id;
  return typeof id === 'number' && Number.isInteger(id) && id > 0 ? id : null;
}

function decide(config: BoardSyncConfig, payload: MergeRequestHook): { ignore: string } | Move {
  const attrs = payload.object_attributes;
  const projectPath = payload.project?.path_with_namespace;
  if (!attrs || typeof attrs.iid !== 'number' || !projectPath) return { ignore: 'not a merge request event' };
  const choice = chooseMergeRequestMove(payload);
  if ('ignore' in choice) return choice;
  const target = boardLabelFor(config, choice.setting);
  if (target === null) return { ignore: `${choice.setting} is empty: "${attrs.action}" moves nothing` };
  const refs = findIssueReferences(
    { title: attrs.title, description: attrs.description, sourceBranch: attrs.source_branch },
    { projectPath, gitlabUrl: config.GITLAB_URL },
  );
  if (refs.length === 0) return { ignore: 'the merge request refers to no issue' };
  return {
    issues: refs,
    target,
    allowBackwards: choice.allowBackwards,
    summary: `!${attrs.iid} ${attrs.action}: ${refs.map((r) => `${r.project}#${r.iid}`).join(', ')}`,
    // `project` of a Merge Request Hook is the target project, also for a merge request from a fork:
    // references resolve relative to it, and only its issues move without the author's rights.
    actingFor: { ownProject: projectPath, authorId: authorOf(payload) },
  };
}

/**
 * Merge Request Hook: moves the issues the merge request refers to (title,
 * description, source branch) to the label its action calls for; issues of
 * other projects only if its author may edit issues there.
 */
export function createMergeRequestHandler(
  deps: MoveHandlerDeps & { config: BoardSyncConfig },
): EventHandler<MergeRequestPayload> {
  return createMoveHandler(deps, (payload: MergeRequestHook) => decide(deps.config, payload));
}
