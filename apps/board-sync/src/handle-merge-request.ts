import type { EventHandler, MergeRequestPayload } from '@devops/webhooks';
import { boardLabelFor, type BoardConfig } from './board/board-settings';
import { createMoveHandler, type Move } from './board/create-move-handler';
import type { BoardSyncMetrics } from './create-metrics';
import { chooseMergeRequestMove } from './choose-merge-request-move';
import { findIssueReferences } from './references/find-issue-references';

export type BoardSyncConfig = BoardConfig & { GITLAB_URL: string };

function decide(config: BoardSyncConfig, payload: MergeRequestPayload): { ignore: string } | Move {
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
  };
}

/**
 * Merge Request Hook: moves the issues the merge request refers to (title,
 * description, source branch) to the label its action calls for.
 */
export function createMergeRequestHandler(
  config: BoardSyncConfig,
  metrics: BoardSyncMetrics,
): EventHandler<MergeRequestPayload> {
  return createMoveHandler(config, metrics, (payload: MergeRequestPayload) => decide(config, payload));
}
