import type { EventHandler } from '@devops/webhooks';
import { boardLabelFor, type BoardConfig } from './board/board-settings';
import { moveIssues } from './board/move-issues';
import { throwIfRefused } from './board/throw-if-refused';
import type { BoardSyncMetrics } from './create-metrics';
import { chooseMergeRequestMove } from './choose-merge-request-move';
import { findIssueReferences, type IssueReference } from './references/find-issue-references';
import type { MergeRequestPayload } from '@devops/webhooks';

export type BoardSyncConfig = BoardConfig & { GITLAB_URL: string };

type Decision = { ignore: string } | { target: string; allowBackwards: boolean; refs: IssueReference[] };

function decide(config: BoardSyncConfig, payload: MergeRequestPayload): Decision {
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
  return { target, allowBackwards: choice.allowBackwards, refs };
}

/**
 * Merge Request Hook: moves the issues the merge request refers to (title,
 * description, source branch) to the label its action calls for.
 */
export function createMergeRequestHandler(
  config: BoardSyncConfig,
  metrics: BoardSyncMetrics,
): EventHandler<MergeRequestPayload> {
  return {
    ignore: (payload) => {
      const d = decide(config, payload);
      return 'ignore' in d ? d.ignore : undefined;
    },
    handle: async ({ payload, gitlab, log }) => {
      const d = decide(config, payload);
      if ('ignore' in d) {
        log.info(`nothing to do: ${d.ignore}`);
        return;
      }
      log.info(
        `!${payload.object_attributes?.iid} ${payload.object_attributes?.action}: ` +
          `${d.refs.map((r) => `${r.project}#${r.iid}`).join(', ')} → "${d.target}"`,
      );
      const outcomes = await moveIssues({ gitlab, log }, d.refs, d.target, {
        labels: config.BOARD_LABELS,
        allowBackwards: d.allowBackwards,
      });
      metrics.count(outcomes);
      throwIfRefused(outcomes);
    },
  };
}
